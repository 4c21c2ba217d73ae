"""Canned replies (短语): a company's standard wording, kept by holders of
``complaints.manage_cannedreply`` (company managers for their company, the group centre for any) and
inserted by staff into progress notes, plans and resolution summaries. Each write takes the reply's
row lock; the company of a new reply is ``access.write_company_for``'s answer.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from organization import access

from ..canned_models import MANAGE_CANNED_REPLIES, CannedReply

TITLE_MAX = 60
BODY_MAX = 2000


def _check_manager(by) -> None:
    if not by.has_perm(MANAGE_CANNED_REPLIES):
        raise DomainError(_("Only a manager may change canned replies."), code="not_allowed")


def _clean(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    if not title:
        raise DomainError(_("Give the canned reply a title."), code="title_required")
    if not body:
        raise DomainError(_("Write the canned reply's text."), code="body_required")
    if len(title) > TITLE_MAX or len(body) > BODY_MAX:
        raise DomainError(_("The canned reply is too long."), code="too_long")
    return title, body


def _duplicate_title() -> DomainError:
    return DomainError(_("The company already has a canned reply with this title."), code="duplicate_title")


def canned_reply_create(*, company, title: str, body: str, by) -> CannedReply:
    """A new reply of ``company`` (a company user's own; a group-level user names one they see)."""
    _check_manager(by)
    company = access.write_company_for(by, company)
    title, body = _clean(title, body)
    try:
        # A savepoint, so that a duplicate title leaves a caller's transaction usable.
        with transaction.atomic():
            return CannedReply.objects.create(company=company, title=title, body=body, created_by=by)
    except IntegrityError:
        raise _duplicate_title() from None


@transaction.atomic
def canned_reply_update(*, reply: CannedReply, title: str, body: str, by) -> CannedReply:
    _check_manager(by)
    title, body = _clean(title, body)
    reply = CannedReply.objects.select_for_update().get(pk=reply.pk)
    if CannedReply.objects.filter(company_id=reply.company_id, title=title).exclude(pk=reply.pk).exists():
        raise _duplicate_title()
    reply.title, reply.body = title, body
    reply.save(update_fields=["title", "body", "updated_at"])
    return reply


@transaction.atomic
def canned_reply_set_active(*, reply: CannedReply, active: bool, by) -> CannedReply:
    """Deactivate (the picker no longer offers it) or bring back a reply."""
    _check_manager(by)
    reply = CannedReply.objects.select_for_update().get(pk=reply.pk)
    if reply.active != active:
        reply.active = active
        reply.save(update_fields=["active", "updated_at"])
    return reply

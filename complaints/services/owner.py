"""The complainant's own reply on the tracking page: more information and/or photos.

A reply is a ``feedback`` event the complainant and staff see (its ``to_value`` is empty; a rating's
holds the score), plus the files as an ``attachment`` event, written under the complaint's row lock.
The handler (else the first responder, else the company's managers) is told in the app and by
e-mail; the text is read for risk signals like every other message of the complainant's. A
complaint waiting on the complainant goes back to in progress: they answered, and the clock that
was paused for them runs again. The same reply sent twice within ``REPEAT_WINDOW`` (a double tap, a
form sent again after "back") is recorded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError
from organization import access

from .. import attachments, rules
from ..models import Attachment, Complaint, ComplaintEvent, RiskSignal, Status
from .handling import _lock, complaint_transition
from .notifications import _notify_people
from .risk import risk_signals_read

REPEAT_WINDOW = timedelta(minutes=5)
REPLY_MAX_LENGTH = 2000
CLOSED_WITH_TEXT = _("This complaint is closed. If the problem is back, please file a new complaint.")
CLOSED_FILES_ONLY = _("This complaint is closed; files can no longer be added. Please file a new complaint.")
NOTIFICATION_TEXT = 120  # characters of the reply quoted in the notification (its message holds 300)


@dataclass(frozen=True)
class OwnerReply:
    event: ComplaintEvent | None  # the message's event; None for photos alone
    files: list[Attachment] = field(default_factory=list)
    repeated: bool = False  # the same reply was already recorded a moment ago: nothing was written


def _latest_owner_events(complaint: Complaint) -> tuple[ComplaintEvent | None, ComplaintEvent | None]:
    """The complainant's latest message and latest files (two indexed reads of the timeline)."""
    own = complaint.events.filter(by__isnull=True).order_by("-at", "-id")
    message = own.filter(kind=ComplaintEvent.Kind.FEEDBACK, to_value="").first()
    files = own.filter(kind=ComplaintEvent.Kind.ATTACHMENT).first()
    return message, files


def _is_repeat(complaint: Complaint, *, text: str, names: str, count: int, since) -> bool:
    """The reply equals the complainant's latest one (text, and files by name and number), sent
    within the window."""
    message, files = _latest_owner_events(complaint)
    same_text = not text or (message is not None and message.note == text and message.at >= since)
    same_files = not count or (
        files is not None and files.note == names and files.to_value == str(count) and files.at >= since
    )
    return same_text and same_files


def _tell_staff(complaint: Complaint, *, text: str, count: int) -> None:
    people = {person for person in (complaint.handler, complaint.first_responder) if person is not None}
    if not people:
        people = set(access.company_managers(complaint.company_id))
    if text:
        quoted = text if len(text) <= NOTIFICATION_TEXT else f"{text[:NOTIFICATION_TEXT]}…"
        message = _("Complaint %(number)s: the complainant wrote: %(text)s") % {
            "number": complaint.number,
            "text": quoted,
        }
    else:
        message = _("Complaint %(number)s: the complainant sent %(count)d more files.") % {
            "number": complaint.number,
            "count": count,
        }
    _notify_people(complaint, people, str(message))


def complaint_owner_reply(*, complaint: Complaint, text: str, files: Sequence[File] = ()) -> OwnerReply:
    """Record what the complainant adds on the tracking page: ``text`` and/or ``files`` (checked by
    content and name before anything is written; at most ``rules.MAX_INTAKE_ATTACHMENTS`` at once and
    ``rules.MAX_ATTACHMENTS_PER_COMPLAINT`` in all). Refused once the complaint is closed."""
    text = text.strip()
    if not text and not files:
        raise DomainError(_("Write a message or choose a photo."), code="empty_reply")
    if len(text) > REPLY_MAX_LENGTH:
        raise DomainError(
            _("Keep the message under %(count)d characters.") % {"count": REPLY_MAX_LENGTH},
            code="reply_too_long",
        )
    checked = attachments.check_files(files, at_most=rules.MAX_INTAKE_ATTACHMENTS)
    names = "\n".join(item.name for item in checked)
    with transaction.atomic():
        complaint = _lock(complaint)
        if complaint.status == Status.CLOSED:
            raise Conflict(CLOSED_WITH_TEXT if text else CLOSED_FILES_ONLY, code="closed")
        now = timezone.now()
        if _is_repeat(complaint, text=text, names=names, count=len(checked), since=now - REPEAT_WINDOW):
            return OwnerReply(event=None, repeated=True)
        if complaint.attachments.count() + len(checked) > rules.MAX_ATTACHMENTS_PER_COMPLAINT:
            raise Conflict(
                _("A complaint can have at most %(count)d files.")
                % {"count": rules.MAX_ATTACHMENTS_PER_COMPLAINT},
                code="too_many_attachments",
            )
        event = None
        if text:
            event = ComplaintEvent.objects.create(
                complaint=complaint,
                kind=ComplaintEvent.Kind.FEEDBACK,
                note=text,
                visible_to_complainant=True,
            )
        if complaint.status == Status.AWAITING_CUSTOMER:
            complaint = complaint_transition(
                complaint=complaint, status=Status.IN_PROGRESS, note=str(_("The complainant answered."))
            )
        _tell_staff(complaint, text=text, count=len(checked))
        if text:
            risk_signals_read(complaint=complaint, text=text, source=RiskSignal.Source.OWNER_MESSAGE)
        # Last: the files written here are removed again if anything in here fails.
        stored = attachments.store(complaint=complaint, files=checked)
    return OwnerReply(event=event, files=stored)

"""Call-backs before closing (回访) and the complainant's confirmation.

Resolving a complaint makes it owe a call-back within ``rules.CALLBACK_DUE_AFTER``
(``Complaint.callback_due_at``, set by ``complaint_transition``). Staff, or a call centre through the
API, record what each call-back found: satisfied (the complaint may close), not satisfied (it is
reopened) or could not be reached (three of those allow closing). The complainant may instead confirm
on the tracking page that the problem is solved, which closes it. The close itself is
``complaint_transition`` to closed, which asks ``rules.closing_basis`` and records the basis in the
close event's reasons. Each function takes the complaint's row lock first.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError

from .. import rules
from ..models import Complaint, ComplaintEvent, Status
from .grouping import complaint_reopen
from .handling import _lock, complaint_transition, since_latest_resolve


@transaction.atomic
def complaint_callback(*, complaint: Complaint, outcome: str, note: str, by) -> ComplaintEvent:
    """Record a call-back of a resolved complaint: ``outcome`` is one of ``rules.CALLBACK_OUTCOMES``;
    ``note`` says what the complainant said (required when they were reached). A call-back that
    settles the complaint (an answer, or the third that did not reach them) clears its due time; an
    unhappy one reopens the complaint."""
    complaint = _lock(complaint)
    if complaint.status != Status.RESOLVED:
        raise Conflict(_("Call back once the complaint is resolved."), code="not_resolved")
    if outcome not in rules.CALLBACK_OUTCOMES:
        raise DomainError(_("Choose what the call-back found."), code="outcome_required")
    note = note.strip()
    if outcome in rules.ANSWERED_OUTCOMES and not note:
        raise DomainError(_("Write what the complainant said."), code="note_required")
    event = ComplaintEvent.objects.create(
        complaint=complaint, kind=ComplaintEvent.Kind.CALLBACK, by=by, to_value=outcome, note=note
    )
    if outcome == rules.NOT_SATISFIED:
        _reopen_after_callback(complaint=complaint, note=note, by=by)
        return event
    if rules.callback_settled(*since_latest_resolve(complaint)):
        complaint.callback_due_at = None
        complaint.save(update_fields=["callback_due_at"])
    return event


def _reopen_after_callback(*, complaint: Complaint, note: str, by) -> Complaint:
    """DOMAIN.md: an unhappy call-back reopens the complaint as a second complaint."""
    return complaint_reopen(
        complaint=complaint, reason=str(_("Not satisfied at the call-back: %(note)s") % {"note": note}), by=by
    )


@transaction.atomic
def complaint_confirm_solved(*, complaint: Complaint) -> Complaint:
    """The complainant confirms on the tracking page that the problem is solved (问题已解决，确认结案):
    their choice is on the timeline they see, and the complaint closes."""
    complaint = _lock(complaint)
    if complaint.status != Status.RESOLVED:
        raise Conflict(_("Only a resolved complaint can be confirmed."), code="not_resolved")
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.CONFIRMED,
        note=str(_("The problem is solved.")),
        visible_to_complainant=True,
    )
    return complaint_transition(complaint=complaint, status=Status.CLOSED)

"""The government channel after intake: the authority's verdict (rules/government.py).

``accepted`` lets the resolved complaint close (``complaint_transition`` asks for it); ``sent_back``
reopens it through ``grouping.complaint_reopen``, so it counts as a redo (``reopen_count``, a second
complaint) in the handler's and the project's figures like every other reopen.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError

from .. import rules
from ..models import Complaint, ComplaintEvent, ExternalVerdict
from .grouping import complaint_reopen
from .handling import _lock
from .intake import Intake, complaint_create

VERDICT_REFUSALS = {
    rules.VERDICT_NOT_GOVERNMENT: _("Only a government referral has an authority's verdict."),
    rules.VERDICT_NOT_HANDLED: _("The authority judges a complaint once it is resolved."),
}


@transaction.atomic
def complaint_external_verdict(
    *, complaint: Complaint, verdict: str, note: str, at: datetime | None = None, by
) -> ComplaintEvent:
    """Record the authority's judgement (an event, its time ``at`` in the note's reasons)."""
    complaint = _lock(complaint)
    if verdict not in rules.VERDICTS:
        raise DomainError(_("Choose the authority's verdict."), code="verdict_required")
    at = at or timezone.now()
    if at > timezone.now():
        raise DomainError(_("The verdict's time is in the future."), code="verdict_in_future")
    refusal = rules.verdict_refusal(channel=complaint.channel, status=complaint.status, verdict=verdict)
    if refusal is not None:
        raise Conflict(VERDICT_REFUSALS[refusal], code=refusal)
    note = note.strip()
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.EXTERNAL_VERDICT,
        by=by,
        from_value=complaint.external_verdict,
        to_value=verdict,
        reasons=[at.isoformat()],
        note=note,
    )
    complaint.external_verdict = verdict
    complaint.save(update_fields=["external_verdict"])
    if rules.verdict_effect(verdict) == "reopen":
        reason = str(
            _("Sent back by the authority: %(note)s") % {"note": note or ExternalVerdict.SENT_BACK.label}
        )
        complaint_reopen(complaint=complaint, reason=reason, by=by)
    return event


@transaction.atomic
def referral_import(*, company, intake: Intake, by) -> bool:
    """One row of the authority's exported list: a new case becomes a complaint (True); a case
    already on file (same authority and number in the company) gets the authority's current deadline
    (False), so importing the same list again never duplicates."""
    existing = (
        Complaint.objects.select_for_update()
        .filter(company=company, external_source=intake.external_source, external_ref=intake.external_ref)
        .first()
    )
    if existing is None:
        complaint_create(intake=intake, received_by=by)
        return True
    if existing.external_deadline != intake.external_deadline:
        existing.external_deadline = intake.external_deadline
        existing.save(update_fields=["external_deadline"])
    return False

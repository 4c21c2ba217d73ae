"""The auditable pause of a complaint's response clock (issue 19 §2).

Staff pause the response clocks (the first response, the 24-hour reply, the owner update) with a
reason from a list, a note and an optional resume date; they resume with a note. Each pause is a
``ComplaintPause`` row and a ``paused`` / ``resumed`` event. The escalation clock never stops for it.
A pause lasts at most ``rules.PAUSE_LIMIT`` working days unless a manager approves longer: a manager's
own pause with a later resume date is approved by them; anyone else's needs
``complaint_approve_pause``. ``resume_due`` (beat) resumes pauses whose resume date or limit has come,
over the indexed ``resume_due_at``: nothing is scheduled per pause. A pause and a resume move the
reminder clocks and the 24-hour reply's due moment (``Complaint.reply_due_at``, for the report); an
approval changes neither (only when the sweep will resume).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError
from organization import access
from organization.rules import WorkingCalendar
from organization.selectors import working_calendar

from .. import rules
from ..models import Complaint, ComplaintEvent, ComplaintPause
from . import ownership


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _running(complaint: Complaint) -> ComplaintPause:
    pause = complaint.pauses.select_for_update().filter(resumed_at__isnull=True).first()
    if pause is None:
        raise Conflict(_("The response clock of this complaint is not paused."), code="not_paused")
    return pause


def _is_manager(user) -> bool:
    return user is not None and user.has_perm(access.MANAGE_COMPLAINTS)


def _resume_due(pause: ComplaintPause, calendar: WorkingCalendar) -> datetime | None:
    return rules.pause_resume_due(
        paused_at=pause.paused_at,
        until=pause.until,
        approved=pause.approved_by_id is not None,
        tz=ownership.working_hours().tz,
        working_day=calendar.is_working_day,
    )


@transaction.atomic
def complaint_pause(
    *, complaint: Complaint, reason: str, note: str, until: datetime | None = None, by
) -> ComplaintPause:
    """Pause the response clock. 409 ``handled`` once resolved or closed, ``already_paused``; 400
    ``until_in_past``; a resume date past the limit is 400 ``pause_needs_approval`` unless ``by`` is
    a manager (then the pause is approved by them)."""
    complaint = _lock(complaint)
    now = timezone.now()
    if complaint.status not in rules.OPEN_STATUSES:
        raise Conflict(_("A resolved or closed complaint has no response clock to pause."), code="handled")
    if complaint.response_paused_since is not None:
        raise Conflict(_("The response clock of this complaint is already paused."), code="already_paused")
    if until is not None and until <= now:
        raise DomainError(_("The resume date must be in the future."), code="until_in_past")
    calendar = working_calendar(complaint.company_id)
    long = rules.pause_needs_approval(
        paused_at=now, until=until, tz=ownership.working_hours().tz, working_day=calendar.is_working_day
    )
    if long and not _is_manager(by):
        raise DomainError(
            _("A pause longer than %(days)s working days needs a manager's approval.")
            % {"days": rules.PAUSE_LIMIT.days},
            code="pause_needs_approval",
        )
    pause = ComplaintPause(
        complaint=complaint,
        handler_id=complaint.handler_id,
        reason=reason,
        note=note,
        paused_at=now,
        paused_by=by,
        until=until,
        approved_by=by if long else None,
    )
    pause.resume_due_at = _resume_due(pause, calendar)
    pause.save()
    complaint.response_paused_since = now
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.PAUSED,
        by=by,
        to_value=reason,
        note=note,
        deadline=until,
    )
    ownership.refresh_after_pause(complaint, "response_paused_since")
    return pause


@transaction.atomic
def complaint_approve_pause(*, complaint: Complaint, until: datetime | None, note: str, by) -> ComplaintPause:
    """A manager lets the running pause last past the limit, to ``until`` (or until someone resumes
    it). 403 without the managers' permission is the caller's check (``lower_tier``)."""
    complaint = _lock(complaint)
    pause = _running(complaint)
    if until is not None and until <= timezone.now():
        raise DomainError(_("The resume date must be in the future."), code="until_in_past")
    pause.until, pause.approved_by = until, by
    pause.resume_due_at = _resume_due(pause, working_calendar(complaint.company_id))
    pause.save(update_fields=["until", "approved_by", "resume_due_at"])
    ComplaintEvent.objects.create(
        complaint=complaint, kind=ComplaintEvent.Kind.PAUSE_APPROVED, by=by, note=note, deadline=until
    )
    return pause


def _resume(complaint: Complaint, pause: ComplaintPause, *, note: str, by, now: datetime) -> None:
    pause.resumed_at, pause.resumed_by, pause.resume_note, pause.resume_due_at = now, by, note, None
    pause.save(update_fields=["resumed_at", "resumed_by", "resume_note", "resume_due_at"])
    complaint.response_paused_since = None
    ComplaintEvent.objects.create(
        complaint=complaint, kind=ComplaintEvent.Kind.RESUMED, by=by, from_value=pause.reason, note=note
    )
    ownership.refresh_after_pause(complaint, "response_paused_since")


def resume_when_resolved(complaint: Complaint, *, by, now: datetime) -> None:
    """Resolving ends a running pause (nothing is left to respond to). Call it holding the row."""
    if complaint.response_paused_since is not None:
        note = str(_("Resumed: the complaint was resolved."))
        _resume(complaint, _running(complaint), note=note, by=by, now=now)


@transaction.atomic
def complaint_resume(*, complaint: Complaint, note: str, by) -> Complaint:
    """Resume the response clock (409 ``not_paused``)."""
    complaint = _lock(complaint)
    _resume(complaint, _running(complaint), note=note, by=by, now=timezone.now())
    return complaint


def resume_due(*, as_of: datetime | None = None, batch_size: int = 500) -> int:
    """The sweep: resume the pauses whose resume date, or unapproved limit, has come; in batches over
    the partial index, skipping rows another worker holds. Returns how many it resumed."""
    as_of = as_of or timezone.now()
    resumed = 0
    while True:
        with transaction.atomic():
            batch = list(
                ComplaintPause.objects.select_for_update(skip_locked=True)
                .filter(resume_due_at__lte=as_of)
                .order_by("resume_due_at")[:batch_size]
            )
            if not batch:
                return resumed
            for pause in batch:
                complaint = _lock(pause.complaint)
                limit_reached = pause.until is None or pause.resume_due_at < pause.until
                note = (
                    _("Resumed automatically: %(days)s working days without a manager's approval.")
                    % {"days": rules.PAUSE_LIMIT.days}
                    if limit_reached and pause.approved_by_id is None
                    else _("Resumed automatically on the resume date.")
                )
                _resume(complaint, pause, note=str(note), by=None, now=as_of)
                resumed += 1

"""Handling a complaint after intake: assignment, the status flow (with the paused clock while
waiting for the customer), the handling plan and progress notes, handover by the first responder,
a manager's lowering of the tier, linking to an earlier complaint of the same issue, the
complainant's rating and repairs attributed to contractors. Every change is recorded as an event
under the complaint's row lock. Resolving needs a resolution summary (the resolve event's note,
which the complainant sees); progress notes are internal unless the caller says otherwise. Closing
needs what ``rules.closing_basis`` asks for since the latest resolve; the call-backs themselves are
in ``callbacks``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import webhooks
from core.exceptions import Conflict, DomainError
from organization import access

from .. import rules
from ..models import Complaint, ComplaintEvent, Repair, RiskSignal, Status
from . import ownership
from .escalation import CLOCK_FIELDS, _clock_done, _group_members, _issue_root, evaluate, set_clocks
from .grouping import complaint_reopen
from .notifications import _text_complainant
from .pause import resume_when_resolved
from .risk import risk_signals_read


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _mark_first_response(complaint: Complaint, now: datetime) -> None:
    """The first time staff act on a complaint after intake, and its working time with the pauses
    left out (for the response-time figures)."""
    if complaint.first_response_at is None:
        complaint.first_response_at = now
        ownership.set_response_figures(complaint, pauses=ownership.pauses_of(complaint))
        Complaint.objects.filter(pk=complaint.pk, first_response_at__isnull=True).update(
            first_response_at=now,
            **{figure: getattr(complaint, figure) for figure in ownership.RESPONSE_FIGURES},
        )


CLOSING_REFUSALS = {
    rules.CALLBACK_REQUIRED: _(
        "Call the complainant back before closing: closing needs a satisfied call-back, the "
        "complainant's confirmation on the tracking page, or three call-backs that did not reach them."
    ),
    rules.CALLBACK_NOT_SATISFIED: _(
        "The latest call-back found the complainant not satisfied; the complaint cannot close."
    ),
    rules.EXTERNAL_VERDICT_REQUIRED: _(
        "A government referral closes only after the authority accepted the handling: "
        "record its verdict first."
    ),
}


def since_latest_resolve(complaint: Complaint) -> tuple[list[str], bool]:
    """The call-back outcomes recorded since the complaint was last resolved (oldest first), and
    whether the complainant confirmed the solution since then. A complaint resolved before these
    events existed counts everything it has."""
    latest_resolve = (
        complaint.events.filter(kind=ComplaintEvent.Kind.STATUS, to_value=Status.RESOLVED)
        .order_by("-id")
        .values("id")[:1]
    )
    since = complaint.events.filter(
        id__gt=Coalesce(Subquery(latest_resolve), 0),
        kind__in=(ComplaintEvent.Kind.CALLBACK, ComplaintEvent.Kind.CONFIRMED),
    ).order_by("id")
    found = list(since.values_list("kind", "to_value"))
    outcomes = [value for kind, value in found if kind == ComplaintEvent.Kind.CALLBACK]
    return outcomes, any(kind == ComplaintEvent.Kind.CONFIRMED for kind, _value in found)


def _closing_basis(complaint: Complaint) -> str:
    """Why the resolved complaint may close (recorded in the close event), or a DomainError."""
    government = rules.government_closing_refusal(
        channel=complaint.channel, verdict=complaint.external_verdict
    )
    if government is not None:
        raise DomainError(CLOSING_REFUSALS[government], code=government)
    outcomes, confirmed = since_latest_resolve(complaint)
    basis = rules.closing_basis(outcomes, confirmed)
    if basis is None:
        refusal = rules.closing_refusal(outcomes, confirmed)
        raise DomainError(CLOSING_REFUSALS[refusal], code=refusal)
    return basis


def _check_assignable(person, complaint: Complaint) -> None:
    """The page and the API offer only these people; the service refuses anyone else too."""
    if not access.may_be_assigned(person, complaint.company_id, perm=access.HANDLE_COMPLAINTS):
        raise DomainError(
            _("%(name)s cannot be given this complaint.") % {"name": person}, code="not_assignable"
        )


@transaction.atomic
def complaint_transition(*, complaint: Complaint, status: str, note: str = "", by=None) -> Complaint:
    complaint = _lock(complaint)
    if not rules.can_transition(complaint.status, status):
        raise Conflict(
            _("A complaint that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": Status(complaint.status).label,
                "target": Status(status).label if status in Status.values else status,
            },
            code="invalid_transition",
        )
    if status == Status.ASSIGNED and complaint.handler_id is None:
        raise DomainError(_("Choose a handler before assigning the complaint."), code="handler_required")
    if status == Status.RESOLVED and not note.strip():
        # The resolve event's note is the resolution summary: the complainant reads it on the tracking
        # page and the call-back asks whether it is true, so nobody resolves without one.
        raise DomainError(
            _("Write the resolution summary: what was done and what the result is."), code="summary_required"
        )
    if complaint.status == Status.RESOLVED and status == Status.IN_PROGRESS:
        # Reopened after handling: a second complaint, on the one path every caller shares.
        reason = note.strip() or str(_("Reopened after it was resolved."))
        return complaint_reopen(complaint=complaint, reason=reason, by=by)
    now = timezone.now()
    if complaint.status == Status.AWAITING_CUSTOMER and complaint.paused_since:
        complaint.paused_seconds += int((now - complaint.paused_since).total_seconds())
        complaint.paused_since = None
    if status == Status.AWAITING_CUSTOMER:
        complaint.paused_since = now
    if status == Status.RESOLVED:
        complaint.resolved_at = now
        resume_when_resolved(complaint, by=by, now=now)
        _text_complainant(
            complaint,
            _("Your complaint %(number)s is resolved. Please tell us if you are satisfied: %(link)s"),
        )
    closing_reasons = []
    if status == Status.CLOSED:
        closing_reasons = [_closing_basis(complaint)]
        complaint.closed_at = now
    # A resolved complaint owes a call-back (回访); leaving "resolved" either way settles it.
    complaint.callback_due_at = rules.callback_due(now) if status == Status.RESOLVED else None
    _mark_first_response(complaint, now)
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.STATUS,
        by=by,
        from_value=complaint.status,
        to_value=status,
        note=note.strip(),
        reasons=closing_reasons,
        visible_to_complainant=True,
    )
    complaint.status = status
    complaint.save(
        update_fields=[
            "status",
            "paused_seconds",
            "paused_since",
            "resolved_at",
            "closed_at",
            "callback_due_at",
        ]
    )
    webhooks.emit(
        "complaint.closed" if status == Status.CLOSED else "complaint.status_changed",
        complaint,
        company_id=complaint.company_id,
    )
    evaluate(complaint, now=now)
    ownership.refresh_due(complaint)
    return complaint


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, handler, department: str, deadline: datetime | None, by
) -> Complaint:
    _check_assignable(handler, complaint)
    complaint = _lock(complaint)
    complaint.handler, complaint.department, complaint.deadline = handler, department, deadline
    complaint.save(update_fields=["handler", "department", "deadline"])
    ownership.refresh_due(complaint)
    if complaint.status == Status.RECEIVED:
        return complaint_transition(
            complaint=complaint,
            status=Status.ASSIGNED,
            by=by,
            note=str(_("Assigned to %(name)s") % {"name": handler}),
        )
    return complaint


@transaction.atomic
def complaint_add_plan(*, complaint: Complaint, measures: str, deadline: datetime, by) -> ComplaintEvent:
    """The handling plan told to the complainant: the measures, by when, and who answers for it."""
    complaint = _lock(complaint)
    if complaint.status in rules.HANDLED_STATUSES:
        raise Conflict(_("The complaint is already handled."), code="handled")
    if deadline <= timezone.now():
        raise DomainError(_("The plan's deadline must be in the future."), code="deadline_in_past")
    complaint.deadline = deadline
    complaint.save(update_fields=["deadline"])
    _mark_first_response(complaint, timezone.now())
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.PLAN,
        by=by,
        note=measures,
        deadline=deadline,
        visible_to_complainant=True,
    )
    ownership.refresh_due(complaint)
    risk_signals_read(complaint=complaint, text=measures, source=RiskSignal.Source.STAFF_NOTE)
    return event


def complaint_add_progress(
    *, complaint: Complaint, note: str, visible_to_complainant: bool, by
) -> ComplaintEvent:
    if not note.strip():
        raise DomainError(_("Write what happened."), code="empty_note")
    _mark_first_response(complaint, timezone.now())
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.PROGRESS,
        by=by,
        note=note.strip(),
        visible_to_complainant=visible_to_complainant,
    )
    if visible_to_complainant:  # the owner heard something: their silence clock starts again
        with transaction.atomic():
            ownership.refresh_due(_lock(complaint))
    risk_signals_read(complaint=complaint, text=event.note, source=RiskSignal.Source.STAFF_NOTE)
    return event


@transaction.atomic
def complaint_handover(*, complaint: Complaint, to_user, note: str, by) -> Complaint:
    """首问责任制: the first responder stays responsible until they hand over, with a note."""
    _check_assignable(to_user, complaint)
    complaint = _lock(complaint)
    if not note.strip():
        raise DomainError(_("Say why and what the next person needs to know."), code="note_required")
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.HANDOVER,
        by=by,
        from_value=str(complaint.first_responder_id or ""),
        to_value=str(to_user.pk),
        note=note.strip(),
    )
    complaint.first_responder = to_user
    complaint.save(update_fields=["first_responder"])
    return complaint


@transaction.atomic
def complaint_lower_tier(*, complaint: Complaint, tier: str, reason: str, by) -> Complaint:
    if not by.has_perm("complaints.lower_tier"):
        raise DomainError(_("Only a manager may lower a tier."), code="not_allowed")
    complaint = _lock(complaint)
    if not rules.higher(complaint.tier, tier):
        raise DomainError(_("Choose a tier below the current one."), code="not_lower")
    if not reason.strip():
        raise DomainError(_("Give the reason for lowering the tier."), code="reason_required")
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.TIER_LOWERED,
        by=by,
        from_value=complaint.tier,
        to_value=tier,
        note=reason.strip(),
    )
    complaint.tier = tier
    set_clocks(complaint, _clock_done(complaint))
    complaint.save(update_fields=["tier", *CLOCK_FIELDS])
    return complaint


@transaction.atomic
def complaint_link_same_issue(*, complaint: Complaint, earlier: Complaint, by) -> Complaint:
    complaint = _lock(complaint)
    if earlier.pk == complaint.pk or earlier.company_id != complaint.company_id:
        raise DomainError(_("Choose another complaint of the same company."), code="bad_link")
    complaint.issue_root = _issue_root(earlier)
    complaint.save(update_fields=["issue_root"])
    ComplaintEvent.objects.create(
        complaint=complaint, kind=ComplaintEvent.Kind.LINKED, by=by, to_value=earlier.number
    )
    now = timezone.now()
    for member in _group_members(complaint).filter(status__in=rules.OPEN_STATUSES).select_for_update():
        evaluate(member, now=now)
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_rate(*, complaint: Complaint, rating: int, comment: str, by=None) -> Complaint:
    """The complainant's verdict on the handling, once, after it is resolved. ``by`` is None when the
    complainant rated on the tracking page, else the staff member or integrator who recorded what
    the complainant said (a call centre through the API)."""
    complaint = _lock(complaint)
    if complaint.status not in rules.HANDLED_STATUSES:
        raise Conflict(_("You can rate the handling once the complaint is resolved."), code="not_handled")
    if complaint.rating is not None:
        raise Conflict(_("This complaint has already been rated. Thank you."), code="already_rated")
    if not 1 <= rating <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."), code="bad_rating")
    complaint.rating, complaint.rating_comment = rating, comment.strip()[:500]
    complaint.save(update_fields=["rating", "rating_comment"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.FEEDBACK,
        by=by,
        to_value=str(rating),
        note=complaint.rating_comment,
        visible_to_complainant=True,
    )
    risk_signals_read(
        complaint=complaint, text=complaint.rating_comment, source=RiskSignal.Source.OWNER_MESSAGE
    )
    return complaint


def repair_record(
    *, complaint: Complaint, contractor, work: str, started_on, finished_on, fixed_first_time, by
) -> Repair:
    """Attribute a repair (返修) to the contractor or supplier responsible; a later repair of the same
    complaint means the earlier ones did not fix it the first time."""
    today = timezone.localdate()
    if started_on > today or (finished_on and finished_on > today):
        raise DomainError(_("Repair dates cannot be in the future."), code="repair_in_future")
    if finished_on and finished_on < started_on:
        raise DomainError(_("A repair cannot finish before it starts."), code="repair_finish_before_start")
    if not work.strip():
        raise DomainError(_("Describe the repair work."), code="repair_work_required")
    with transaction.atomic():
        complaint.repairs.filter(fixed_first_time__isnull=True).update(fixed_first_time=False)
        return Repair.objects.create(
            complaint=complaint,
            contractor=contractor,
            work=work.strip(),
            started_on=started_on,
            finished_on=finished_on,
            fixed_first_time=fixed_first_time,
            recorded_by=by,
        )

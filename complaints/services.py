"""Every change to a complaint goes through here: staff pages, the public form, the API,
the escalation sweep (task and command) all call these functions."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import outbox
from customers import services as customer_services
from customers.models import Customer
from organization.models import Project, Unit
from vanke_crm.exceptions import Conflict, DomainError

from . import attachments, rules
from .models import Complaint, ComplaintEvent, Notification, NumberSequence, Repair, Status, Tier

logger = logging.getLogger(__name__)

# Staff clocks drift; a received time this far ahead is still "now", beyond it is the future.
CLOCK_SKEW = timedelta(minutes=5)
COMPLAINANT_TOPIC = "complaint"  # texts to the complainant go through the core outbox
STAFF_TOPIC = "staff_notification"  # e-mail copies of notifications to staff, through the core outbox


@dataclass(frozen=True)
class Intake:
    project: Project
    channel: str
    category: str
    title: str
    description: str
    received_at: datetime | None = None
    unit: Unit | None = None
    customer: Customer | None = None
    contact_name: str = ""
    contact_phone: str = ""
    sub_category: str = ""
    complainant_count: int = 1
    litigation: str = "none"
    media: str = "none"
    needs_outside_support: bool = False
    same_issue_as: Complaint | None = None
    follows: Complaint | None = None
    department: str = ""
    handler: object = None
    deadline: datetime | None = None


def _next_number(received_at: datetime) -> str:
    month = timezone.localtime(received_at).strftime("%Y%m")
    NumberSequence.objects.get_or_create(month=month)
    sequence = NumberSequence.objects.select_for_update().get(month=month)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"TS{month}-{sequence.last:06d}"


@transaction.atomic
def complaint_create(*, intake: Intake, received_by=None, files: Sequence[File] = ()) -> Complaint:
    """Record a complaint from any channel, judge its tier at once, and notify after commit.

    ``received_by`` is the first responder (首问责任人); None for the public form. ``files`` (photos,
    PDFs) are checked before anything is written and stored in the same transaction, as its last step.
    """
    checked_files = attachments.check_files(files, at_most=rules.MAX_INTAKE_ATTACHMENTS)
    now = timezone.now()
    received_at = intake.received_at or now
    if received_at > now + CLOCK_SKEW:
        raise DomainError(_("The received time is in the future."), code="received_in_future")
    if intake.unit is not None and intake.unit.building.project_id != intake.project.pk:
        raise DomainError(_("The unit is not in the chosen project."), code="unit_not_in_project")
    for related in (intake.same_issue_as, intake.follows):
        if related is not None and related.company_id != intake.project.company_id:
            raise DomainError(_("Only complaints of the same company can be linked."), code="other_company")
    if intake.follows is not None and intake.follows.status not in rules.HANDLED_STATUSES:
        raise DomainError(
            _("A second complaint follows a complaint that was already handled."), code="follows_unhandled"
        )

    # The month's number first: every intake locks the counter before any customer row, so two
    # intakes for one caller cannot each hold what the other waits for.
    number = _next_number(received_at)
    customer = intake.customer
    if customer is not None and customer.company_id != intake.project.company_id:
        raise DomainError(
            _("The customer is not a customer of this project's company."), code="other_company"
        )
    if customer is None and intake.contact_phone:
        # Only the complaint's company's own file: another company's customer is never linked or named.
        customer = Customer.objects.filter(
            company_id=intake.project.company_id, phone=intake.contact_phone
        ).first()
        if customer is None and intake.contact_name:
            customer, _created = customer_services.customer_upsert(
                company=intake.project.company,
                phone=intake.contact_phone,
                source="service_contact",
                profile={"name": intake.contact_name},
            )
    complaint = Complaint.objects.create(
        number=number,
        company_id=intake.project.company_id,
        project=intake.project,
        unit=intake.unit,
        customer=customer,
        channel=intake.channel,
        category=intake.category,
        sub_category=intake.sub_category,
        title=intake.title,
        description=intake.description,
        received_at=received_at,
        complainant_count=intake.complainant_count,
        litigation=intake.litigation,
        media=intake.media,
        needs_outside_support=intake.needs_outside_support,
        issue_root=_issue_root(intake.same_issue_as),
        follows=intake.follows,
        first_responder=received_by,
        handler=intake.handler,
        department=intake.department,
        deadline=intake.deadline,
        contact_name=intake.contact_name,
        contact_phone=intake.contact_phone or (customer.phone if customer else ""),
        tracking_token=secrets.token_urlsafe(32),
    )
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.CREATED,
        by=received_by,
        to_value=Status.RECEIVED,
        visible_to_complainant=True,
    )
    _text_complainant(complaint, _("Your complaint %(number)s is received. Follow it here: %(link)s"))
    evaluate(complaint, now=now)
    for member in _group_members(complaint).exclude(pk=complaint.pk).filter(status__in=rules.OPEN_STATUSES):
        evaluate(member, now=now)
    attachments.store(complaint=complaint, files=checked_files, by=received_by)
    return complaint


def _issue_root(same_issue_as: Complaint | None) -> Complaint | None:
    if same_issue_as is None:
        return None
    return same_issue_as.issue_root or same_issue_as


def _group_members(complaint: Complaint):
    root_id = complaint.issue_root_id or complaint.pk
    return Complaint.objects.filter(Q(pk=root_id) | Q(issue_root_id=root_id))


def same_issue_complainants(complaint: Complaint) -> int:
    """Distinct complainants of the complaint's issue group within a month of it (DOMAIN.md: hot)."""
    if complaint.issue_root_id is None and not complaint.issue_members.exists():
        return 1
    window = rules.SAME_ISSUE_WINDOW
    members = (
        _group_members(complaint)
        .filter(
            received_at__gte=complaint.received_at - window, received_at__lte=complaint.received_at + window
        )
        .values_list("pk", "customer_id", "contact_phone")
    )
    return len({customer_id or phone or f"#{pk}" for pk, customer_id, phone in members})


def facts_for(complaint: Complaint, now: datetime) -> rules.TierFacts:
    resolved = complaint.status in rules.HANDLED_STATUSES
    elapsed = rules.company_side_elapsed(
        received_at=complaint.received_at,
        now=now,
        paused_seconds=complaint.paused_seconds,
        paused_since=complaint.paused_since,
    )
    return rules.TierFacts(
        litigation=complaint.litigation,
        media=complaint.media,
        complainant_count=complaint.complainant_count,
        same_issue_complainants=same_issue_complainants(complaint),
        unresolved_for=timedelta(0) if resolved else elapsed,
        second_complaint=complaint.follows_id is not None,
        needs_outside_support=complaint.needs_outside_support,
    )


def _clock_done(complaint: Complaint) -> set[tuple[str, bool]]:
    """(tier, warning) pairs already recorded automatically: each rise and each warning happens once."""
    events = complaint.events.filter(
        kind__in=[ComplaintEvent.Kind.TIER_RAISED, ComplaintEvent.Kind.CLOCK_WARNING], by__isnull=True
    ).values_list("kind", "to_value")
    return {(tier, kind == ComplaintEvent.Kind.CLOCK_WARNING) for kind, tier in events}


def _record_once(complaint: Complaint, **event) -> bool:
    """Insert an automatic event; False when a concurrent sweep already recorded it."""
    try:
        with transaction.atomic():
            ComplaintEvent.objects.create(complaint=complaint, **event)
    except IntegrityError:
        return False
    return True


def evaluate(complaint: Complaint, *, now: datetime) -> bool:
    """Raise the tier if the rules now give a higher one, warn before a clock runs out, and
    recompute the next due time. Call it inside a transaction holding the complaint's row.
    Returns whether the tier rose."""
    tier, reasons = rules.tier_for(facts_for(complaint, now))
    done = _clock_done(complaint)
    rose = False
    # A tier a manager lowered from is not raised again by the same rules (one rise per tier).
    if rules.higher(tier, complaint.tier) and (tier, False) not in done:
        if _record_once(
            complaint,
            kind=ComplaintEvent.Kind.TIER_RAISED,
            from_value=complaint.tier,
            to_value=tier,
            reasons=reasons,
        ):
            _notify(complaint, tier, _rise_message(complaint, tier))
            complaint.tier = tier
            rose = True
        done.add((tier, False))
    if _clock_running(complaint):
        for moment in rules.clock_moments(
            received_at=complaint.received_at,
            paused_seconds=complaint.paused_seconds,
            tier=complaint.tier,
            done=done,
        ):
            if moment.warning and moment.at <= now:
                if _record_once(complaint, kind=ComplaintEvent.Kind.CLOCK_WARNING, to_value=moment.tier):
                    _notify(complaint, rules.IMPORTANT, _warning_message(complaint, moment.tier))
                done.add((moment.tier, True))
    complaint.tier_reasons = reasons
    complaint.next_due_at = _next_due(complaint, done)
    complaint.save(update_fields=["tier", "tier_reasons", "next_due_at"])
    return rose


def _clock_running(complaint: Complaint) -> bool:
    return complaint.status not in rules.HANDLED_STATUSES and complaint.paused_since is None


def _next_due(complaint: Complaint, done: set[tuple[str, bool]]) -> datetime | None:
    return rules.next_clock_due(
        received_at=complaint.received_at,
        paused_seconds=complaint.paused_seconds,
        paused=complaint.paused_since is not None,
        resolved=complaint.status in rules.HANDLED_STATUSES,
        tier=complaint.tier,
        done=frozenset(done),
    )


def escalate_due(*, as_of: datetime | None = None, batch_size: int = 500) -> int:
    """The sweep: look at complaints whose due time has come, in batches, skipping rows another
    worker holds. Safe to run twice or concurrently: a rise is recorded once per (complaint, tier)."""
    as_of = as_of or timezone.now()
    seen: set[int] = set()
    raised = 0
    while True:
        with transaction.atomic():
            batch = list(
                Complaint.objects.select_for_update(skip_locked=True)
                .filter(next_due_at__lte=as_of)
                .exclude(pk__in=seen)
                .order_by("next_due_at")[:batch_size]
            )
            if not batch:
                return raised
            for complaint in batch:
                seen.add(complaint.pk)
                raised += evaluate(complaint, now=as_of)


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _mark_first_response(complaint: Complaint, now: datetime) -> None:
    """The first time staff act on a complaint after intake (for the response-time figures)."""
    if complaint.first_response_at is None:
        complaint.first_response_at = now
        Complaint.objects.filter(pk=complaint.pk, first_response_at__isnull=True).update(
            first_response_at=now
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
    now = timezone.now()
    if complaint.status == Status.AWAITING_CUSTOMER and complaint.paused_since:
        complaint.paused_seconds += int((now - complaint.paused_since).total_seconds())
        complaint.paused_since = None
    if status == Status.AWAITING_CUSTOMER:
        complaint.paused_since = now
    if status == Status.RESOLVED:
        complaint.resolved_at = now
        _text_complainant(
            complaint,
            _("Your complaint %(number)s is resolved. Please tell us if you are satisfied: %(link)s"),
        )
    if status == Status.CLOSED:
        complaint.closed_at = now
    if status == Status.IN_PROGRESS and complaint.status == Status.RESOLVED:
        complaint.resolved_at = None  # reopened: the complainant was not satisfied
    _mark_first_response(complaint, now)
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.STATUS,
        by=by,
        from_value=complaint.status,
        to_value=status,
        note=note,
        visible_to_complainant=True,
    )
    complaint.status = status
    complaint.save(update_fields=["status", "paused_seconds", "paused_since", "resolved_at", "closed_at"])
    evaluate(complaint, now=now)
    return complaint


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, handler, department: str, deadline: datetime | None, by
) -> Complaint:
    complaint = _lock(complaint)
    complaint.handler, complaint.department, complaint.deadline = handler, department, deadline
    complaint.save(update_fields=["handler", "department", "deadline"])
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
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.PLAN,
        by=by,
        note=measures,
        deadline=deadline,
        visible_to_complainant=True,
    )


def complaint_add_progress(
    *, complaint: Complaint, note: str, visible_to_complainant: bool, by
) -> ComplaintEvent:
    if not note.strip():
        raise DomainError(_("Write what happened."), code="empty_note")
    _mark_first_response(complaint, timezone.now())
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.PROGRESS,
        by=by,
        note=note.strip(),
        visible_to_complainant=visible_to_complainant,
    )


@transaction.atomic
def complaint_handover(*, complaint: Complaint, to_user, note: str, by) -> Complaint:
    """首问责任制: the first responder stays responsible until they hand over, with a note."""
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
    complaint.next_due_at = _next_due(complaint, _clock_done(complaint))
    complaint.save(update_fields=["tier", "next_due_at"])
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
def complaint_rate(*, complaint: Complaint, rating: int, comment: str) -> Complaint:
    """The complainant's verdict on the handling, once, after it is resolved."""
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
        to_value=str(rating),
        note=complaint.rating_comment,
        visible_to_complainant=True,
    )
    return complaint


# --- Notifications (in-app rows; their e-mail copies through the core outbox) ------------------


def _recipients(complaint: Complaint, tier: str):
    User = get_user_model()
    people = {user for user in (complaint.handler, complaint.first_responder) if user is not None}
    if rules.TIER_RANK[tier] >= rules.TIER_RANK[rules.HOT]:
        people |= set(
            User.objects.filter(
                company_id=complaint.company_id, groups__name="company_manager", is_active=True
            )
        )
    if tier == rules.MAJOR:
        people |= set(User.objects.filter(groups__name="group_centre", is_active=True))
    return people


def _rise_message(complaint: Complaint, tier: str) -> str:
    return str(
        _("Complaint %(number)s is now %(tier)s: %(title)s")
        % {"number": complaint.number, "tier": Tier(tier).label, "title": complaint.title[:100]}
    )


def _warning_message(complaint: Complaint, tier: str) -> str:
    return str(
        _("Complaint %(number)s becomes %(tier)s within a day unless it is resolved: %(title)s")
        % {"number": complaint.number, "tier": Tier(tier).label, "title": complaint.title[:100]}
    )


def _notify(complaint: Complaint, tier: str, message: str) -> None:
    """Notify the people of ``tier``: handler and first responder; managers from hot; the group
    centre for major. Each gets an in-app notification and, if they have an address, an e-mail
    through the core outbox (its attempt limit; one refused address does not hold up the others)."""
    notifications = Notification.objects.bulk_create(
        Notification(user=user, complaint=complaint, message=message) for user in _recipients(complaint, tier)
    )
    outbox.message_queue_many(
        outbox.Message(
            channel="email",
            recipient=notification.user.email,
            topic=STAFF_TOPIC,
            subject=message,
            body=message,
            dedupe_key=f"notification:{notification.pk}",
            company_id=complaint.company_id,
        )
        for notification in notifications
        if notification.user.email
    )


def tracking_link(complaint: Complaint) -> str:
    from django.conf import settings

    return f"{settings.PUBLIC_BASE_URL}/complain/track/{complaint.tracking_token}/"


def _text_complainant(complaint: Complaint, template) -> None:
    if not complaint.contact_phone or not complaint.tracking_token:
        return
    outbox.message_queue(
        outbox.Message(
            channel="sms",
            recipient=complaint.contact_phone,
            topic=COMPLAINANT_TOPIC,
            body=str(template % {"number": complaint.number, "link": tracking_link(complaint)}),
            company_id=complaint.company_id,
        )
    )


@transaction.atomic
def complaint_callback(*, complaint: Complaint, note: str, satisfied: bool, by) -> ComplaintEvent:
    """The call-back (回访) after closing: what the complainant said, and whether they were satisfied."""
    complaint = _lock(complaint)
    if complaint.status != Status.CLOSED:
        raise Conflict(_("Call back once the complaint is closed."), code="not_closed")
    if not note.strip():
        raise DomainError(_("Write what the complainant said."), code="note_required")
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.CALLBACK,
        by=by,
        to_value="satisfied" if satisfied else "not_satisfied",
        note=note.strip(),
    )


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

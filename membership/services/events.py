"""Community events: planning and changing them (until they start), sign-ups (confirmed while
seats last, else the waiting list, under the event row lock), cancellation and the waiting list's
promotion, calling an event off (with an SMS to each member who had a place or was waiting) and
attendance, which earns the event's points once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError
from core.outbox import Message, message_queue_many
from organization import access
from organization.models import Company, Project

from .. import rules
from ..models import Event, EventSignup, Member
from .ledger import _check_active, points_earn

# --- Planning ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventPlan:
    """What a manager decides about an event; the company is fixed when it is planned."""

    title: str
    kind: str
    starts_at: datetime
    place: str
    capacity: int
    points: int = 0
    project: Project | None = None


def event_plan_of(event: Event) -> EventPlan:
    return EventPlan(
        title=event.title,
        kind=event.kind,
        starts_at=event.starts_at,
        place=event.place,
        capacity=event.capacity,
        points=event.points,
        project=event.project,
    )


def _check_plan(plan: EventPlan, *, company_id: int) -> None:
    if plan.starts_at <= timezone.now():
        raise DomainError(_("Plan the event in the future."), code="starts_in_past")
    if plan.project is not None and plan.project.company_id != company_id:
        raise DomainError(_("This project belongs to another company."), code="project_other_company")
    if plan.capacity < 1:
        raise DomainError(_("An event needs at least one seat."), code="invalid_capacity")
    if not plan.title.strip() or not plan.place.strip():
        raise DomainError(_("Give the event a title and a place."), code="title_and_place_required")


@transaction.atomic
def event_create(*, plan: EventPlan, company: Company | None, by) -> Event:
    """Plan an event of ``company`` (a company user's own; a group-level user names it)."""
    company = access.write_company_for(by, company)
    _check_plan(plan, company_id=company.pk)
    return Event.objects.create(
        company=company,
        project=plan.project,
        title=plan.title.strip(),
        kind=plan.kind,
        starts_at=plan.starts_at,
        place=plan.place.strip(),
        capacity=plan.capacity,
        points=plan.points,
    )


@transaction.atomic
def event_update(*, event: Event, plan: EventPlan, version: int, by) -> Event:
    """Change an event that has not started, made on the copy loaded at ``version``: a save in
    between is a conflict (nothing is locked while someone looks at the form). More seats go to the
    waiting list in order; fewer than the confirmed places are refused (a confirmed member is never
    dropped by an edit). Locks the event row, as sign-ups do."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    access.write_company_for(by, event.company)
    if event.called_off_at is not None:
        raise DomainError(_("This event was called off."), code="event_called_off")
    if event.starts_at <= timezone.now():
        raise DomainError(_("The event has started; it can no longer be changed."), code="event_started")
    if event.version != version:
        raise Conflict(
            _("Someone changed the event after you opened it; reload it and make your change again."),
            code="stale_version",
        )
    _check_plan(plan, company_id=event.company_id)
    if plan.capacity < event.confirmed_count:
        raise DomainError(
            _("%(count)s members have a confirmed place; the capacity cannot be lower.")
            % {"count": event.confirmed_count},
            code="capacity_below_confirmed",
        )
    event.project, event.title, event.kind = plan.project, plan.title.strip(), plan.kind
    event.starts_at, event.place, event.points = plan.starts_at, plan.place.strip(), plan.points
    event.capacity = plan.capacity
    free = event.capacity - event.confirmed_count
    if free > 0:
        promoted = list(
            EventSignup.objects.select_for_update()
            .filter(event=event, status=EventSignup.Status.WAITING)
            .order_by("id")
            .values_list("pk", flat=True)[:free]
        )
        EventSignup.objects.filter(pk__in=promoted).update(status=EventSignup.Status.CONFIRMED)
        event.confirmed_count += len(promoted)
    event.version += 1
    event.save(
        update_fields=[
            "version",
            "project",
            "title",
            "kind",
            "starts_at",
            "place",
            "capacity",
            "points",
            "confirmed_count",
        ]
    )
    return event


# --- Sign-ups ------------------------------------------------------------------------------------


@transaction.atomic
def event_signup(*, event: Event, member: Member, channel: str, by=None) -> EventSignup:
    """Sign a member up: confirmed while seats are left, else on the waiting list. ``by`` is the
    staff user who did it (None when the member signed up on their own page)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_active(member)
    if not member.served_by(event.company_id):
        raise DomainError(_("This event is for members of another company."), code="other_company")
    if event.called_off_at is not None:
        raise DomainError(_("This event was called off."), code="event_called_off")
    if event.starts_at <= timezone.now():
        raise DomainError(_("Sign-up has closed: the event has started."), code="signup_closed")
    signup = EventSignup.objects.filter(event=event, member=member).first()
    if signup is not None and signup.status != EventSignup.Status.CANCELLED:
        raise Conflict(_("Already signed up for this event."), code="already_signed_up")
    status = rules.signup_status(confirmed=event.confirmed_count, capacity=event.capacity)
    if signup is not None:
        # Signing up again after cancelling goes to the back of the queue.
        signup.delete()
    signup = EventSignup.objects.create(event=event, member=member, status=status, channel=channel, by=by)
    if status == EventSignup.Status.CONFIRMED:
        event.confirmed_count += 1
        event.save(update_fields=["confirmed_count"])
    return signup


@transaction.atomic
def event_cancel_signup(*, signup: EventSignup, by=None) -> EventSignup | None:
    """Cancel; a freed seat goes to the first on the waiting list (returned, if any). ``by`` is the
    staff user who cancelled (None when the member did)."""
    event = Event.objects.select_for_update().get(pk=signup.event_id)
    signup = EventSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status == EventSignup.Status.CANCELLED:
        raise Conflict(_("This sign-up was already cancelled."), code="already_cancelled")
    if event.starts_at <= timezone.now():
        raise DomainError(_("The event has started; sign-ups cannot be cancelled."), code="signup_closed")
    was_confirmed = signup.status == EventSignup.Status.CONFIRMED
    signup.status, signup.cancelled_by = EventSignup.Status.CANCELLED, by
    signup.save(update_fields=["status", "cancelled_by"])
    if not was_confirmed:
        return None
    promoted = (
        EventSignup.objects.select_for_update()
        .filter(event=event, status=EventSignup.Status.WAITING)
        .order_by("id")
        .first()
    )
    if promoted is None:
        event.confirmed_count -= 1
        event.save(update_fields=["confirmed_count"])
        return None
    promoted.status = EventSignup.Status.CONFIRMED
    promoted.save(update_fields=["status"])
    return promoted


EVENT_NOTICE_TOPIC = "club_event"


@transaction.atomic
def event_call_off(*, event: Event, reason: str, by) -> int:
    """Call off an event that has not started: every sign-up is cancelled and each member who had a
    place or was waiting gets an SMS with the reason (once, through the outbox). Returns how many."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.called_off_at is not None:
        raise Conflict(_("This event was already called off."), code="already_called_off")
    if event.starts_at <= timezone.now():
        raise DomainError(_("The event has started; it can no longer be called off."), code="event_started")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for calling the event off."), code="reason_required")
    signups = list(
        EventSignup.objects.select_for_update(of=("self",))
        .filter(event=event)
        .exclude(status=EventSignup.Status.CANCELLED)
        .select_related("member__customer")
    )
    EventSignup.objects.filter(pk__in=[s.pk for s in signups]).update(status=EventSignup.Status.CANCELLED)
    event.called_off_at, event.call_off_reason, event.confirmed_count = timezone.now(), reason[:200], 0
    event.save(update_fields=["called_off_at", "call_off_reason", "confirmed_count"])
    day = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
    with translation.override(settings.LANGUAGE_CODE):  # owners get Chinese whatever the staff language
        text = str(
            _("%(event)s on %(day)s is called off: %(reason)s. We apologise for the inconvenience.")
            % {"event": event.title, "day": day, "reason": reason}
        )
    message_queue_many(
        Message(
            channel="sms",
            recipient=signup.member.customer.phone,
            topic=EVENT_NOTICE_TOPIC,
            body=text,
            dedupe_key=f"event:{event.pk}:called-off:{signup.member_id}",
            company_id=event.company_id,
        )
        for signup in signups
    )
    return len(signups)


@transaction.atomic
def event_mark_attendance(*, event: Event, member: Member, by) -> EventSignup:
    """Record that a confirmed member came; the event's points are earned once."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at > timezone.now():
        raise DomainError(_("The event has not started yet."), code="event_in_future")
    signup = EventSignup.objects.select_for_update().filter(event=event, member=member).first()
    if signup is None or signup.status != EventSignup.Status.CONFIRMED:
        raise DomainError(_("This member has no confirmed place at the event."), code="not_confirmed")
    if signup.attended_at is not None:
        raise Conflict(_("Attendance was already recorded."), code="already_attended")
    signup.attended_at = timezone.now()
    signup.save(update_fields=["attended_at"])
    if event.points:
        points_earn(
            member=member,
            points=event.points,
            reason=str(_("Attended %(event)s") % {"event": event.title}),
            source=f"event:{event.pk}",
            idempotency_key=f"event:{event.pk}:{member.pk}",
            company_id=event.company_id,
        )
    return signup

"""Community events: sign-ups (confirmed while seats last, else the waiting list, under the event
row lock), cancellation and the waiting list's promotion, calling an event off (with an SMS to each
member who had a place or was waiting) and attendance, which earns the event's points once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError

from .. import rules
from ..models import Event, EventSignup, Member
from .ledger import _check_active, points_earn

# --- Events --------------------------------------------------------------------------------------


@transaction.atomic
def event_signup(*, event: Event, member: Member, channel: str, by=None) -> EventSignup:
    """Sign a member up: confirmed while seats are left, else on the waiting list. ``by`` is the
    staff user who did it (None when the member signed up on their own page)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_active(member)
    if member.company_id != event.company_id:
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
    from core.outbox import Message, message_queue_many

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
        )
    return signup

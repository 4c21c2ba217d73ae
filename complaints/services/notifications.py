"""Who hears about a complaint, and how: in-app notifications to staff (handler and first
responder; the company's managers from hot; the group centre for major), their e-mail copies and the
texts to the complainant with the tracking link, both through the core outbox. The other service
modules import these helpers; this one imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext_lazy as _

from core import outbox
from organization import access

from .. import rules
from ..models import Complaint, Notification, Tier

COMPLAINANT_TOPIC = "complaint"  # texts to the complainant go through the core outbox
STAFF_TOPIC = "staff_notification"  # e-mail copies of notifications to staff, through the core outbox


def _recipients(complaint: Complaint, tier: str):
    people = {user for user in (complaint.handler, complaint.first_responder) if user is not None}
    if rules.TIER_RANK[tier] >= rules.TIER_RANK[rules.HOT]:
        people |= set(access.company_managers(complaint.company_id))
    if tier == rules.MAJOR:
        people |= set(access.group_centre())
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
    _notify_people(complaint, _recipients(complaint, tier), message)


# What intake sends is written after its number is taken (``services.intake``): inside ``held()``
# the notifications and texts wait in memory, rendered with the stand-in number, for ``release``.
HeldWrite = tuple[Callable[..., None], Complaint, str, tuple]  # (write, complaint, text, more arguments)
_held: ContextVar[list[HeldWrite] | None] = ContextVar("complaint_messages_held", default=None)


@contextmanager
def held() -> Iterator[list[HeldWrite]]:
    writes: list[HeldWrite] = []
    token = _held.set(writes)
    try:
        yield writes
    finally:
        _held.reset(token)


def release(writes: list[HeldWrite], *, replace: tuple[str, str]) -> None:
    """Write what ``held()`` kept, with the stand-in text replaced in every message: the notifications
    together in one insert, the rest in order."""
    notes = []
    for write, complaint, text, more in writes:
        if write is _write_notifications:
            notes.append((complaint, text.replace(*replace), *more))
        else:
            write(complaint, text.replace(*replace), *more)
    _write_notifications(notes)


def _notify_people(complaint: Complaint, people, message: str, *, email: bool = True) -> None:
    """An in-app notification to each of ``people`` (once each) and, with ``email``, its e-mail copy."""
    held_writes = _held.get()
    if held_writes is not None:
        held_writes.append((_write_notifications, complaint, message, (list(people), email)))
        return
    _write_notifications([(complaint, message, people, email)])


def _write_notifications(notes: list[tuple[Complaint, str, object, bool]]) -> None:
    """Each note's notifications (complaint, message, people, e-mail copies or not) in one insert."""
    rows = [
        (Notification(user=user, complaint=complaint, message=message), email)
        for complaint, message, people, email in notes
        for user in set(people)
    ]
    Notification.objects.bulk_create([notification for notification, _email in rows])
    outbox.message_queue_many(
        outbox.Message(
            channel="email",
            recipient=notification.user.email,
            topic=STAFF_TOPIC,
            subject=notification.message,
            body=notification.message,
            dedupe_key=f"notification:{notification.pk}",
            company_id=notification.complaint.company_id,
        )
        for notification, email in rows
        if email and notification.user.email
    )


def tracking_link(complaint: Complaint) -> str:
    from django.conf import settings

    return f"{settings.PUBLIC_BASE_URL}/complain/track/{complaint.tracking_token}/"


def _text_complainant(complaint: Complaint, template) -> None:
    if not complaint.contact_phone or not complaint.tracking_token:
        return
    body = str(template % {"number": complaint.number, "link": tracking_link(complaint)})
    held_writes = _held.get()
    if held_writes is not None:
        held_writes.append((_write_text, complaint, body, (complaint.contact_phone,)))
        return
    _write_text(complaint, body, complaint.contact_phone)


def _write_text(complaint: Complaint, body: str, phone: str) -> None:
    outbox.message_queue(
        outbox.Message(
            channel="sms",
            recipient=phone,
            topic=COMPLAINANT_TOPIC,
            body=body,
            company_id=complaint.company_id,
        )
    )

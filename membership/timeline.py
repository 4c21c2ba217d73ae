from django.utils.translation import gettext as _

from customers.timeline import TimelineEntry

from .models import EventSignup, PointEntry


def club_entries_of(customer, user, limit):
    """Club activity on the customer timeline: events attended and points earned or spent."""
    attended = (
        EventSignup.objects.visible_to(user)
        .filter(member__companies__customer=customer, attended_at__isnull=False)
        .select_related("event")
        .order_by("-attended_at")[:limit]
    )
    for signup in attended:
        yield TimelineEntry(
            at=signup.attended_at,
            kind="club-event",
            title=_("Attended the community event %(event)s") % {"event": signup.event.title},
            body=signup.event.place,
        )
    for entry in (
        PointEntry.objects.visible_to(user)
        .filter(member__companies__customer=customer)
        .order_by("-id")[:limit]
    ):
        yield TimelineEntry(
            at=entry.created_at,
            kind="club-points",
            title=_("Club points %(delta)+d") % {"delta": entry.delta},
            body=entry.reason,
        )

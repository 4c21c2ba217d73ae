from customers.timeline import TimelineEntry

from .models import Complaint


def complaints_of(customer, user, limit):
    """The customer's complaints on their timeline."""
    for complaint in (
        Complaint.objects.visible_to(user).filter(customer=customer).order_by("-received_at")[:limit]
    ):
        yield TimelineEntry(
            at=complaint.received_at,
            kind="complaint",
            title=f"{complaint.number} {complaint.title}",
            body=f"{complaint.get_status_display()} · {complaint.get_tier_display()}",
        )

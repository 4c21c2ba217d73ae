from django.utils.translation import gettext as _

from customers.timeline import TimelineEntry

from .models import RepairRequest


def repairs_of(customer, user, limit):
    """The customer's warranty repairs on their timeline (the file links to the repair page)."""
    for repair in (
        RepairRequest.objects.visible_to(user).filter(customer=customer).select_related("defect_type")[:limit]
    ):
        yield TimelineEntry(
            at=repair.reported_at,
            kind="repair",
            title=_("Warranty repair %(number)s") % {"number": repair.number},
            body=f"{repair.defect_type.name} · {repair.get_status_display()}",
        )

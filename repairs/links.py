from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.links import Link

from .models import RepairRequest


def repair_of_complaint(complaint, user):
    for repair in RepairRequest.objects.visible_to(user).filter(complaint=complaint).only("id", "number"):
        yield Link(
            label=_("Warranty repair %(number)s") % {"number": repair.number},
            url=reverse("repair-detail", args=[repair.pk]),
        )

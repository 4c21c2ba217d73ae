"""The home page's block of repair follow-up calls (维修后跟进确认效果): fixed repairs whose call is
the user's (they are the unit's customer manager), soonest due first; one bounded query on the
partial index ``repair_follow_up_due``."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from core import workbench

from .models import RepairRequest, Status


def follow_ups(user, now: datetime) -> dict:
    return workbench.limited(
        RepairRequest.objects.visible_to(user)
        .filter(status=Status.FIXED, follow_up_by=user)
        .select_related("unit__building__project", "defect_type")
        .order_by("follow_up_due_at", "id")
    )


BLOCK = workbench.Block(
    key="repair-follow-ups",
    title=_("Repair follow-up calls"),
    order=75,
    template="repairs/workbench_follow_ups.html",
    read=follow_ups,
    permission="repairs.change_repairrequest",
    applies=lambda user: RepairRequest.objects.filter(status=Status.FIXED, follow_up_by=user).exists(),
)


def register_blocks() -> None:
    workbench.register(BLOCK)

"""The customer manager's block of the home workbench (core.workbench), registered in
TouchpointsConfig.ready(): the open items of the buildings (and projects) they manage
(``organization.customer_managers.managed_area``): open complaints, service tasks due by today and
complaint call-backs due, each one query with a LIMIT. Shown only to someone who manages something."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import selectors as complaint_selectors
from complaints.models import Complaint
from core import workbench
from organization.customer_managers import Area, managed_area

from .models import ServiceTask

VIEW_COMPLAINTS = "complaints.view_complaint"


def _area(user) -> Area:
    # Asked twice per home page (does the block apply, then its read): read once per request's user.
    if "_managed_area" not in user.__dict__:
        user.__dict__["_managed_area"] = managed_area(user)
    return user.__dict__["_managed_area"]


def manages_something(user) -> bool:
    return bool(_area(user))


def my_buildings(user, now: datetime) -> dict:
    area = _area(user)
    today = timezone.localdate(now)
    tasks = (
        ServiceTask.objects.visible_to(user)
        .filter(status=ServiceTask.Status.OPEN, due_on__lte=today)
        .filter(area.q())
        .select_related("action", "customer", "project", "unit__building", "assignee")
        .order_by("due_on", "id")
    )
    data = {"today": today, "tasks": workbench.limited(tasks)}
    if user.has_perm(VIEW_COMPLAINTS):
        complaints = (
            Complaint.objects.visible_to(user)
            .filter(resolved_at__isnull=True)
            .filter(area.q())
            .select_related("project", "unit__building")
            .order_by(F("escalates_at").asc(nulls_last=True), "received_at", "id")
        )
        callbacks = complaint_selectors.callbacks_due(user=user, due_by=now).filter(area.q())
        data["complaints"] = workbench.limited(complaints)
        data["callbacks"] = workbench.limited(callbacks)
    return data


BLOCK = workbench.Block(
    key="my-buildings",
    title=_("My buildings' open items"),
    order=70,
    template="core/workbench_my_buildings.html",
    read=my_buildings,
    permission="touchpoints.view_servicetask",
    applies=manages_something,
    wide=True,
)


def register_blocks() -> None:
    workbench.register(BLOCK)

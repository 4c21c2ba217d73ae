"""The 6+2 block of the home workbench (core.workbench), registered in TouchpointsConfig.ready():
my open tasks due today or overdue, the oldest first (the my-tasks page's "assigned" view, cut at
today), one query with a LIMIT."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import workbench

from .models import ServiceTask
from .views import TASK_VIEWS


def my_tasks_due(user, now: datetime) -> dict:
    today = timezone.localdate(now)
    tasks = (
        ServiceTask.objects.visible_to(user)
        .filter(TASK_VIEWS["assigned"](user))
        .filter(status=ServiceTask.Status.OPEN, due_on__lte=today)
        .select_related("action__step", "customer", "project")
        .order_by("due_on", "id")
    )
    return {**workbench.limited(tasks), "today": today, "all_url": reverse("my-tasks") + "?show=assigned"}


BLOCK = workbench.Block(
    key="my-tasks",
    title=_("My 6+2 tasks due today and overdue"),
    order=60,
    template="core/workbench_tasks.html",
    read=my_tasks_due,
    permission="touchpoints.view_servicetask",
)


def register_blocks() -> None:
    workbench.register(BLOCK)

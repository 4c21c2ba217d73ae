from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.timeline import TimelineEntry

from .models import ServiceTask


def actions_of(customer, user, limit):
    """Open 6+2 tasks of the customer and the greetings sent to them (actions completed by staff
    are on the timeline as communications)."""
    tasks = (
        ServiceTask.objects.visible_to(user)
        .filter(customer=customer)
        .filter(Q(status=ServiceTask.Status.OPEN) | Q(status=ServiceTask.Status.DONE, done_by__isnull=True))
        .select_related("action__step")
        .order_by("-due_on")[:limit]
    )
    for task in tasks:
        if task.status == ServiceTask.Status.DONE:
            yield TimelineEntry(
                at=task.done_at, kind="touchpoint", title=_("%(action)s sent") % {"action": task.action.name}
            )
        else:
            yield TimelineEntry(
                at=timezone.make_aware(datetime.combine(task.due_on, time.min)),
                kind="touchpoint",
                title=f"{task.action.step.name} · {task.action.name}",
            )

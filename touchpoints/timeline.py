from customers.timeline import TimelineEntry


def actions_of(customer, user, limit):
    """Open 6+2 tasks of the customer (completed ones are on the timeline as communications)."""
    from datetime import datetime, time

    from django.utils import timezone

    from .models import ServiceTask

    open_tasks = (
        ServiceTask.objects.visible_to(user)
        .filter(customer=customer, status=ServiceTask.Status.OPEN)
        .select_related("action__step")[:limit]
    )
    for task in open_tasks:
        yield TimelineEntry(
            at=timezone.make_aware(datetime.combine(task.due_on, time.min)),
            kind="touchpoint",
            title=f"{task.action.step.name} · {task.action.name}",
        )

"""Service tasks and customer managers (``organization.customer_managers``): an open task created
without an assignee goes to its unit's customer manager; when a building's or a project's manager
changes, the open tasks of its customers that were the previous manager's (or nobody's) move to the
new one, in the change's transaction (the change row is the event of the move)."""

from __future__ import annotations

from django.db.models import Q

from organization.customer_managers import customer_manager_changed, customer_managers_for_units

from .models import ServiceTask


def route_to_customer_managers(tasks: list[ServiceTask]) -> None:
    """Give each open task without an assignee its unit's customer manager (one resolver for all)."""
    waiting = [
        t for t in tasks if t.assignee_id is None and t.unit_id and t.status == ServiceTask.Status.OPEN
    ]
    if not waiting:
        return
    managers = customer_managers_for_units({task.unit_id for task in waiting})
    for task in waiting:
        task.assignee_id = managers.get(task.unit_id)


def move_open_tasks(sender, *, units, project_id, unitless, old_manager_id, new_manager_id, **kwargs) -> int:
    """Move the open tasks of the units (and of the project without a unit) that the previous
    manager had, or nobody had, to the new manager; tasks someone else took stay theirs. Done tasks
    never move. Running it again moves nothing more."""
    where = Q(unit__in=units)
    if unitless:
        where |= Q(unit__isnull=True)
    holders = Q(assignee__isnull=True)
    if old_manager_id is not None:
        holders |= Q(assignee_id=old_manager_id)
    return (
        ServiceTask.objects.filter(project_id=project_id, status=ServiceTask.Status.OPEN)
        .filter(where)
        .filter(holders)
        .exclude(assignee_id=new_manager_id)
        .update(assignee_id=new_manager_id)
    )


def connect() -> None:
    customer_manager_changed.connect(move_open_tasks, dispatch_uid="touchpoints.move_open_tasks")

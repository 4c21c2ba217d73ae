"""客户经理制: every building, or its project, has a customer manager among the company's staff.

- ``customer_manager_set`` chooses the manager of a project or of one building (a building's own
  manager overrides the project's), records a ``CustomerManagerChange`` and moves the open work of
  the customers concerned to the new manager (apps above this one connect to
  ``customer_manager_changed``: touchpoints moves its open service tasks) in the same transaction.
  Choosing the manager a target already has changes nothing (idempotent).
- ``customer_manager_for(unit)`` / ``customer_managers_for_units(ids)`` are the one resolver the
  creation of work asks (touchpoints' generated tasks): the building's manager, else the project's,
  as long as they are still active staff of the company who may work on service tasks.
- ``managed_area(user)`` is what a manager looks after (their home's "my buildings" block).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

from . import access
from .models import Building, CustomerManagerChange, Project, Unit, User

# The work a customer manager does; who may be one (with being the company's own staff).
PERM = access.WORK_ON_SERVICE_TASKS
CHUNK = 1000  # units looked up per query

# Sent inside the transaction of a change whose effective manager differs. Arguments: ``change``
# (the CustomerManagerChange), ``units`` (a queryset of the units concerned), ``project_id`` and
# ``unitless`` (whether the project's work without a unit is concerned too), ``old_manager_id``,
# ``new_manager_id``. A receiver moves its open work and returns how many items it moved.
customer_manager_changed = Signal()


@dataclass(frozen=True)
class Assignment:
    """What ``customer_manager_set`` did."""

    project: Project
    building: Building | None
    manager: User | None  # the target's own manager now
    effective: User | None  # who looks after its customers now (a building without one: the project's)
    changed: bool
    change: CustomerManagerChange | None = None
    tasks_moved: int = 0


@dataclass(frozen=True)
class Area:
    """The buildings whose customers a manager looks after, and the projects whose work without a unit
    is theirs; ``within`` every project concerned (so that a filter can use the indexes by project)."""

    building_ids: list[int] = field(default_factory=list)
    project_ids: list[int] = field(default_factory=list)
    within: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.building_ids or self.project_ids)

    def q(self, *, unit: str = "unit", project: str = "project") -> Q:
        """A filter of rows with a ``unit`` and a ``project`` in this area."""
        return Q(**{f"{project}_id__in": self.within}) & (
            Q(**{f"{unit}__building_id__in": self.building_ids})
            | Q(**{f"{unit}__isnull": True, f"{project}_id__in": self.project_ids})
        )


OUTSIDE_MESSAGE = _(
    "%(name)s is not on this company's staff working on service tasks, so cannot be its customer manager."
)


def _check_manager(manager, company_id: int) -> None:
    if manager is None:
        return
    if manager.company_id != company_id or not access.may_be_assigned(manager, company_id, perm=PERM):
        raise DomainError(OUTSIDE_MESSAGE % {"name": manager}, code="customer_manager_outside")


@transaction.atomic
def customer_manager_set(
    *, project: Project, building: Building | None = None, manager, by, note: str = ""
) -> Assignment:
    """Make ``manager`` (``None``: nobody) the customer manager of ``building``, or of ``project`` when
    no building is given. The project's row lock serialises changes of the project and its buildings.
    The open service tasks of the customers concerned move from the previous effective manager (or
    from nobody) to the new one; removing a manager leaves the tasks where they are."""
    _check_manager(manager, project.company_id)
    locked_project = Project.objects.select_for_update().get(pk=project.pk)
    target = locked_project
    if building is not None:
        target = Building.objects.select_for_update().get(pk=building.pk)
        if target.project_id != locked_project.pk:
            raise DomainError(_("This building is not in this project."), code="building_outside_project")
    new_id = manager.pk if manager is not None else None
    if target.customer_manager_id == new_id:
        return Assignment(
            project=locked_project,
            building=target if building is not None else None,
            manager=manager,
            effective=_effective(locked_project, target if building is not None else None),
            changed=False,
        )
    if building is not None:
        old_effective = target.customer_manager_id or locked_project.customer_manager_id
        new_effective = new_id or locked_project.customer_manager_id
        units = Unit.objects.filter(building_id=target.pk)
        unitless = False
    else:
        old_effective, new_effective = target.customer_manager_id, new_id
        units = Unit.objects.filter(
            building__project_id=locked_project.pk, building__customer_manager__isnull=True
        )
        unitless = True
    target.customer_manager = manager
    target.save(update_fields=["customer_manager"])
    change = CustomerManagerChange.objects.create(
        project=locked_project,
        building=target if building is not None else None,
        from_manager_id=old_effective,
        to_manager_id=new_effective,
        by=by,
        note=note.strip()[:500],
    )
    moved = 0
    if new_effective is not None and new_effective != old_effective:
        responses = customer_manager_changed.send(
            sender=CustomerManagerChange,
            change=change,
            units=units,
            project_id=locked_project.pk,
            unitless=unitless,
            old_manager_id=old_effective,
            new_manager_id=new_effective,
        )
        moved = sum(response for _receiver, response in responses if isinstance(response, int))
    if moved:
        change.tasks_moved = moved
        change.save(update_fields=["tasks_moved"])
    return Assignment(
        project=locked_project,
        building=target if building is not None else None,
        manager=manager,
        effective=_effective(locked_project, target if building is not None else None),
        changed=True,
        change=change,
        tasks_moved=moved,
    )


def _effective(project: Project, building: Building | None) -> User | None:
    if building is not None and building.customer_manager_id:
        return building.customer_manager
    return project.customer_manager


# --- The resolver ------------------------------------------------------------------------------


def customer_managers_for_units(unit_ids) -> dict[int, int]:
    """``{unit id: user id}`` of the units' customer managers (the building's, else the project's)
    who may still do the work: active staff of the unit's company who may work on service tasks.
    Units without one are left out. Two queries per thousand units."""
    unit_ids = sorted(set(unit_ids))
    rows = []
    for start in range(0, len(unit_ids), CHUNK):
        rows += Unit.objects.filter(pk__in=unit_ids[start : start + CHUNK]).values_list(
            "pk",
            "building__customer_manager_id",
            "building__project__customer_manager_id",
            "building__project__company_id",
        )
    candidates = {user_id for row in rows for user_id in row[1:3] if user_id}
    if not candidates:
        return {}
    companies = access.own_staff_among(candidates, perm=PERM)
    found = {}
    for unit_id, building_manager, project_manager, company_id in rows:
        for user_id in (building_manager, project_manager):
            if user_id and companies.get(user_id) == company_id:
                found[unit_id] = user_id
                break
    return found


def customer_manager_for(unit) -> User | None:
    """The customer manager who gets ``unit``'s customers' work by default, or ``None``."""
    if unit is None:
        return None
    user_id = customer_managers_for_units([unit.pk]).get(unit.pk)
    return User.objects.get(pk=user_id) if user_id else None


def managed_area(user) -> Area:
    """The buildings ``user`` is the effective customer manager of (their own, or their project's
    without one of their own), and the projects they manage. Two small queries."""
    project_ids = list(Project.objects.filter(customer_manager=user).values_list("pk", flat=True))
    buildings = list(
        Building.objects.filter(
            Q(customer_manager=user) | Q(customer_manager__isnull=True, project_id__in=project_ids)
        ).values_list("pk", "project_id")
    )
    return Area(
        building_ids=[pk for pk, _project in buildings],
        project_ids=project_ids,
        within=sorted({project for _pk, project in buildings} | set(project_ids)),
    )


def history(*, project: Project, limit: int = 20):
    """The project's latest customer-manager changes (its own and its buildings')."""
    return (
        CustomerManagerChange.objects.filter(project=project)
        .select_related("building", "from_manager", "to_manager", "by")
        .order_by("-at", "-id")[:limit]
    )

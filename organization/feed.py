"""The sales system's unit feed (``POST /api/v1/units/bulk/``): many units in one call, idempotent by
external id.

How a call is handled (the same for ``customers.feed``):

- every row is checked first, against what the database holds, read in a few queries for the whole
  call (one per model, by external id), never one per row;
- a row with an error is reported with its reasons and skipped; every valid row is written, all of
  them in one transaction (bulk inserts and updates);
- a row whose values equal what is stored is ``unchanged`` and writes nothing: sending the same
  payload twice writes nothing the second time.

A unit row names its project by the project's external id (the project must exist: create it first
with ``POST /api/v1/projects/``), its building by the building's external id (created under the
project with ``building_name`` if absent; an existing building is not renamed by the feed) and
itself by its own external id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict

from .models import Building, Company, Project, Unit

MAX_ROWS = 1000

CREATED, UPDATED, UNCHANGED, ERROR = "created", "updated", "unchanged", "error"

UNIT_FIELDS = ("number", "floor", "layout", "area", "list_price")


@dataclass
class RowResult:
    index: int
    external_id: str
    result: str = UNCHANGED
    id: int | None = None
    errors: dict = field(default_factory=dict)
    instance: object = None

    def fail(self, name: str, message) -> None:
        self.result = ERROR
        self.errors.setdefault(name, []).append(str(message))

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "external_id": self.external_id,
            "result": self.result,
            "id": self.id if self.result != ERROR else None,
            "errors": self.errors,
        }


def concurrent_feed() -> Conflict:
    return Conflict(
        _("Another call wrote some of these records at the same time; nothing was written. Send it again."),
        code="concurrent_feed",
    )


def summary(results: list[RowResult]) -> dict:
    counts = dict.fromkeys((CREATED, UPDATED, UNCHANGED, ERROR), 0)
    for row in results:
        counts[row.result] += 1
    return {"rows": [row.as_dict() for row in results], **counts}


def first_seen(results: list[RowResult], key_of, message) -> None:
    """A key given twice in one call is an error on every later row (the first one counts)."""
    seen = set()
    for row in results:
        if row.result == ERROR:
            continue
        key = key_of(row)
        if key in seen:
            row.fail("external_id", message)
        seen.add(key)


@transaction.atomic
def units_feed(*, company: Company, rows: list[dict]) -> dict:
    """Create or update the company's units from validated rows (``UnitFeedRow``); see the module."""
    results = [RowResult(index=i, external_id=row["external_id"]) for i, row in enumerate(rows)]
    first_seen(results, lambda r: r.external_id, _("This external id is given twice in the call."))

    projects = {
        p.external_id: p
        for p in Project.objects.filter(
            company=company, external_id__in={r["project_external_id"] for r in rows}
        )
    }
    buildings = {
        b.external_id: b
        for b in Building.objects.filter(
            company=company, external_id__in={r["building_external_id"] for r in rows}
        )
    }
    units = {
        u.external_id: u
        for u in Unit.objects.filter(company=company, external_id__in={r["external_id"] for r in rows})
    }

    # Buildings to create: the first row naming an absent one gives its project and name.
    new_buildings: dict[str, Building] = {}
    for row, result in zip(rows, results, strict=True):
        if result.result == ERROR:
            continue
        project = projects.get(row["project_external_id"])
        if project is None:
            result.fail(
                "project_external_id",
                _("Your company has no project with the external id %(id)s.")
                % {"id": row["project_external_id"]},
            )
            continue
        building = buildings.get(row["building_external_id"]) or new_buildings.get(
            row["building_external_id"]
        )
        if building is None:
            if not row.get("building_name"):
                result.fail("building_name", _("Name the building: it is new."))
                continue
            building = Building(
                project=project,
                company_id=company.pk,
                name=row["building_name"],
                external_id=row["building_external_id"],
            )
            new_buildings[building.external_id] = building
        elif building.project_id != project.pk:
            result.fail("building_external_id", _("This building belongs to another project."))
            continue
        row["_building"] = building

    # Building names taken in their project (by buildings without this external id).
    if new_buildings:
        taken = set(
            Building.objects.filter(
                project_id__in={b.project_id for b in new_buildings.values()}
            ).values_list("project_id", "name")
        )
        clashing = {key for key, b in new_buildings.items() if (b.project_id, b.name) in taken}
        names = set()
        for key, b in list(new_buildings.items()):
            if (b.project_id, b.name) in names:
                clashing.add(key)
            names.add((b.project_id, b.name))
        for row, result in zip(rows, results, strict=True):
            building = row.get("_building")
            if (
                result.result != ERROR
                and building is not None
                and building.external_id in clashing
                and building.pk is None
            ):
                result.fail("building_name", _("The project already has a building of this name."))
        for key in clashing:
            new_buildings.pop(key)

    # Unit numbers taken in their building by another unit (stored or earlier in the call).
    building_ids = {b.pk for b in buildings.values()}
    numbers = {
        (building_id, number): unit_id
        for unit_id, building_id, number in Unit.objects.filter(building_id__in=building_ids).values_list(
            "pk", "building_id", "number"
        )
    }
    claimed: dict[tuple, str] = {}
    for row, result in zip(rows, results, strict=True):
        if result.result == ERROR:
            continue
        building = row["_building"]
        unit = units.get(row["external_id"])
        if unit is not None and unit.building_id != building.pk:
            result.fail(
                "building_external_id", _("This unit is in another building; the feed does not move units.")
            )
            continue
        key = (building.external_id, row["number"])
        holder = numbers.get((building.pk, row["number"])) if building.pk else None
        if (holder is not None and (unit is None or holder != unit.pk)) or key in claimed:
            result.fail("number", _("The building already has a unit with this number."))
            continue
        claimed[key] = row["external_id"]

    new_units, changed_units = [], []
    for row, result in zip(rows, results, strict=True):
        if result.result == ERROR:
            continue
        unit = units.get(row["external_id"])
        values = {name: row[name] for name in UNIT_FIELDS}
        if unit is None:
            unit = Unit(
                building=row["_building"], company_id=company.pk, external_id=row["external_id"], **values
            )
            result.result, result.instance = CREATED, unit
            new_units.append(unit)
        elif any(getattr(unit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(unit, name, value)
            unit.version += 1
            result.result, result.instance = UPDATED, unit
            changed_units.append(unit)
        else:
            result.instance = unit

    # Buildings only rows still valid need.
    needed = {row["_building"].external_id for row, r in zip(rows, results, strict=True) if r.result != ERROR}
    try:
        Building.objects.bulk_create([b for key, b in new_buildings.items() if key in needed])
        for unit in new_units:
            unit.building_id = unit.building.pk  # set now that new buildings have ids
        Unit.objects.bulk_create(new_units, batch_size=500)
        Unit.objects.bulk_update(changed_units, [*UNIT_FIELDS, "version"], batch_size=500)
    except IntegrityError:
        # Another call wrote the same external ids or numbers in between: nothing of this one is kept.
        raise concurrent_feed() from None
    for result in results:
        if result.instance is not None:
            result.id = result.instance.pk
    return summary(results)

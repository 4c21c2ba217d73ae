"""The defect register (缺陷登记) and the top defects of the 客户缺陷手册, as SQL aggregations over the
complaints the user sees (``Complaint.objects.visible_to``): one GROUP BY per figure, nothing loaded
row by row. The register reads the partial index ``complaint_defect_register`` (project, received_at;
type and unit included)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from customers.models import Purchase

from .. import rules
from ..models import Complaint, DefectType


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def typed_complaints(*, user, since: date, until: date, project_id=None, building_id=None):
    """The complaints with a defect type received in [since, until) that ``user`` sees, of one project
    or building when given."""
    queryset = Complaint.objects.visible_to(user).filter(
        defect_type__isnull=False, received_at__gte=_start_of(since), received_at__lt=_start_of(until)
    )
    if project_id is not None:
        queryset = queryset.filter(project_id=project_id)
    if building_id is not None:
        queryset = queryset.filter(unit__building_id=building_id)
    return queryset


@dataclass
class RegisterRow:
    type_id: int
    code: str
    name: str
    parent_code: str
    parent_name: str
    complaints: int
    units: int


@dataclass
class Hotspot:
    """A building with DEFECT_HOTSPOT_MIN or more complaints of one defect type in the last
    DEFECT_HOTSPOT_WINDOW: a mass-complaint risk (see the complaint clusters)."""

    project_id: int
    project_name: str
    building_id: int
    building_name: str
    type_id: int
    code: str
    name: str
    complaints: int
    units: int


@dataclass
class DefectRegister:
    since: date
    until: date
    complaints: int = 0
    units: int = 0
    leaves: list[RegisterRow] = field(default_factory=list)
    parents: list[RegisterRow] = field(default_factory=list)
    months: list[tuple[date, int]] = field(default_factory=list)
    hotspots: list[Hotspot] = field(default_factory=list)


def _types() -> dict[int, DefectType]:
    return {item.pk: item for item in DefectType.objects.all()}


def defect_register(*, user, as_of: date, project_id=None, building_id=None) -> DefectRegister:
    """The register of the REGISTER_MONTHS months up to ``as_of`` (the current month included): counts
    and distinct units affected per leaf type and per parent type, the monthly trend, and the
    hotspots (building + type) of the last 30 days. Five queries whatever the number of complaints."""
    months = rules.months_back(as_of)
    until = date(months[-1].year + (months[-1].month == 12), months[-1].month % 12 + 1, 1)
    base = typed_complaints(
        user=user, since=months[0], until=until, project_id=project_id, building_id=building_id
    )
    types = _types()
    register = DefectRegister(since=months[0], until=until)
    # The totals and the monthly trend in one pass: a filtered COUNT per month (plain comparisons on
    # received_at, no per-row date function: SQLite's month truncation is a Python call per row).
    bounds = [*months, until]
    totals = base.aggregate(
        complaints=Count("id"),
        units=Count("unit_id", distinct=True),
        **{
            f"m{index}": Count(
                "id",
                filter=Q(received_at__gte=_start_of(start), received_at__lt=_start_of(bounds[index + 1])),
            )
            for index, start in enumerate(months)
        },
    )
    register.complaints, register.units = totals["complaints"], totals["units"]
    register.months = [(month, totals[f"m{index}"]) for index, month in enumerate(months)]

    def row(type_id, complaints, units) -> RegisterRow:
        item = types[type_id]
        parent = types.get(item.parent_id)
        return RegisterRow(
            type_id=type_id,
            code=item.code,
            name=item.name,
            parent_code=parent.code if parent else "",
            parent_name=parent.name if parent else "",
            complaints=complaints,
            units=units,
        )

    by_leaf = base.values("defect_type_id").annotate(n=Count("id"), units=Count("unit_id", distinct=True))
    register.leaves = sorted(
        (row(item["defect_type_id"], item["n"], item["units"]) for item in by_leaf),
        key=lambda r: (-r.complaints, r.code),
    )
    by_parent = base.values("defect_type__parent_id").annotate(
        n=Count("id"), units=Count("unit_id", distinct=True)
    )
    register.parents = sorted(
        (row(item["defect_type__parent_id"], item["n"], item["units"]) for item in by_parent),
        key=lambda r: (-r.complaints, r.code),
    )
    register.hotspots = defect_hotspots(
        user=user, as_of=as_of, project_id=project_id, building_id=building_id, types=types
    )
    return register


def defect_hotspots(*, user, as_of: date, project_id=None, building_id=None, types=None) -> list[Hotspot]:
    """Building + defect type with DEFECT_HOTSPOT_MIN or more complaints received in the
    DEFECT_HOTSPOT_WINDOW up to the end of ``as_of``; one GROUP BY ... HAVING."""
    types = types if types is not None else _types()
    until = _start_of(as_of) + timedelta(days=1)
    queryset = Complaint.objects.visible_to(user).filter(
        defect_type__isnull=False,
        unit__isnull=False,
        received_at__gte=until - rules.DEFECT_HOTSPOT_WINDOW,
        received_at__lt=until,
    )
    if project_id is not None:
        queryset = queryset.filter(project_id=project_id)
    if building_id is not None:
        queryset = queryset.filter(unit__building_id=building_id)
    rows = (
        queryset.values(
            "project_id", "project__name", "unit__building_id", "unit__building__name", "defect_type_id"
        )
        .annotate(n=Count("id"), units=Count("unit_id", distinct=True))
        .filter(n__gte=rules.DEFECT_HOTSPOT_MIN)
        .order_by("-n", "project_id", "unit__building_id", "defect_type_id")
    )
    return [
        Hotspot(
            project_id=item["project_id"],
            project_name=item["project__name"],
            building_id=item["unit__building_id"],
            building_name=item["unit__building__name"],
            type_id=item["defect_type_id"],
            code=types[item["defect_type_id"]].code,
            name=types[item["defect_type_id"]].name,
            complaints=item["n"],
            units=item["units"],
        )
        for item in rows
    ]


@dataclass
class TopDefect:
    code: str
    name: str
    parent_name: str
    complaints: int
    units: int
    projects: int
    share: float  # of the band's typed complaints, 0–100


def first_deliveries(project_ids) -> dict[int, date]:
    """Each project's first handover (the earliest delivery date of a purchase of one of its units)."""
    return {
        item["unit__building__project_id"]: item["first"]
        for item in Purchase.objects.filter(
            unit__building__project_id__in=list(project_ids), delivery_date__isnull=False
        )
        .values("unit__building__project_id")
        .annotate(first=Min("delivery_date"))
    }


def quarter_bounds(text: str | None) -> tuple[date, date]:
    """(since, until) of a quarter named "2026-Q3", or of the last full quarter when None."""
    if not text:
        return rules.previous_quarter(timezone.localdate())
    year, number = int(text[:4]), int(text[-1])
    return rules.quarter_of(date(year, 3 * number - 2, 1))


BANDS = [band for band, _years in rules.AGE_BANDS] + [rules.NOT_DELIVERED]


def top_defects(*, user, since: date, until: date, limit: int = 10) -> dict[str, list[TopDefect]]:
    """The most frequent defect types of [since, until) across the companies ``user`` sees, per
    project-age band (``rules.age_band`` of the project's first handover, as of the period's last day):
    one GROUP BY project and type, one for the projects' first handovers; the bands are added up here
    (a project is in one band, so complaints and units add up)."""
    rows = list(
        typed_complaints(user=user, since=since, until=until)
        .values("project_id", "defect_type_id")
        .annotate(n=Count("id"), units=Count("unit_id", distinct=True))
    )
    deliveries = first_deliveries({item["project_id"] for item in rows})
    last_day = date.fromordinal(until.toordinal() - 1)
    types = _types()
    sums: dict[str, dict[int, list[int]]] = {band: defaultdict(lambda: [0, 0, 0]) for band in BANDS}
    for item in rows:
        band = rules.age_band(deliveries.get(item["project_id"]), last_day)
        figures = sums[band][item["defect_type_id"]]
        figures[0] += item["n"]
        figures[1] += item["units"]
        figures[2] += 1
    result = {}
    for band in BANDS:
        total = sum(figures[0] for figures in sums[band].values())
        ranked = sorted(sums[band].items(), key=lambda pair: (-pair[1][0], types[pair[0]].code))[:limit]
        result[band] = [
            TopDefect(
                code=types[type_id].code,
                name=types[type_id].name,
                parent_name=types[types[type_id].parent_id].name if types[type_id].parent_id else "",
                complaints=complaints,
                units=units,
                projects=projects,
                share=round(100 * complaints / total, 1) if total else 0.0,
            )
            for type_id, (complaints, units, projects) in ranked
        ]
    return result

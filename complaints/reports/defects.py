"""The defect register (缺陷登记) and the top defects of the 客户缺陷手册, as SQL aggregations over the
records with a defect type that the user sees, from every registered source (complaints, and warranty
repairs: ``complaints.defect_sources``): each figure is one GROUP BY over the UNION ALL of the
sources' rows, nothing loaded row by row. Counts are split by source (``by_source``) with the total;
distinct units count a unit once across sources. The complaints' rows come from the partial index
``complaint_defect_register`` (project, received_at; type and unit included), the repairs' from
``repair_defect_register``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Purchase
from organization.models import Building, Project

from .. import defect_sources, rules
from ..models import Complaint, DefectType

COMPLAINTS = "complaints"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def typed_complaints(*, user, since: date, until: date, project_id=None, building_id=None):
    """The complaints with a defect type received in [since, until) that ``user`` sees, of one project
    or building when given."""
    return defect_sources.typed_rows(
        COMPLAINT_SOURCE,
        user=user,
        since=_start_of(since),
        until=_start_of(until),
        project_id=project_id,
        building_id=building_id,
    )


def _counts(values) -> dict[str, int]:
    """{source key: count} from the per-source columns of a row, in the order of ``sources()``."""
    return {
        source.key: int(value or 0) for source, value in zip(defect_sources.sources(), values, strict=True)
    }


def _per_source_sql() -> str:
    """One filtered count per source (``s0``, ``s1``, ...), after COUNT(*) and the distinct units."""
    return "".join(
        f", SUM(CASE WHEN d_source = {index} THEN 1 ELSE 0 END)"
        for index in range(len(defect_sources.sources()))
    )


def _grouped(
    select: str,
    group_by: str,
    *,
    columns: tuple[str, ...] = (),
    union: tuple[str, list] | None = None,
    having: str = "",
    join: str = "",
    **filters,
):
    """Rows of ``SELECT <select>, COUNT(*), COUNT(DISTINCT d_unit), <per source> FROM (union) d
    [join] GROUP BY <group_by> [HAVING]`` over the sources' typed rows (``union``: one already
    written, with its parameters)."""
    union, params = union or defect_sources.union_sql(columns=columns, **filters)
    # Fixed identifiers and the source positions only; every value is a parameter of the union.
    sql = f"SELECT {select}, COUNT(*), COUNT(DISTINCT d.d_unit){_per_source_sql()} FROM ({union}) d {join}"  # noqa: S608
    if group_by:
        sql += f" GROUP BY {group_by}"
    if having:
        sql += f" HAVING {having}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Counted:
    """A figure counted over the sources: ``by_source`` {"complaints": n, "repairs": m, ...}, ``total``
    their sum, ``units`` the distinct units affected across them."""

    total: int
    units: int
    by_source: dict[str, int]

    @property
    def complaints(self) -> int:
        return self.by_source.get(COMPLAINTS, 0)


@dataclass
class RegisterRow(Counted):
    type_id: int = 0
    code: str = ""
    name: str = ""
    parent_code: str = ""
    parent_name: str = ""


@dataclass
class Hotspot(Counted):
    """A building with DEFECT_HOTSPOT_MIN or more records (complaints and repairs) of one defect type
    in the last DEFECT_HOTSPOT_WINDOW: a mass-complaint risk (see the complaint clusters)."""

    project_id: int = 0
    project_name: str = ""
    building_id: int = 0
    building_name: str = ""
    type_id: int = 0
    code: str = ""
    name: str = ""


@dataclass
class Month:
    month: date
    total: int
    by_source: dict[str, int]

    @property
    def complaints(self) -> int:
        return self.by_source.get(COMPLAINTS, 0)


@dataclass
class DefectRegister:
    since: date
    until: date
    total: int = 0
    units: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    leaves: list[RegisterRow] = field(default_factory=list)
    parents: list[RegisterRow] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)
    hotspots: list[Hotspot] = field(default_factory=list)

    @property
    def complaints(self) -> int:
        return self.by_source.get(COMPLAINTS, 0)


def source_labels() -> list[tuple[str, str]]:
    """(key, translated heading) of each source, in column order."""
    return [(source.key, source.label()) for source in defect_sources.sources()]


def _types() -> dict[int, DefectType]:
    return {item.pk: item for item in DefectType.objects.all()}


def defect_register(*, user, as_of: date, project_id=None, building_id=None) -> DefectRegister:
    """The register of the REGISTER_MONTHS months up to ``as_of`` (the current month included): counts
    by source and distinct units affected per leaf type and per parent type, the monthly trend, and
    the hotspots (building + type) of the last 30 days. A fixed number of queries whatever the
    number of records."""
    months = rules.months_back(as_of)
    until = date(months[-1].year + (months[-1].month == 12), months[-1].month % 12 + 1, 1)
    scope = {
        "user": user,
        "since": _start_of(months[0]),
        "until": _start_of(until),
        "project_id": project_id,
        "building_id": building_id,
    }
    types = _types()
    register = DefectRegister(since=months[0], until=until)
    count = len(defect_sources.sources())
    # The totals and the monthly trend in one pass: a filtered count per month and source (plain
    # comparisons on the date, no per-row date function: SQLite's month truncation is a Python call).
    bounds = [_start_of(day) for day in [*months, until]]
    adapt = connection.ops.adapt_datetimefield_value
    month_sql, month_params = [], []
    for index in range(len(months)):
        for source_index in range(count):
            month_sql.append(
                f"SUM(CASE WHEN d.d_source = {source_index} AND d.d_at >= %s AND d.d_at < %s "
                "THEN 1 ELSE 0 END)"
            )
            month_params += [adapt(bounds[index]), adapt(bounds[index + 1])]
    # One union for the totals, the leaves and the parents (the ORM writes it once).
    union, params = defect_sources.union_sql(columns=("d_source", "d_type", "d_unit", "d_at"), **scope)
    with connection.cursor() as cursor:
        sums = ", ".join(month_sql)
        sql = f"SELECT COUNT(*), COUNT(DISTINCT d.d_unit){_per_source_sql()}, {sums} FROM ({union}) d"  # noqa: S608
        cursor.execute(sql, month_params + params)
        totals = cursor.fetchone()
    register.total, register.units = totals[0], totals[1]
    register.by_source = _counts(totals[2 : 2 + count])
    per_month = totals[2 + count :]
    for index, month in enumerate(months):
        by_source = _counts(per_month[index * count : (index + 1) * count])
        register.months.append(Month(month=month, total=sum(by_source.values()), by_source=by_source))

    def row(type_id, values) -> RegisterRow:
        item = types[type_id]
        parent = types.get(item.parent_id)
        return RegisterRow(
            total=values[0],
            units=values[1],
            by_source=_counts(values[2:]),
            type_id=type_id,
            code=item.code,
            name=item.name,
            parent_code=parent.code if parent else "",
            parent_name=parent.name if parent else "",
        )

    by_leaf = _grouped("d.d_type", "d.d_type", union=(union, params))
    register.leaves = sorted((row(item[0], item[1:]) for item in by_leaf), key=lambda r: (-r.total, r.code))
    table = connection.ops.quote_name(DefectType._meta.db_table)
    by_parent = _grouped(
        "t.parent_id", "t.parent_id", union=(union, params), join=f"JOIN {table} t ON t.id = d.d_type"
    )
    register.parents = sorted(
        (row(item[0], item[1:]) for item in by_parent), key=lambda r: (-r.total, r.code)
    )
    register.hotspots = defect_hotspots(
        user=user, as_of=as_of, project_id=project_id, building_id=building_id, types=types
    )
    return register


def defect_hotspots(*, user, as_of: date, project_id=None, building_id=None, types=None) -> list[Hotspot]:
    """Building + defect type with DEFECT_HOTSPOT_MIN or more records (all sources) dated in the
    DEFECT_HOTSPOT_WINDOW up to the end of ``as_of``; one GROUP BY ... HAVING, then the few names."""
    types = types if types is not None else _types()
    until = _start_of(as_of) + timedelta(days=1)
    rows = _grouped(
        "d.d_project, d.d_building, d.d_type",
        "d.d_project, d.d_building, d.d_type",
        columns=("d_source", "d_type", "d_project", "d_building", "d_unit"),
        having=f"COUNT(*) >= {int(rules.DEFECT_HOTSPOT_MIN)}",
        user=user,
        since=until - rules.DEFECT_HOTSPOT_WINDOW,
        until=until,
        project_id=project_id,
        building_id=building_id,
        with_unit=True,
    )
    rows.sort(key=lambda item: (-item[3], item[0], item[1], item[2]))
    projects = Project.objects.only("name").in_bulk({item[0] for item in rows})
    buildings = Building.objects.only("name").in_bulk({item[1] for item in rows})
    return [
        Hotspot(
            total=item[3],
            units=item[4],
            by_source=_counts(item[5:]),
            project_id=item[0],
            project_name=projects[item[0]].name,
            building_id=item[1],
            building_name=buildings[item[1]].name,
            type_id=item[2],
            code=types[item[2]].code,
            name=types[item[2]].name,
        )
        for item in rows
    ]


@dataclass
class TopDefect(Counted):
    code: str = ""
    name: str = ""
    parent_name: str = ""
    projects: int = 0
    share: float = 0.0  # of the band's typed records (all sources), 0–100


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
    """The most frequent defect types of [since, until) across the companies ``user`` sees (complaints
    and every other source), per project-age band (``rules.age_band`` of the project's first handover,
    as of the period's last day): one GROUP BY project and type over the sources, one for the
    projects' first handovers; the bands are added up here (a project is in one band, so counts and
    units add up)."""
    rows = _grouped(
        "d.d_project, d.d_type",
        "d.d_project, d.d_type",
        columns=("d_source", "d_type", "d_project", "d_unit"),
        user=user,
        since=_start_of(since),
        until=_start_of(until),
    )
    deliveries = first_deliveries({item[0] for item in rows})
    last_day = date.fromordinal(until.toordinal() - 1)
    types = _types()
    count = len(defect_sources.sources())
    sums: dict[str, dict[int, list[int]]] = {band: defaultdict(lambda: [0] * (3 + count)) for band in BANDS}
    for project_id, type_id, *values in rows:
        band = rules.age_band(deliveries.get(project_id), last_day)
        figures = sums[band][type_id]
        figures[0] += values[0]  # total
        figures[1] += values[1]  # units
        figures[2] += 1  # projects
        for index in range(count):
            figures[3 + index] += values[2 + index] or 0
    result = {}
    for band in BANDS:
        total = sum(figures[0] for figures in sums[band].values())
        ranked = sorted(sums[band].items(), key=lambda pair: (-pair[1][0], types[pair[0]].code))[:limit]
        result[band] = [
            TopDefect(
                total=figures[0],
                units=figures[1],
                by_source=_counts(figures[3:]),
                code=types[type_id].code,
                name=types[type_id].name,
                parent_name=types[types[type_id].parent_id].name if types[type_id].parent_id else "",
                projects=figures[2],
                share=round(100 * figures[0] / total, 1) if total else 0.0,
            )
            for type_id, figures in ranked
        ]
    return result


def _complaint_rows(user):
    return Complaint.objects.visible_to(user)


def _complaints_label() -> str:
    return _("complaints")


# Registered first, in complaints' AppConfig.ready() (d_source 0: the first column).
COMPLAINT_SOURCE = defect_sources.DefectSource(
    key=COMPLAINTS,
    label=_complaints_label,
    rows=_complaint_rows,
    type="defect_type_id",
    project="project_id",
    building="unit__building_id",
    unit="unit_id",
    at="received_at",
)

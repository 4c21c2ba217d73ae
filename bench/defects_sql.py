"""The defect register and the top defects written by hand in SQL, for the ratio in `make bench`,
and their timing against ``complaints.reports.defects`` (called from bench/complaints.py at SMALL and
LARGE complaints, and from bench/defects.py at SMALL and LARGE typed complaints and repairs).

Same figures as the ORM for a group-level user, over typed complaints UNION ALL typed warranty
repairs (counts per source, distinct units across them): the register of the busiest project and of
the whole group (totals, by leaf, by parent, by month, the hotspots), and the top defects of the last
12 months by project age (the bands are added up in Python on both sides)."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.db import connection
from django.utils import timezone

from complaints import rules
from complaints.reports import defects as queries
from organization.models import User

T = "complaints_complaint"
D = "complaints_defecttype"
REPEATS = 5


def _all(sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _month_expression() -> str:
    if connection.vendor == "postgresql":
        return "date_trunc('month', d.at AT TIME ZONE 'Asia/Shanghai')"
    return "strftime('%%Y-%%m', datetime(d.at, '+8 hours'))"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime.min))


R = "repairs_repairrequest"


def _typed(*, since, until, project_id, columns: str, with_building: bool = False) -> tuple[str, list]:
    """Typed complaints UNION ALL typed repairs of [since, until), as (src, t, p, b, unit, at) where
    ``columns`` asks for them; a repair's project and building are its unit's."""
    complaint_where = "c.defect_type_id IS NOT NULL AND c.received_at >= %s AND c.received_at < %s"
    repair_where = "r.reported_at >= %s AND r.reported_at < %s"
    complaint_params: list = [since, until]
    repair_params: list = [since, until]
    complaint_join = " JOIN organization_unit cu ON cu.id = c.unit_id" if with_building else ""
    repair_join = ""
    if project_id is not None or with_building or "p" in columns.split():
        repair_join = (
            " JOIN organization_unit ru ON ru.id = r.unit_id"
            " JOIN organization_building rb ON rb.id = ru.building_id"
        )
    if project_id is not None:
        complaint_where += " AND c.project_id = %s"
        repair_where += " AND rb.project_id = %s"
        complaint_params.append(project_id)
        repair_params.append(project_id)
    complaint_columns = {
        "src": "0",
        "t": "c.defect_type_id",
        "p": "c.project_id",
        "b": "cu.building_id",
        "unit": "c.unit_id",
        "at": "c.received_at",
    }
    repair_columns = {
        "src": "1",
        "t": "r.defect_type_id",
        "p": "rb.project_id",
        "b": "ru.building_id",
        "unit": "r.unit_id",
        "at": "r.reported_at",
    }
    names = columns.split()
    select_c = ", ".join(f"{complaint_columns[name]} AS {name}" for name in names)
    select_r = ", ".join(f"{repair_columns[name]} AS {name}" for name in names)
    sql = (
        f"SELECT {select_c} FROM {T} c{complaint_join} WHERE {complaint_where} "
        f"UNION ALL SELECT {select_r} FROM {R} r{repair_join} WHERE {repair_where}"
    )
    return sql, complaint_params + repair_params


SOURCES = ", SUM(CASE WHEN src = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN src = 1 THEN 1 ELSE 0 END)"


def register(*, project_id: int | None, as_of: date) -> dict:
    months = rules.months_back(as_of)
    last = months[-1]
    until = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    scope = {"since": _aware(months[0]), "until": _aware(until), "project_id": project_id}
    union, params = _typed(columns="src t unit at", **scope)
    totals = _all(f"SELECT COUNT(*), COUNT(DISTINCT unit){SOURCES} FROM ({union}) d", params)
    leaves = _all(
        f"SELECT t, COUNT(*), COUNT(DISTINCT unit){SOURCES} FROM ({union}) d GROUP BY t",
        params,
    )
    parents = _all(
        f"SELECT k.parent_id, COUNT(*), COUNT(DISTINCT unit){SOURCES} FROM ({union}) d "
        f"JOIN {D} k ON k.id = d.t GROUP BY k.parent_id",
        params,
    )
    trend = _all(f"SELECT src, {_month_expression()} AS m, COUNT(*) FROM ({union}) d GROUP BY src, m", params)
    window_end = _aware(as_of) + timedelta(days=1)
    hot_union, hot_params = _typed(
        since=window_end - rules.DEFECT_HOTSPOT_WINDOW,
        until=window_end,
        project_id=project_id,
        columns="src t p b unit",
        with_building=True,
    )
    hotspots = _all(
        f"SELECT d.p, pr.name, d.b, bu.name, d.t, COUNT(*), COUNT(DISTINCT d.unit){SOURCES} "
        f"FROM ({hot_union}) d JOIN organization_project pr ON pr.id = d.p "
        "JOIN organization_building bu ON bu.id = d.b "
        f"GROUP BY d.p, pr.name, d.b, bu.name, d.t HAVING COUNT(*) >= {rules.DEFECT_HOTSPOT_MIN}",
        hot_params,
    )
    return {"totals": totals, "leaves": leaves, "parents": parents, "trend": trend, "hotspots": hotspots}


def top(*, since: date, until: date) -> dict:
    union, params = _typed(since=_aware(since), until=_aware(until), project_id=None, columns="src t p unit")
    rows = _all(
        f"SELECT p, t, COUNT(*), COUNT(DISTINCT unit){SOURCES} FROM ({union}) d GROUP BY p, t", params
    )
    first = dict(
        _all(
            "SELECT b.project_id, MIN(p.delivery_date) FROM customers_purchase p "
            "JOIN organization_unit u ON u.id = p.unit_id "
            "JOIN organization_building b ON b.id = u.building_id "
            "WHERE p.delivery_date IS NOT NULL GROUP BY b.project_id",
            [],
        )
    )
    last_day = until - timedelta(days=1)
    sums: dict = defaultdict(lambda: [0, 0, 0, 0, 0])
    for project_id, type_id, count, units, complaints, repairs in rows:
        delivered = first.get(project_id)
        if isinstance(delivered, str):
            delivered = date.fromisoformat(delivered)
        figures = sums[(rules.age_band(delivered, last_day), type_id)]
        figures[0] += count
        figures[1] += units
        figures[2] += 1
        figures[3] += complaints
        figures[4] += repairs
    return dict(sums)


def _busiest_project() -> int | None:
    row = _all(
        f"SELECT project_id FROM {T} WHERE defect_type_id IS NOT NULL "
        "GROUP BY project_id ORDER BY COUNT(*) DESC LIMIT 1",
        [],
    )
    return row[0][0] if row else None


def _median_ms(function) -> float:
    times = []
    for _index in range(REPEATS):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure() -> dict[str, tuple[float, float]]:
    """{case: (ORM ms, hand-written SQL ms)} for the register of one project, of the group, and the top
    defects of the last 12 months, as the group centre (no company filter on either side)."""
    user = User.objects.get(username="group_cr")
    as_of = timezone.localdate()
    project_id = _busiest_project()
    since, until = rules.months_back(as_of)[0], as_of + timedelta(days=1)
    return {
        "register, one project": (
            _median_ms(lambda: queries.defect_register(user=user, as_of=as_of, project_id=project_id)),
            _median_ms(lambda: register(project_id=project_id, as_of=as_of)),
        ),
        "register, the group": (
            _median_ms(lambda: queries.defect_register(user=user, as_of=as_of)),
            _median_ms(lambda: register(project_id=None, as_of=as_of)),
        ),
        "top defects, 12 months": (
            _median_ms(lambda: queries.top_defects(user=user, since=since, until=until)),
            _median_ms(lambda: top(since=since, until=until)),
        ),
    }

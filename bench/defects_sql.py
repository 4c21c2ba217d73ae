"""The defect register and the top defects written by hand in SQL, for the ratio in `make bench`,
and their timing against ``complaints.reports.defects`` (called from bench/complaints.py at SMALL and
LARGE complaints).

Same figures as the ORM for a group-level user: the register of the busiest project and of the whole
group (totals, by leaf, by parent, by month, the hotspots), and the top defects of the last 12 months
by project age (the bands are added up in Python on both sides)."""

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
        return "date_trunc('month', c.received_at AT TIME ZONE 'Asia/Shanghai')"
    return "strftime('%%Y-%%m', datetime(c.received_at, '+8 hours'))"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime.min))


def register(*, project_id: int | None, as_of: date) -> dict:
    months = rules.months_back(as_of)
    last = months[-1]
    until = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    where = "c.defect_type_id IS NOT NULL AND c.received_at >= %s AND c.received_at < %s"
    params: list = [_aware(months[0]), _aware(until)]
    if project_id is not None:
        where += " AND c.project_id = %s"
        params.append(project_id)
    totals = _all(f"SELECT COUNT(*), COUNT(DISTINCT c.unit_id) FROM {T} c WHERE {where}", params)
    leaves = _all(
        f"SELECT c.defect_type_id, COUNT(*), COUNT(DISTINCT c.unit_id) FROM {T} c WHERE {where} "
        "GROUP BY c.defect_type_id",
        params,
    )
    parents = _all(
        f"SELECT t.parent_id, COUNT(*), COUNT(DISTINCT c.unit_id) FROM {T} c "
        f"JOIN {D} t ON t.id = c.defect_type_id WHERE {where} GROUP BY t.parent_id",
        params,
    )
    trend = _all(f"SELECT {_month_expression()} AS m, COUNT(*) FROM {T} c WHERE {where} GROUP BY m", params)
    window_end = _aware(as_of) + timedelta(days=1)
    hot_params: list = [window_end - rules.DEFECT_HOTSPOT_WINDOW, window_end]
    hot_where = (
        "c.defect_type_id IS NOT NULL AND c.unit_id IS NOT NULL "
        "AND c.received_at >= %s AND c.received_at < %s"
    )
    if project_id is not None:
        hot_where += " AND c.project_id = %s"
        hot_params.append(project_id)
    hotspots = _all(
        "SELECT c.project_id, p.name, u.building_id, b.name, c.defect_type_id, COUNT(*), "
        f"COUNT(DISTINCT c.unit_id) FROM {T} c JOIN organization_unit u ON u.id = c.unit_id "
        "JOIN organization_building b ON b.id = u.building_id "
        "JOIN organization_project p ON p.id = c.project_id "
        f"WHERE {hot_where} GROUP BY c.project_id, p.name, u.building_id, b.name, c.defect_type_id "
        f"HAVING COUNT(*) >= {rules.DEFECT_HOTSPOT_MIN}",
        hot_params,
    )
    return {"totals": totals, "leaves": leaves, "parents": parents, "trend": trend, "hotspots": hotspots}


def top(*, since: date, until: date) -> dict:
    rows = _all(
        f"SELECT project_id, defect_type_id, COUNT(*), COUNT(DISTINCT unit_id) FROM {T} "
        "WHERE defect_type_id IS NOT NULL AND received_at >= %s AND received_at < %s "
        "GROUP BY project_id, defect_type_id",
        [_aware(since), _aware(until)],
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
    sums: dict = defaultdict(lambda: [0, 0, 0])
    for project_id, type_id, count, units in rows:
        delivered = first.get(project_id)
        if isinstance(delivered, str):
            delivered = date.fromisoformat(delivered)
        figures = sums[(rules.age_band(delivered, last_day), type_id)]
        figures[0] += count
        figures[1] += units
        figures[2] += 1
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

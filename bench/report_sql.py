"""The monthly complaint report written by hand in SQL, for the ratio in `make bench`.

Same figures as complaints.reports.complaint_report for the group scope: counts for the period,
the previous month and the same month last year, six GROUP BYs, two nearest-rank percentiles,
overdue, satisfaction, the call-back figures and the escalated list with its plan and last update.
"""

import math

from django.db import connection

T = "complaints_complaint"
E = "complaints_complaintevent"


def _hours(end: str, start: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0"
    return f"(julianday({end}) - julianday({start})) * 24.0"


def _one(sql: str, params) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _all(sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def counts(start, end) -> dict:
    return {
        "new": _one(f"SELECT COUNT(*) FROM {T} WHERE received_at >= %s AND received_at < %s", [start, end])[
            0
        ],
        "resolved": _one(
            f"SELECT COUNT(*) FROM {T} WHERE resolved_at >= %s AND resolved_at < %s", [start, end]
        )[0],
        "closed": _one(f"SELECT COUNT(*) FROM {T} WHERE closed_at >= %s AND closed_at < %s", [start, end])[0],
        "open_at_end": _one(f"SELECT COUNT(*) FROM {T} WHERE received_at < %s", [end])[0]
        - _one(f"SELECT COUNT(*) FROM {T} WHERE resolved_at < %s", [end])[0],
    }


def percentile_pair(where: str, params, end_column: str) -> tuple:
    expression = _hours(end_column, "received_at")
    if connection.vendor == "postgresql":
        return _one(
            f"SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY {expression}), "
            f"percentile_disc(0.9) WITHIN GROUP (ORDER BY {expression}) "
            f"FROM {T} WHERE {where} AND {end_column} IS NOT NULL",
            params,
        )
    total = _one(f"SELECT COUNT(*) FROM {T} WHERE {where} AND {end_column} IS NOT NULL", params)[0]
    if not total:
        return (None, None)
    values = []
    for share in (0.5, 0.9):
        offset = max(math.ceil(share * total) - 1, 0)
        values.append(
            _one(
                f"SELECT {expression} AS d FROM {T} WHERE {where} AND {end_column} IS NOT NULL "
                f"ORDER BY d LIMIT 1 OFFSET {offset}",
                params,
            )[0]
        )
    return tuple(values)


def monthly_report(period, previous, year_before) -> dict:
    start, end = period.start, period.end
    received = "received_at >= %s AND received_at < %s"
    report = {
        "counts": counts(start, end),
        "previous": counts(previous.start, previous.end),
        "year_before": counts(year_before.start, year_before.end),
    }
    for column in ("category", "tier", "channel", "status", "company_id"):
        report[f"by_{column}"] = dict(
            _all(f"SELECT {column}, COUNT(*) FROM {T} WHERE {received} GROUP BY {column}", [start, end])
        )
    report["by_project"] = _all(
        f"SELECT project_id, COUNT(*) FROM {T} WHERE {received} GROUP BY project_id ORDER BY 2 DESC",
        [start, end],
    )
    report["first_response"] = percentile_pair(received, [start, end], "first_response_at")
    report["resolution"] = percentile_pair(
        "resolved_at >= %s AND resolved_at < %s", [start, end], "resolved_at"
    )
    report["overdue"] = _one(
        f"SELECT COUNT(*) FROM {T} WHERE deadline < %s AND received_at < %s "
        "AND (resolved_at IS NULL OR resolved_at > deadline) AND (resolved_at IS NULL OR resolved_at >= %s)",
        [end, end, start],
    )[0]
    report["satisfaction"] = _one(
        f"SELECT COUNT(*), AVG(rating), SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END) FROM {T} "
        "WHERE closed_at >= %s AND closed_at < %s AND rating IS NOT NULL",
        [start, end],
    )
    report["callbacks"] = callback_figures(start, end)
    report["escalated"] = _all(
        f"SELECT c.id, c.number, c.tier, "
        f"(SELECT e.note FROM complaints_complaintevent e WHERE e.complaint_id = c.id AND e.kind = 'plan' "
        f" ORDER BY e.at DESC, e.id DESC LIMIT 1), "
        f"(SELECT e.at FROM complaints_complaintevent e WHERE e.complaint_id = c.id "
        f" ORDER BY e.at DESC, e.id DESC LIMIT 1) "
        f"FROM {T} c WHERE c.tier IN ('major', 'hot', 'important') AND c.received_at < %s "
        f"AND (c.resolved_at IS NULL OR c.resolved_at >= %s) "
        f"ORDER BY CASE c.tier WHEN 'major' THEN 3 WHEN 'hot' THEN 2 ELSE 1 END DESC, c.received_at "
        f"LIMIT 500",
        [end, start],
    )
    return report


def callback_figures(start, end) -> tuple:
    """Resolved in the period, called back and reopened after it; call-backs in the period."""
    after = f"SELECT 1 FROM {E} x WHERE x.complaint_id = r.complaint_id AND x.at >= r.at"
    cohort = _one(
        f"SELECT COUNT(DISTINCT r.complaint_id), "
        f"COUNT(DISTINCT CASE WHEN EXISTS ({after} AND x.kind = 'callback') THEN r.complaint_id END), "
        f"COUNT(DISTINCT CASE WHEN EXISTS ({after} AND x.kind = 'status' AND x.from_value IN "
        f"('resolved', 'closed') AND x.to_value = 'in_progress') THEN r.complaint_id END) "
        f"FROM {E} r WHERE r.kind = 'status' AND r.to_value = 'resolved' AND r.at >= %s AND r.at < %s",
        [start, end],
    )
    calls = _one(
        f"SELECT COUNT(*), SUM(CASE WHEN to_value IN ('satisfied', 'not_satisfied') THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN to_value = 'satisfied' THEN 1 ELSE 0 END) "
        f"FROM {E} WHERE kind = 'callback' AND at >= %s AND at < %s",
        [start, end],
    )
    return cohort + calls

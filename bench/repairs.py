"""Warranty repairs at SMALL vs LARGE rows: the monthly contractor statistics (月度质量投诉及返修统计,
``repairs.statistics.contractor_statistics``) for the group centre, against the same two
aggregations written by hand in SQL (issue 17: within 2x at 1M repairs). The repairs are spread over
24 months and 12 contractors; each has one visit, one in five a failed first one."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from itertools import cycle

from django.db import connection
from django.utils import timezone

from bench.common import Sizes, vacuum
from complaints.models import Contractor, DefectType
from complaints.reports.periods import Period
from organization.models import Unit, User
from repairs import statistics as repair_statistics
from repairs.models import RepairRequest, RepairVisit, Status

REPEATS = 5
RATIO_TARGET = 2.0
MONTHS = 24
CONTRACTORS = 12
BATCH = 10_000


def _contractors() -> list[int]:
    for number in range(CONTRACTORS):
        Contractor.objects.get_or_create(name=f"基准维修单位{number:02d}")
    return list(Contractor.objects.filter(name__startswith="基准维修单位").values_list("pk", flat=True))


def grow_repairs_to(target: int) -> None:
    missing = target - RepairRequest.objects.count()
    if missing <= 0:
        return
    contractors = cycle(_contractors())
    units = cycle(Unit.objects.values_list("pk", "company_id")[:5000])
    leaves = cycle(DefectType.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    now = timezone.now()
    start = RepairRequest.objects.count()
    started = time.monotonic()
    for offset in range(0, missing, BATCH):
        repairs = []
        for index in range(start + offset, start + min(offset + BATCH, missing)):
            unit_id, company_id = next(units)
            reported = now - timedelta(minutes=(index * 37) % (MONTHS * 30 * 24 * 60))
            repairs.append(
                RepairRequest(
                    number=f"BXBENCH-{index:08d}",
                    company_id=company_id,
                    unit_id=unit_id,
                    defect_type_id=next(leaves),
                    description="基准",
                    channel="api",
                    status=Status.CLOSED,
                    warranty=True,
                    contractor_id=next(contractors),
                    reported_at=reported,
                    fixed_at=reported + timedelta(days=1 + index % 9),
                    closed_at=reported + timedelta(days=2 + index % 9),
                    tracking_token=f"bench-{index}",
                )
            )
        made = RepairRequest.objects.bulk_create(repairs)
        visits = []
        for repair in made:
            window = {"window_from": repair.reported_at, "window_to": repair.reported_at + timedelta(hours=2)}
            if repair.pk % 5 == 0:
                visits.append(
                    RepairVisit(
                        repair=repair, contractor_id=repair.contractor_id, outcome="not_fixed", **window
                    )
                )
            visits.append(
                RepairVisit(repair=repair, contractor_id=repair.contractor_id, outcome="fixed", **window)
            )
        RepairVisit.objects.bulk_create(visits)
        print(f"\r  seeding repairs: {offset + len(made):,}/{missing:,}", end="", flush=True)
    print(f"  ({missing / max(time.monotonic() - started, 1e-9):,.0f} rows/s)")
    vacuum()


def _duration_days(expression_from: str, expression_to: str, *, dates: bool = False) -> str:
    if connection.vendor == "postgresql":
        if dates:  # date - date is a number of days
            return f"AVG({expression_to} - {expression_from})"
        return f"EXTRACT(EPOCH FROM AVG({expression_to} - {expression_from})) / 86400"
    return f"AVG(julianday({expression_to}) - julianday({expression_from}))"


def hand_written(period: Period) -> list:
    """The same rows for a group-level user: one GROUP BY per source."""
    visits = "SELECT 1 FROM repairs_repairvisit v WHERE v.repair_id = r.id"
    judged = f"EXISTS ({visits} AND v.outcome IN ('fixed', 'not_fixed'))"
    failed = f"EXISTS ({visits} AND v.outcome = 'not_fixed')"
    repairs_sql = f"""
        SELECT r.contractor_id, COUNT(*),
               SUM(CASE WHEN {judged} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {judged} AND NOT {failed} THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.fixed_at IS NOT NULL THEN 1 ELSE 0 END),
               {_duration_days("r.reported_at", "r.fixed_at")}
        FROM repairs_repairrequest r
        WHERE r.contractor_id IS NOT NULL AND r.reported_at >= %s AND r.reported_at < %s
        GROUP BY r.contractor_id
    """
    complaints_sql = f"""
        SELECT p.contractor_id, COUNT(*),
               SUM(CASE WHEN p.fixed_first_time IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.fixed_first_time THEN 1 ELSE 0 END),
               SUM(CASE WHEN p.finished_on IS NOT NULL THEN 1 ELSE 0 END),
               {_duration_days("p.started_on", "p.finished_on", dates=True)}
        FROM complaints_repair p JOIN complaints_complaint c ON c.id = p.complaint_id
        WHERE c.category = 'construction' AND p.started_on >= %s AND p.started_on < %s
        GROUP BY p.contractor_id
    """
    with connection.cursor() as cursor:
        cursor.execute(repairs_sql, [period.start, period.end])
        rows = cursor.fetchall()
        cursor.execute(complaints_sql, [period.start.date(), period.end.date()])
        return rows + cursor.fetchall()


def _median_ms(call) -> float:
    times = []
    for _round in range(REPEATS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def statistics_ms() -> tuple[float, float]:
    user = User.objects.get(username="group_cr")
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    period = Period.month(last_month.year, last_month.month)
    orm = _median_ms(lambda: repair_statistics.contractor_statistics(user=user, period=period))
    raw = _median_ms(lambda: hand_written(period))
    return orm, raw


def measure(sizes: Sizes) -> dict:
    grow_repairs_to(sizes.small)
    small = statistics_ms()
    grow_repairs_to(sizes.large)
    large = statistics_ms()
    return {"statistics": (small, large)}


def report(figures: dict, sizes: Sizes) -> list[str]:
    print(
        f"\nContractor statistics (group centre, previous month), median of {REPEATS} ({connection.vendor}):"
    )
    failures = []
    for size, (orm_ms, raw_ms) in zip((sizes.small, sizes.large), figures["statistics"], strict=True):
        ratio = orm_ms / raw_ms if raw_ms else 0.0
        checked = size == sizes.large  # the goal is set at the large size, as for the defect register
        flag = "" if ratio <= RATIO_TARGET or not checked else f"  (target {RATIO_TARGET})"
        print(
            f"  {size:>10,} repairs: {orm_ms:8.1f} ms; hand-written SQL {raw_ms:8.1f} ms; "
            f"ratio {ratio:.2f}{flag}"
        )
        if checked and ratio > RATIO_TARGET:
            failures.append(f"contractor statistics at {size:,} repairs is {ratio:.2f}x the hand-written SQL")
    return failures

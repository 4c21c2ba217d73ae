"""The defect register over both of its sources (issue 17 §2): typed complaints and warranty repairs
at SMALL and LARGE rows of each, the register of the busiest project, of the group, and the top
defects of 12 months by project age, each against the same figures written by hand in SQL
(bench/defects_sql.py: a UNION ALL of the two tables), taken in one run; ratio goal 2 at most at the
large size. Run it alone (make bench ONLY=defects): after the other benches the tables are already
at the large size. Complaints grow through the demo generator (bench/complaints.py) to SMALL, then
on PostgreSQL as SQL copies of those; repairs by one INSERT ... SELECT over generate_series
(bulk_create on SQLite, bench/repairs.py)."""

import time

from django.db import connection

from bench import defects_sql
from bench.common import Sizes, vacuum
from bench.complaints import copy_complaints_to
from bench.repairs import MONTHS, grow_repairs_to
from repairs.models import RepairRequest

RATIO_TARGET = 2.0


def copy_repairs_to(target: int) -> None:
    """Typed repairs up to ``target`` rows, spread over MONTHS months and the first 5,000 units, in
    one statement (PostgreSQL); the demo units and the defect catalogue's leaf types."""
    if connection.vendor != "postgresql":
        grow_repairs_to(target)
        return
    start = RepairRequest.objects.count()
    if target <= start:
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH units AS (
                SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, company_id
                FROM (SELECT id, company_id FROM organization_unit ORDER BY id LIMIT 5000) u
            ), leaves AS (
                SELECT row_number() OVER (ORDER BY id) - 1 AS n, id
                FROM complaints_defecttype WHERE parent_id IS NOT NULL
            )
            INSERT INTO repairs_repairrequest (
                number, company_id, unit_id, defect_type_id, description, contact_name, contact_phone,
                channel, status, warranty, reported_at, confirmed_via, conversion_reason, tracking_token,
                version
            )
            SELECT 'BXD-' || g, u.company_id, u.id, l.id, '基准', '', '', 'api', 'closed', TRUE,
                   now() - ((g * 37) %% (%s * 30 * 24 * 60)) * interval '1 minute', '', '',
                   'bench-d-' || g, 1
            FROM generate_series(%s, %s) g
            JOIN units u ON u.n = g %% (SELECT COUNT(*) FROM units)
            JOIN leaves l ON l.n = g %% (SELECT COUNT(*) FROM leaves)
            """,
            [MONTHS, start, target - 1],
        )
    print(f"  copied repairs: {target - start:,} in {time.monotonic() - started:.0f} s")
    vacuum()


def measure(sizes: Sizes) -> dict:
    figures = {}
    for size in (sizes.small, sizes.large):
        copy_complaints_to(size, base=sizes.small)
        copy_repairs_to(size)
        figures[size] = defects_sql.measure()
    return {"defects": figures}


def report(figures: dict, sizes: Sizes) -> list[str]:
    print(
        f"\nDefect register over complaints and repairs (group centre), median of {defects_sql.REPEATS} "
        f"({connection.vendor}):"
    )
    failures = []
    for size, cases in figures["defects"].items():
        for case, (orm_ms, raw_ms) in cases.items():
            ratio = orm_ms / raw_ms if raw_ms else 0.0
            checked = size == sizes.large  # as bench/complaints.py: the goal is set at the large size
            flag = "" if ratio <= RATIO_TARGET or not checked else f"  (target {RATIO_TARGET})"
            print(
                f"  {size:>10,} complaints + {size:>10,} repairs, {case:<24}{orm_ms:8.1f} ms; "
                f"hand-written SQL {raw_ms:8.1f} ms; ratio {ratio:.2f}{flag}"
            )
            if checked and ratio > RATIO_TARGET:
                failures.append(
                    f"{case} at {size:,} complaints and repairs is {ratio:.2f}x the hand-written SQL"
                )
    small, large = figures["defects"][sizes.small], figures["defects"][sizes.large]
    print(f"  growth {sizes.small:,} -> {sizes.large:,} (ORM ms large / small):")
    for case in small:
        print(f"    {case:<24}{large[case][0] / small[case][0]:8.2f}")
    return failures

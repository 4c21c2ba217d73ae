"""Complaints at SMALL vs LARGE rows:
- list endpoint time for a company user and a group-level user, and the ratio between the sizes;
- SQL queries per list page for page sizes 1, 50 and 100 (must be equal);
- the escalation sweep with 1,000 due complaints among the open ones;
- the monthly complaint report, and its ratio to the same aggregations written by hand in SQL
  (bench/report_sql.py);
- complaint intake through the API as a ratio to a bare Django view doing the same INSERT;
- the defect register (one project, the group) and the top defects by project age, against the same
  aggregations written by hand in SQL (bench/defects_sql.py; ratio goal 2 at most);
- the work queue page (/complaints/): mine, at risk, sorted by next escalation, for a company user and
  a group-level user, with the ratio (target 1.5 at most) and the queries per page (must not grow);
- the duplicate check at intake (services.possible_duplicates, issue 19 §4) for complaints of one
  company with a unit: median per complaint, under 5 ms at the large size;
- the report's response figures in working time (issue 19 §1): its time and its queries, which must
  not grow with the complaints (SQL over the figures each complaint keeps, no Python per complaint).

Complaints grow through the demo generator to SMALL, then on PostgreSQL as SQL copies of those up to
LARGE (``copy_complaints_to``: the generator makes a few hundred a second).
"""

import statistics
import time
from datetime import timedelta

from django.db import connection
from django.db.models import F
from django.http import JsonResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from bench import defects_sql, report_sql
from bench.common import (
    COMPLAINT_LIST_URL,
    Sizes,
    client_for,
    grow_to,
    median_ms,
    page_queries_text,
    page_size_failures,
    queries_per_page,
    staff_page_ms,
    vacuum,
)
from complaints import demo, reports
from complaints import services as complaint_services
from complaints.models import Complaint
from complaints.reports.response import response_in_working_time
from organization.models import Project, User

REPORT_REPEATS = 5
INTAKE_REQUESTS = 200
QUEUE_PAGES = {
    "staff_sz mine": ("staff_sz", "/complaints/?mine=1"),
    "staff_sz at risk": ("staff_sz", "/complaints/?urgency=at_risk"),
    "staff_sz by next escalation": ("staff_sz", "/complaints/?sort=escalation"),
    "staff_sz mine by next escalation": ("staff_sz", "/complaints/?mine=1&sort=escalation"),
    "group_cr at risk": ("group_cr", "/complaints/?urgency=at_risk"),
    "group_cr by next escalation": ("group_cr", "/complaints/?sort=escalation"),
    "group_cr by last update": ("group_cr", "/complaints/?sort=updated"),
    "group_cr by tier": ("group_cr", "/complaints/?sort=tier"),
}
QUEUE_RATIO_TARGET = 1.5
DEFECT_RATIO_TARGET = 2.0
DUPLICATE_CHECKS = 200
DUPLICATE_CHECK_TARGET_MS = 5.0
MINE_EVERY = 10  # staff_sz handles one complaint in this many of the company's (a full page at both sizes)


def grow_complaints_to(target: int) -> None:
    grow_to(target, Complaint, demo.generate_complaints, "complaints")


def copy_complaints_to(target: int, *, base: int) -> None:
    """Complaints up to ``target`` rows: ``base`` through the demo generator (a few hundred rows a
    second), the rest on PostgreSQL as copies of those in one INSERT ... SELECT (new number and
    tracking token; same project, unit, type and date), as the other benches seed by SQL."""
    grow_complaints_to(min(target, base))
    start = Complaint.objects.count()
    if connection.vendor != "postgresql" or target <= start:
        grow_complaints_to(target)
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'complaints_complaint' "
            "AND column_name NOT IN ('id', 'number', 'tracking_token', 'external_ref') "
            "ORDER BY ordinal_position"
        )
        columns = [row[0] for row in cursor.fetchall()]
        names = ", ".join(f'"{name}"' for name in columns)
        copied = ", ".join(f'c."{name}"' for name in columns)
        cursor.execute(
            f"""
            WITH originals AS (
                SELECT row_number() OVER (ORDER BY id) - 1 AS n, id
                FROM (SELECT id FROM complaints_complaint ORDER BY id LIMIT %s) o
            )
            INSERT INTO complaints_complaint ({names}, number, tracking_token, external_ref)
            SELECT {copied}, 'CD-' || g, 'bench-cd-' || g, ''
            FROM generate_series(%s, %s) g
            JOIN originals o ON o.n = g %% %s
            JOIN complaints_complaint c ON c.id = o.id
            """,
            [start, start, target - 1, start],
        )
    print(f"  copied complaints: {target - start:,} in {time.monotonic() - started:.0f} s")
    vacuum()


def deep_page_url(client: APIClient, pages: int) -> str:
    url = f"{COMPLAINT_LIST_URL}?page_size=50"
    for _ in range(pages):
        url = client.get(url).json()["next"]
    return url


def list_ms(repeats: int) -> dict[str, float]:
    results = {}
    for username in ("staff_sz", "group_cr"):
        client = client_for(username)
        results[f"{username} first page"] = median_ms(client, f"{COMPLAINT_LIST_URL}?page_size=50", repeats)
        results[f"{username} page 20"] = median_ms(client, deep_page_url(client, 20), repeats)
        results[f"{username} filtered (tier=major)"] = median_ms(
            client, f"{COMPLAINT_LIST_URL}?tier=major", repeats
        )
    return results


def give_some_to(username: str) -> None:
    """Make ``username`` the handler of one in MINE_EVERY of their company's complaints (the demo
    rows have no handler), so that "mine" has rows to show at both sizes."""
    user = User.objects.get(username=username)
    Complaint.objects.filter(company_id=user.company_id).annotate(every=F("id") % MINE_EVERY).filter(
        every=0
    ).update(handler=user)
    vacuum()  # the planner's statistics after the change, as autovacuum would have them


def queue_ms(repeats: int) -> dict[str, tuple[float, int, int]]:
    """Median ms, queries and rows shown of each work-queue page in QUEUE_PAGES (signed-in staff
    pages). The time grows with the rows rendered, so compare sizes where both pages are full."""
    give_some_to("staff_sz")
    figures = {}
    for case, (username, url) in QUEUE_PAGES.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        rows = client.get(url).content.decode().count("data-complaint=")
        figures[case] = (*staff_page_ms(username, url, repeats), rows)
    return figures


def sweep_ms(due: int = 1000) -> float:
    """Time one sweep over ``due`` complaints whose clock ran out, every other open complaint not due."""
    now = timezone.now()
    Complaint.objects.update(
        status="in_progress", tier="normal", paused_since=None, next_due_at=now + timedelta(days=30)
    )
    ids = list(Complaint.objects.order_by("-id").values_list("id", flat=True)[:due])
    Complaint.objects.filter(pk__in=ids).update(received_at=now - timedelta(days=8), next_due_at=now)
    started = time.perf_counter()
    raised = complaint_services.escalate_due(as_of=now)
    elapsed = (time.perf_counter() - started) * 1000
    assert raised == due, raised
    return elapsed


def report_ms(repeats: int) -> tuple[float, float]:
    """Median ms of the group's monthly report through complaints.reports, and of the hand-written SQL."""
    today = timezone.localdate()
    period = reports.Period.month(today.year, today.month).previous()
    base = Complaint.objects.all()
    orm, raw = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        reports.complaint_report(base, period)
        orm.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        report_sql.monthly_report(period, period.previous(), period.year_before())
        raw.append((time.perf_counter() - started) * 1000)
    return statistics.median(orm), statistics.median(raw)


def intake_ratio(requests: int) -> tuple[float, float, int]:
    """Median ms of POST /api/v1/complaints/ and of a bare view inserting the same row, and the
    queries of one API intake (routing to the duty handler, notifications, clocks, tier, risk words)."""
    project = Project.objects.filter(company__name="深圳万科").first()
    body = {
        "project": project.pk,
        "channel": "hotline",
        "category": "construction",
        "title": "卫生间渗漏水",
        "description": "楼上卫生间渗水",
        "complainant_count": 1,
        "litigation": "none",
        "media": "none",
    }

    def bare_view(request, sequence=[0]):  # noqa: B006 - a counter for unique numbers
        sequence[0] += 1
        complaint = Complaint.objects.create(
            number=f"BENCH-{sequence[0]:08d}",
            company_id=project.company_id,
            project=project,
            channel="hotline",
            category="construction",
            title=body["title"],
            description=body["description"],
            received_at=timezone.now(),
        )
        return JsonResponse({"id": complaint.pk}, status=201)

    client = client_for("integrator")
    factory = RequestFactory()
    api, bare = [], []
    for _ in range(requests):
        started = time.perf_counter()
        assert client.post(COMPLAINT_LIST_URL, body, format="json").status_code == 201
        api.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        assert bare_view(factory.post("/bare/")).status_code == 201
        bare.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(COMPLAINT_LIST_URL, body, format="json").status_code == 201
    return statistics.median(api), statistics.median(bare), len(queries)


def duplicate_check_ms(checks: int = DUPLICATE_CHECKS) -> float:
    """The median time of the duplicate check of ``checks`` complaints of staff_sz's company, as the
    intake answer runs it (the index on unit and category, and the one on phone and category)."""
    staff = User.objects.get(username="staff_sz")
    sample = list(
        Complaint.objects.visible_to(staff).exclude(unit=None).order_by("-received_at")[: checks * 20 : 20]
    )
    times = []
    for complaint in sample:
        started = time.perf_counter()
        complaint_services.possible_duplicates(complaint, user=staff)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def working_time_report() -> tuple[float, int, int]:
    """Ms and queries of the group's response figures in working time for the previous month, and
    the complaints they judged."""
    today = timezone.localdate()
    period = reports.Period.month(today.year, today.month).previous()
    base = Complaint.objects.all()
    response_in_working_time(base, period)  # a warm run, as any later request finds the database
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        figures = response_in_working_time(base, period)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), figures["in_time"] + figures["late"] + figures["pending"]


def measure(sizes: Sizes) -> dict:
    grow_complaints_to(sizes.small)
    list_small = list_ms(sizes.repeats)
    page_queries = queries_per_page(COMPLAINT_LIST_URL)
    report_small = report_ms(REPORT_REPEATS)
    defects_small = defects_sql.measure()
    queue_small = queue_ms(sizes.repeats)
    sweep_small = sweep_ms()
    duplicates_small = duplicate_check_ms()
    working_time_small = working_time_report()
    copy_complaints_to(sizes.large, base=sizes.small)
    list_large = list_ms(sizes.repeats)
    report_large = report_ms(REPORT_REPEATS)
    defects_large = defects_sql.measure()
    queue_large = queue_ms(sizes.repeats)
    sweep_large = sweep_ms()
    duplicates_large = duplicate_check_ms()
    working_time_large = working_time_report()
    return {
        "working_time": (working_time_small, working_time_large),
        "duplicates": (duplicates_small, duplicates_large),
        "list": (list_small, list_large),
        "page_queries": page_queries,
        "report": (report_small, report_large),
        "defects": (defects_small, defects_large),
        "sweep": (sweep_small, sweep_large),
        "queue": (queue_small, queue_large),
        "intake": intake_ratio(INTAKE_REQUESTS),
    }


def report(figures: dict, sizes: Sizes) -> list[str]:
    """Print the figures; return what failed."""
    small, large = figures["list"]
    print(f"\nComplaint list endpoint, median of {sizes.repeats} requests (ms)")
    print(f"  {'case':<34}{sizes.small:>12,}{sizes.large:>14,}{'ratio':>9}")
    for case, small_ms in small.items():
        print(f"  {case:<34}{small_ms:>12.1f}{large[case]:>14.1f}{large[case] / small_ms:>9.2f}")
    print("\nQueries per list page: " + page_queries_text(figures["page_queries"]))

    print(
        f"\nMonthly report (group scope, previous month), median of {REPORT_REPEATS} ({connection.vendor}):"
    )
    for size, (orm_ms, raw_ms) in zip((sizes.small, sizes.large), figures["report"], strict=True):
        print(
            f"  {size:>10,} complaints: {orm_ms:8.0f} ms; hand-written SQL {raw_ms:8.0f} ms; "
            f"ratio {orm_ms / raw_ms:.2f}"
        )
    failures = []
    print(
        f"\nDefect register and top defects (group centre), median of {defects_sql.REPEATS} "
        f"({connection.vendor}):"
    )
    for size, cases in zip((sizes.small, sizes.large), figures["defects"], strict=True):
        for case, (orm_ms, raw_ms) in cases.items():
            ratio = orm_ms / raw_ms if raw_ms else 0.0
            # The goal is set at the large size (issue 17: "on 1M ... within 2x"); at the small one
            # the ORM's fixed cost of building the query (a few ms) weighs on a few-ms query.
            checked = size == sizes.large
            flag = "" if ratio <= DEFECT_RATIO_TARGET or not checked else f"  (target {DEFECT_RATIO_TARGET})"
            print(
                f"  {size:>10,} complaints, {case:<24}{orm_ms:8.1f} ms; hand-written SQL {raw_ms:8.1f} ms; "
                f"ratio {ratio:.2f}{flag}"
            )
            if checked and ratio > DEFECT_RATIO_TARGET:
                failures.append(f"{case} at {size:,} complaints is {ratio:.2f}x the hand-written SQL")
    sweep_small, sweep_large = figures["sweep"]
    print(
        f"\nEscalation sweep, 1,000 due: {sweep_small:.0f} ms among {sizes.small:,} open, "
        f"{sweep_large:.0f} ms among {sizes.large:,} open, ratio {sweep_large / sweep_small:.2f}"
    )
    api_ms, bare_ms, intake_queries = figures["intake"]
    print(
        f"Complaint intake, median of {INTAKE_REQUESTS}: API {api_ms:.1f} ms, "
        f"bare INSERT view {bare_ms:.1f} ms, ratio {api_ms / bare_ms:.1f}; {intake_queries} queries"
    )
    duplicates_small, duplicates_large = figures["duplicates"]
    print(
        f"Duplicate check at intake, median of {DUPLICATE_CHECKS}: {duplicates_small:.2f} ms at "
        f"{sizes.small:,}, {duplicates_large:.2f} ms at {sizes.large:,} "
        f"(target {DUPLICATE_CHECK_TARGET_MS} ms)"
    )
    if duplicates_large > DUPLICATE_CHECK_TARGET_MS:
        failures.append(f"the duplicate check takes {duplicates_large:.2f} ms at {sizes.large:,} complaints")
    working_time = zip((sizes.small, sizes.large), figures["working_time"], strict=True)
    for size, (elapsed, queries, judged) in working_time:
        print(
            f"Response in working time (group, previous month) at {size:,}: {elapsed:.0f} ms for "
            f"{judged:,} complaints judged, {queries} queries"
        )
    if figures["working_time"][1][1] > figures["working_time"][0][1]:
        failures.append("the response figures in working time run more queries with more complaints")
    failures += page_size_failures("complaint", figures["page_queries"])
    queue_small, queue_large = figures["queue"]
    print(f"\nWork queue page (/complaints/), median of {sizes.repeats} requests (ms; queries; rows shown)")
    print(f"  {'case':<34}{sizes.small:>16,}{sizes.large:>18,}{'ratio':>9}")
    for case, (small_ms, small_queries, small_rows) in queue_small.items():
        large_ms, large_queries, large_rows = queue_large[case]
        ratio = large_ms / small_ms
        flag = "" if ratio <= QUEUE_RATIO_TARGET else f"  (target {QUEUE_RATIO_TARGET})"
        print(
            f"  {case:<34}{small_ms:>8.1f}; {small_queries:>2}; {small_rows:>2}"
            f"{large_ms:>10.1f}; {large_queries:>2}; {large_rows:>2}{ratio:>9.2f}{flag}"
        )
        # One fewer at the large size is the total read from the planner's estimate without a count.
        if large_queries > small_queries:
            failures.append(f"the work queue page '{case}' runs more queries at {sizes.large:,} complaints")
    return failures

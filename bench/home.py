"""The home workbench per role (frontline, company manager, group centre) at SMALL vs LARGE
complaints: the median time of the page and its SQL queries, which must stay the same.

Runs after the complaints bench, which leaves LARGE complaints behind: then both columns are read at
LARGE and the ratio says nothing about growth; ``make bench ONLY=home`` seeds SMALL, then LARGE.
The bulk-seeded complaints get the clock columns the workbench reads (next escalation, month to
resolve) where missing, and a share of the open ones a handler, so every block has rows.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import F

from bench.common import Sizes, grow_to, staff_page_ms, vacuum
from complaints import demo
from complaints.models import Complaint
from organization.models import User

USERNAMES = ("staff_sz", "manager_sz", "group_cr")
MAX_RATIO = 1.5
HANDLED_SHARE = 7  # every 7th open complaint of the frontline user's company is theirs


def seed(target: int) -> int:
    if Complaint.objects.count() < target:
        grow_to(target, Complaint, demo.generate_complaints, "complaints")
    open_complaints = Complaint.objects.filter(resolved_at__isnull=True)
    open_complaints.filter(escalates_at__isnull=True).update(
        escalates_at=F("received_at") + timedelta(days=7)
    )
    Complaint.objects.filter(resolve_by__isnull=True).update(resolve_by=F("received_at") + timedelta(days=30))
    staff = User.objects.get(username="staff_sz")
    mine = open_complaints.filter(company_id=staff.company_id, handler__isnull=True)
    # At most 900 of them: SQLite takes at most 999 parameters.
    ids = list(mine.order_by("id").values_list("id", flat=True))[::HANDLED_SHARE][:900]
    Complaint.objects.filter(pk__in=ids).update(handler=staff)
    vacuum()
    if connection.vendor == "sqlite":
        # SQLite's planner picks the company index over the partial ones without statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Complaint.objects.count()


def home_figures(repeats: int) -> dict[str, tuple[float, int]]:
    return {username: staff_page_ms(username, "/", repeats) for username in USERNAMES}


def measure(sizes: Sizes) -> dict:
    small_rows = seed(sizes.small)
    small = home_figures(sizes.repeats)
    large_rows = seed(sizes.large)
    large = home_figures(sizes.repeats)
    return {"rows": (small_rows, large_rows), "home": (small, large)}


def report(figures: dict, sizes: Sizes) -> list[str]:
    """Print the figures; return what failed."""
    (small_rows, large_rows), (small, large) = figures["rows"], figures["home"]
    print(f"\nHome workbench per role, median of {sizes.repeats} requests (ms; queries per page)")
    print(f"  {'user':<34}{small_rows:>12,}{large_rows:>14,}{'ratio':>9}{'queries':>12}")
    failures = []
    for username, (small_ms, small_queries) in small.items():
        large_ms, large_queries = large[username]
        ratio = large_ms / small_ms
        queries = f"{small_queries}/{large_queries}"
        print(f"  {username:<34}{small_ms:>12.1f}{large_ms:>14.1f}{ratio:>9.2f}{queries:>12}")
        if small_rows == large_rows:
            print("  (both read at the same size: run make bench ONLY=home for growth)")
        elif ratio > MAX_RATIO:
            failures.append(f"home of {username}: {ratio:.2f}× slower at {large_rows:,} complaints")
        if small_queries != large_queries:
            failures.append(f"home of {username}: {queries} queries at {small_rows:,}/{large_rows:,}")
    return failures

"""make bench: seed, measure side by side in one run, print ratios.

Runs on its own database (var/bench.sqlite3 unless DATABASE_URL is set; it is
wiped first, so never point it at real data) and prints:
  - complaint list endpoint time at SMALL vs LARGE rows, for a company user and a
    group-level user, and the ratio between the two sizes;
  - SQL queries per list page for page sizes 1, 50 and 100 (must be equal).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanke_crm.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from complaints.models import Complaint  # noqa: E402
from organization import demo  # noqa: E402
from organization.models import User  # noqa: E402

LIST_URL = "/api/v1/complaints/"


def reset_database() -> None:
    if connection.vendor == "sqlite":
        connection.close()
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def grow_complaints_to(target: int) -> None:
    missing = target - Complaint.objects.count()
    started = time.monotonic()
    for made in demo.generate_complaints(missing, batch_size=10000):
        print(f"\r  seeding complaints: {made:,}/{missing:,}", end="", flush=True)
    print(f"  ({missing / max(time.monotonic() - started, 1e-9):,.0f} rows/s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def client_for(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    client.get(LIST_URL)  # warm the permission cache and the connection
    return client


def median_ms(client: APIClient, url: str, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    return statistics.median(timings)


def deep_page_url(client: APIClient, pages: int) -> str:
    url = f"{LIST_URL}?page_size=50"
    for _ in range(pages):
        url = client.get(url).json()["next"]
    return url


def measure(repeats: int) -> dict[str, float]:
    results = {}
    for username in ("staff_sz", "group_cr"):
        client = client_for(username)
        results[f"{username} first page"] = median_ms(client, f"{LIST_URL}?page_size=50", repeats)
        results[f"{username} page 20"] = median_ms(client, deep_page_url(client, 20), repeats)
        results[f"{username} filtered (tier=major)"] = median_ms(client, f"{LIST_URL}?tier=major", repeats)
    return results


def queries_per_page() -> dict[int, int]:
    client = client_for("group_cr")
    counts = {}
    for size in (1, 50, 100):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"{LIST_URL}?page_size={size}")
        counts[size] = len(queries)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=int(os.environ.get("BENCH_LARGE", 1_000_000)))
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    setup_test_environment()
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    reset_database()
    demo.seed_organisation()
    demo.seed_users()

    grow_complaints_to(args.small)
    small = measure(args.repeats)
    page_queries = queries_per_page()
    grow_complaints_to(args.large)
    large = measure(args.repeats)

    print(f"\nComplaint list endpoint, median of {args.repeats} requests (ms)")
    print(f"  {'case':<34}{args.small:>12,}{args.large:>14,}{'ratio':>9}")
    for case, small_ms in small.items():
        print(f"  {case:<34}{small_ms:>12.1f}{large[case]:>14.1f}{large[case] / small_ms:>9.2f}")
    print(
        "\nQueries per list page: " + ", ".join(f"page_size={size}: {n}" for size, n in page_queries.items())
    )
    if len(set(page_queries.values())) != 1:
        print("FAIL: the number of queries depends on the page size")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

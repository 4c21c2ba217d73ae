"""What every app's bench shares: the sizes, the database, clients and timings."""

import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.services import refresh_planner_statistics
from organization.models import User

COMPLAINT_LIST_URL = "/api/v1/complaints/"


@dataclass(frozen=True)
class Sizes:
    small: int
    large: int
    repeats: int
    import_rows: int


def reset_database() -> None:
    if connection.vendor == "sqlite":
        connection.close()
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def grow_to(target: int, model: type[Model], generate: Callable[..., Iterator[int]], label: str) -> None:
    """Bulk-insert rows through a demo generator until ``model`` holds ``target`` of them."""
    missing = target - model.objects.count()
    started = time.monotonic()
    for made in generate(missing, batch_size=10000):
        print(f"\r  seeding {label}: {made:,}/{missing:,}", end="", flush=True)
    print(f"  ({missing / max(time.monotonic() - started, 1e-9):,.0f} rows/s)")
    vacuum()


def vacuum() -> None:
    """What production does after a bulk load: autovacuum's visibility maps and statistics on
    PostgreSQL, the daily statistics task on SQLite (``core.services.refresh_planner_statistics``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        refresh_planner_statistics()


def client_for(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    client.get(COMPLAINT_LIST_URL)  # warm the permission cache and the connection
    return client


def median_ms(client: APIClient, url: str, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    return statistics.median(timings)


def staff_page_ms(username: str, url: str, repeats: int) -> tuple[float, int]:
    """Median ms of a signed-in staff page, and the queries it runs."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(url)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(queries)


def queries_per_page(url: str) -> dict[int, int]:
    client = client_for("group_cr")
    counts = {}
    for size in (1, 50, 100):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"{url}?page_size={size}")
        counts[size] = len(queries)
    return counts


def page_queries_text(counts: dict[int, int]) -> str:
    return ", ".join(f"page_size={size}: {n}" for size, n in counts.items())


def page_size_failures(name: str, counts: dict[int, int]) -> list[str]:
    if len(set(counts.values())) != 1:
        return [f"the number of queries per {name} page depends on the page size"]
    return []


def queries_of_request(client, url: str) -> int:
    """SQL statements one request runs (counted by a wrapper: the test client resets the query log)."""
    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        assert client.get(url).status_code == 200
    return count

"""Customers:
- the customer list (API and staff page) time and queries at SMALL vs LARGE customers, and the
  SQL queries per API page for page sizes 1, 50 and 100 (must be equal);
- the customer import rate (rows/s) of an IMPORT_ROWS sales-system CSV, first run and re-import.
"""

import csv
import io
import time

from django.db import connection

from bench.common import (
    Sizes,
    client_for,
    grow_to,
    median_ms,
    page_queries_text,
    page_size_failures,
    queries_per_page,
    staff_page_ms,
)
from core.models import Job
from customers import demo, jobs
from customers.models import Customer
from organization.models import Company, Unit, User
from vanke_crm.celery import app as celery_app

LIST_URL = "/api/v1/customers/"
IMPORT_LIMIT_S = 60


def grow_customers_to(target: int) -> None:
    grow_to(target, Customer, demo.generate_customers, "customers")


def list_ms(repeats: int) -> dict[str, tuple[float, int]]:
    """Median ms per case, and the queries of the staff pages (0 for the API)."""
    tail = Customer.objects.order_by("pk").values_list("phone_tail", flat=True)[0]
    results = {}
    for username in ("staff_sz", "group_cr"):
        client = client_for(username)
        results[f"API {username} first page"] = (median_ms(client, f"{LIST_URL}?page_size=50", repeats), 0)
        results[f"API {username} phone tail"] = (
            median_ms(client, f"{LIST_URL}?phone_tail={tail}", repeats),
            0,
        )
        results[f"page {username} list"] = staff_page_ms(username, "/customers/", repeats)
        results[f"page {username} segment+stage"] = staff_page_ms(
            username, "/customers/?segment=affluent&stage=owner", repeats
        )
    return results


def import_csv(company: Company, rows: int) -> bytes:
    """A sales-system export of ``rows`` buyers, the first 2,000 with a purchase of the company's units."""
    units = list(
        Unit.objects.filter(building__project__company=company).select_related("building__project")[:2000]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "姓名",
            "手机",
            "性别",
            "出生日期",
            "职业",
            "来源",
            "项目",
            "楼栋",
            "房号",
            "签约日期",
            "成交价",
            "交付日期",
        ]
    )
    for number in range(rows):
        unit = units[number] if number < len(units) else None
        purchase = (
            [
                unit.building.project.name,
                unit.building.name,
                unit.number,
                "2024-03-01",
                "3000000",
                "2025-01-01",
            ]
            if unit
            else ["", "", "", "", "", ""]
        )
        writer.writerow(
            [
                f"导入客户{number}",
                f"188{number:08d}",
                "男" if number % 2 else "女",
                "1986-05-04",
                "工程师",
                "销售",
                *purchase,
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def import_s(rows: int) -> tuple[float, float]:
    """Seconds per run for a first import and a re-import of the same file (SQLite by default)."""
    company = Company.objects.get(name="深圳万科")
    content = import_csv(company, rows)
    user = User.objects.get(username="manager_sz")
    timings = []
    celery_app.conf.task_always_eager = True  # the import runs here, in the timed call, not in a worker
    for _ in range(2):
        started = time.perf_counter()
        job = jobs.customer_import_start(user=user, company=company, name="bench.csv", content=content)
        timings.append(time.perf_counter() - started)
        job.refresh_from_db()
        assert job.status == Job.Status.DONE and job.error_count == 0, (job.failure, job.errors[:3])
    return timings[0], timings[1]


def measure(sizes: Sizes) -> dict:
    grow_customers_to(sizes.small)
    list_small = list_ms(sizes.repeats)
    page_queries = queries_per_page(LIST_URL)
    grow_customers_to(sizes.large)
    list_large = list_ms(sizes.repeats)
    return {
        "list": (list_small, list_large),
        "page_queries": page_queries,
        "import": import_s(sizes.import_rows),
    }


def report(figures: dict, sizes: Sizes) -> list[str]:
    """Print the figures; return what failed."""
    small, large = figures["list"]
    print(f"\nCustomer lists, median of {sizes.repeats} requests (ms; queries per staff page)")
    print(f"  {'case':<34}{sizes.small:>12,}{sizes.large:>14,}{'ratio':>9}{'queries':>12}")
    for case, (small_ms, small_queries) in small.items():
        large_ms, large_queries = large[case]
        queries = f"{small_queries}/{large_queries}" if small_queries else "-"
        print(f"  {case:<34}{small_ms:>12.1f}{large_ms:>14.1f}{large_ms / small_ms:>9.2f}{queries:>12}")
    print("Queries per customer API page: " + page_queries_text(figures["page_queries"]))

    first_import, reimport = figures["import"]
    print(
        f"\nCustomer import of {sizes.import_rows:,} CSV rows ({connection.vendor}): "
        f"{first_import:.1f} s = {sizes.import_rows / first_import:,.0f} rows/s; "
        f"re-import {reimport:.1f} s = {sizes.import_rows / reimport:,.0f} rows/s"
    )
    failures = page_size_failures("customer", figures["page_queries"])
    if first_import > IMPORT_LIMIT_S:
        failures.append(f"the import took longer than {IMPORT_LIMIT_S} s")
    return failures

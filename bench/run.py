"""make bench: seed, measure side by side in one run, print ratios.

Runs on its own database (var/bench.sqlite3 unless DATABASE_URL is set; it is
wiped first, so never point it at real data) and prints:
  - complaint list endpoint time at SMALL vs LARGE rows, for a company user and a
    group-level user, and the ratio between the two sizes;
  - SQL queries per list page for page sizes 1, 50 and 100 (must be equal);
  - customer list (API and staff page) time and queries at SMALL vs LARGE customers;
  - the customer import rate (rows/s) of a 100,000-row sales-system CSV, first run and re-import;
  - the escalation sweep with 1,000 due complaints among SMALL vs LARGE open ones;
  - complaint intake through the API as a ratio to a bare Django view doing the same INSERT;
  - the monthly complaint report at SMALL vs LARGE complaints, and its ratio to the same
    aggregations written by hand in SQL (bench/report_sql.py);
  - 6+2: generating call-back and home-visit tasks for a project of 5,000 delivered units, holiday
    greetings (a task and an SMS each) to every buyer, and the project board's queries and time at
    1,000 vs 100,000 units;
  - surveys: the score roll-up (per project and indicator, then up the tree) over LARGE answers, and
    its ratio to the same GROUP BY written by hand in SQL; the whole survey report at that size;
  - the membership club: a member's balance and history reads (API, staff page, private page) and
    one redemption at SMALL vs LARGE ledger entries.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
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
from core.models import Job  # noqa: E402
from customers import jobs  # noqa: E402
from customers.models import Customer  # noqa: E402
from organization import demo  # noqa: E402
from organization.models import User  # noqa: E402
from vanke_crm.celery import app as celery_app  # noqa: E402

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
    vacuum()


def vacuum() -> None:
    if connection.vendor == "postgresql":
        # What autovacuum does in production after a bulk load: visibility maps and statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


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


def queries_per_page(url: str = LIST_URL) -> dict[int, int]:
    client = client_for("group_cr")
    counts = {}
    for size in (1, 50, 100):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"{url}?page_size={size}")
        counts[size] = len(queries)
    return counts


def grow_customers_to(target: int) -> None:
    missing = target - Customer.objects.count()
    started = time.monotonic()
    for made in demo.generate_customers(missing, batch_size=10000):
        print(f"\r  seeding customers: {made:,}/{missing:,}", end="", flush=True)
    print(f"  ({missing / max(time.monotonic() - started, 1e-9):,.0f} rows/s)")
    vacuum()


def staff_page_ms(username: str, url: str, repeats: int) -> tuple[float, int]:
    from django.test import Client

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


def measure_customers(repeats: int) -> dict[str, tuple[float, int]]:
    tail = Customer.objects.order_by("pk").values_list("phone_tail", flat=True)[0]
    results = {}
    for username in ("staff_sz", "group_cr"):
        client = client_for(username)
        results[f"API {username} first page"] = (
            median_ms(client, "/api/v1/customers/?page_size=50", repeats),
            0,
        )
        results[f"API {username} phone tail"] = (
            median_ms(client, f"/api/v1/customers/?phone_tail={tail}", repeats),
            0,
        )
        results[f"page {username} list"] = staff_page_ms(username, "/customers/", repeats)
        results[f"page {username} segment+stage"] = staff_page_ms(
            username, "/customers/?segment=affluent&stage=owner", repeats
        )
    return results


def sweep_ms(due: int = 1000) -> float:
    """Time one sweep over ``due`` complaints whose clock ran out, every other open complaint not due."""
    from datetime import timedelta

    from django.utils import timezone

    from complaints import services as complaint_services

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
    import report_sql
    from django.utils import timezone

    from complaints import reports

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


def touchpoint_bench(small_units: int = 1_000, large_units: int = 100_000) -> dict:
    """Task generation for 5,000 delivered units; the 6+2 board at 1,000 vs 100,000 delivered units."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from customers.models import Customer, Purchase
    from organization.models import Building, Company, Project, Unit
    from touchpoints import services as touchpoint_services
    from touchpoints.models import Holiday

    company = Company.objects.get(name="深圳万科")
    delivered_on = timezone.localdate() - timedelta(days=20)

    def delivered_project(name: str, units: int) -> Project:
        project = Project.objects.create(company=company, name=name)
        building = Building.objects.create(project=project, name="1栋")
        Unit.objects.bulk_create(
            Unit(building=building, number=str(n), floor=1, layout="三室两厅", area=100, list_price=1)
            for n in range(units)
        )
        customers = Customer.objects.bulk_create(
            Customer(
                company=company,
                name=f"业主{n}",
                phone=f"199{n + len(name) * 10**6:08d}",
                phone_tail=f"{n:04d}"[-4:],
            )
            for n in range(units)
        )
        unit_ids = Unit.objects.filter(building=building).values_list("id", flat=True)
        Purchase.objects.bulk_create(
            Purchase(
                customer=c,
                unit_id=u,
                contract_date=delivered_on - timedelta(days=300),
                price=1,
                area=100,
                layout="三室两厅",
                delivery_date=delivered_on,
            )
            for c, u in zip(customers, unit_ids, strict=True)
        )
        return project

    delivered_project("基准五千", 5_000)
    started = time.perf_counter()
    created = touchpoint_services.generate_delivery_work()
    generation_s = time.perf_counter() - started
    started = time.perf_counter()
    again = touchpoint_services.generate_delivery_work()
    regeneration_s = time.perf_counter() - started

    # A holiday greets every buyer: the 5,000 owners above and whoever the demo data holds.
    greeting_day = timezone.localdate() + timedelta(days=400)
    Holiday.objects.create(name="业主节", day=greeting_day)
    started = time.perf_counter()
    greetings = touchpoint_services.generate_greetings(greeting_day)
    greeting_s = time.perf_counter() - started
    started = time.perf_counter()
    greetings_again = touchpoint_services.generate_greetings(greeting_day)
    regreeting_s = time.perf_counter() - started

    client = Client()
    client.force_login(User.objects.get(username="manager_sz"))
    boards = {}
    for units in (small_units, large_units):
        project = delivered_project(f"看板{units}", units)
        touchpoint_services.generate_delivery_work()
        url = f"/projects/{project.pk}/service/"
        client.get(url)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            timings.append((time.perf_counter() - started) * 1000)
        boards[units] = (statistics.median(timings), len(queries))
    return {
        "created": created,
        "generation_s": generation_s,
        "again": again,
        "regeneration_s": regeneration_s,
        "greetings": greetings,
        "greeting_s": greeting_s,
        "greetings_again": greetings_again,
        "regreeting_s": regreeting_s,
        "boards": boards,
    }


SURVEY_ROLLUP_SQL = """
    SELECT r.project_id, q.indicator_id, SUM(a.score), COUNT(a.score)
    FROM surveys_answer a
    JOIN surveys_respondent r ON r.id = a.respondent_id
    JOIN surveys_question q ON q.id = a.question_id
    WHERE r.year = %s AND r.status = 'completed' AND a.score IS NOT NULL
    GROUP BY r.project_id, q.indicator_id
"""


def survey_bench(answers: int, repeats: int = 5) -> dict:
    """Seed ``answers`` survey answers (completed surveys over every project, 11 scored questions
    each), then time the score roll-up per project through surveys.scores against the same GROUP BY
    by hand (plus the same roll-up up the tree), and the whole survey report for the group."""
    import random

    from django.utils import timezone

    from customers.models import Customer
    from organization.models import Project
    from surveys import rules as survey_rules
    from surveys import scores
    from surveys.models import Answer, Indicator, Question, Questionnaire, Respondent, SurveyPlan

    rng = random.Random(7)
    year = timezone.localdate().year
    questionnaire = Questionnaire.objects.get(stage="run_in", segment="")
    questions = list(Question.objects.filter(questionnaire=questionnaire).exclude(kind="text"))
    projects = list(Project.objects.select_related("company"))
    manager = User.objects.get(username="manager_sz")
    plans = {
        project.pk: SurveyPlan.objects.create(
            year=year,
            name="基准调查",
            company=project.company,
            project=project,
            stage="run_in",
            questionnaire=questionnaire,
            sample_size=survey_rules.SAMPLE_SIZE_MAX,
            method="phone",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
            status="sampled",
            created_by=manager,
        )
        for project in projects
    }
    respondents_needed = answers // len(questions)
    started, now, made = time.monotonic(), timezone.now(), 0
    for offset in range(0, respondents_needed, 5000):
        size = min(5000, respondents_needed - offset)
        chosen = [projects[(offset + n) % len(projects)] for n in range(size)]
        customers = Customer.objects.bulk_create(
            Customer(
                company=chosen[n].company,
                name=f"受访{offset + n}",
                phone=f"166{offset + n:08d}",
                phone_tail=f"{n:04d}"[-4:],
            )
            for n in range(size)
        )
        respondents = Respondent.objects.bulk_create(
            Respondent(
                plan=plans[p.pk],
                customer=c,
                company=p.company,
                project=p,
                year=year,
                stage="run_in",
                segment="",
                method="phone",
                token=survey_rules.new_token(),
                status="completed",
                completed_at=now,
            )
            for c, p in zip(customers, chosen, strict=True)
        )
        rows = []
        for respondent in respondents:
            for question in questions:
                value = rng.randint(1, question.scale_max)
                expectation = rng.randint(1, question.scale_max) if question.kind == "pair" else None
                rows.append(
                    Answer(
                        respondent=respondent,
                        question=question,
                        value=value,
                        score=survey_rules.normalise(value, question.scale_max),
                        expectation=expectation,
                        expectation_score=survey_rules.normalise(expectation, question.scale_max)
                        if expectation
                        else None,
                    )
                )
        Answer.objects.bulk_create(rows, batch_size=5000)
        made += len(rows)
        print(f"\r  seeding survey answers: {made:,}/{answers:,}", end="", flush=True)
    print(f"  ({made / max(time.monotonic() - started, 1e-9):,.0f} rows/s)")
    vacuum()

    parents = dict(Indicator.objects.values_list("id", "parent_id"))

    def by_hand() -> dict:
        with connection.cursor() as cursor:
            cursor.execute(SURVEY_ROLLUP_SQL, [year])
            direct: dict = {}
            for project_id, indicator_id, total, count in cursor.fetchall():
                direct.setdefault(project_id, {})[indicator_id] = survey_rules.Score(total, count)
        return {group: survey_rules.roll_up(parents, scores_) for group, scores_ in direct.items()}

    def orm() -> dict:
        return scores.rolled_up(scores.completed_answers(Answer.objects.all(), year=year), "project")

    assert {k: {i: s.mean for i, s in v.items()} for k, v in orm().items()} == {
        k: {i: s.mean for i, s in v.items()} for k, v in by_hand().items()
    }
    timings: dict[str, list[float]] = {"orm": [], "sql": [], "report": []}
    for _ in range(repeats):
        for name, run in (
            ("orm", orm),
            ("sql", by_hand),
            (
                "report",
                lambda: scores.survey_report(
                    answers=Answer.objects.all(), respondents=Respondent.objects.all(), year=year
                ),
            ),
        ):
            started = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - started) * 1000)
    return {"answers": made, **{name: statistics.median(values) for name, values in timings.items()}}


def intake_ratio(requests: int) -> tuple[float, float]:
    """Median ms of POST /api/v1/complaints/ and of a bare view inserting the same row."""
    from django.http import JsonResponse
    from django.test import RequestFactory
    from django.utils import timezone

    from organization.models import Project

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
        assert client.post("/api/v1/complaints/", body, format="json").status_code == 201
        api.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        assert bare_view(factory.post("/bare/")).status_code == 201
        bare.append((time.perf_counter() - started) * 1000)
    return statistics.median(api), statistics.median(bare)


def import_rate(rows: int) -> tuple[float, float]:
    """Seconds per run for a first import and a re-import of the same file (SQLite by default)."""
    import csv
    import io

    from organization.models import Company, Unit

    company = Company.objects.get(name="深圳万科")
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
    content = buffer.getvalue().encode("utf-8-sig")
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


def grow_ledger_to(target: int, members: list) -> None:
    """Bulk-insert earn entries round-robin over ``members`` until the ledger holds ``target`` rows,
    then set each member's balance to its ledger sum (as the services keep it)."""
    from datetime import timedelta

    from django.db.models import Q, Sum
    from django.utils import timezone

    from membership.models import Member, PointEntry

    have = PointEntry.objects.count()
    expires = timezone.now() + timedelta(days=365)
    started = time.perf_counter()
    for start in range(have, target, 10_000):
        PointEntry.objects.bulk_create(
            PointEntry(
                member_id=members[n % len(members)],
                delta=10,
                kind="earn",
                reason="基准",
                source="bench",
                idempotency_key=f"bench:{n}",
                expires_at=expires,
                remaining=10,
            )
            for n in range(start, min(start + 10_000, target))
        )
    sums = {
        row["member_id"]: row
        for row in PointEntry.objects.values("member_id").annotate(
            balance=Sum("delta"), earned=Sum("delta", filter=Q(delta__gt=0))
        )
    }
    rows = list(Member.objects.filter(pk__in=members))
    for member in rows:
        row = sums.get(member.pk, {"balance": 0, "earned": 0})
        member.balance, member.earned_total = row["balance"], row["earned"] or 0
    Member.objects.bulk_update(rows, ["balance", "earned_total"], batch_size=1000)
    rate = (target - have) / max(time.perf_counter() - started, 1e-9)
    print(f"  ledger at {target:,} entries ({rate:,.0f} rows/s)")
    vacuum()


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


def membership_bench(small: int, large: int, repeats: int, members_count: int = 1_000) -> dict:
    """A member's balance and history (API, staff page, private page) and one redemption, at SMALL vs
    LARGE ledger entries spread over ``members_count`` members."""
    import secrets

    from django.test import Client

    from membership import services as club
    from membership.models import Member
    from organization.models import Company

    company = Company.objects.get(name="深圳万科")
    customers = Customer.objects.bulk_create(
        Customer(company=company, name=f"会员{n}", phone=f"197{n:08d}", phone_tail=f"{n:04d}"[-4:])
        for n in range(members_count)
    )
    Member.objects.bulk_create(
        Member(
            customer=c,
            company=company,
            number=f"WK{c.pk:010d}",
            joined_via="purchase",
            token=secrets.token_urlsafe(32),
        )
        for c in customers
    )
    members = list(Member.objects.filter(customer__in=customers).values_list("id", flat=True))
    member = Member.objects.get(pk=members[0])
    api = client_for("manager_sz")
    staff = Client()
    staff.force_login(User.objects.get(username="manager_sz"))
    urls = {
        "API member (balance)": (api, f"/api/v1/members/{member.pk}/"),
        "API ledger page": (api, f"/api/v1/members/{member.pk}/ledger/"),
        "staff member page": (staff, f"/club/members/{member.pk}/"),
        "member's private page": (Client(), f"/m/{member.token}/"),
    }
    results: dict[str, dict[int, tuple[float, int]]] = {case: {} for case in [*urls, "redeem (fee offset)"]}
    # The measured member has full history pages at both sizes: 200 entries of their own first.
    for n in range(200):
        club.points_earn(
            member=member, points=10_000, reason="基准", source="bench", idempotency_key=f"own:{n}"
        )
    for size in (small, large):
        grow_ledger_to(size, members)
        for case, (client, url) in urls.items():
            results[case][size] = (median_ms(client, url, repeats), queries_of_request(client, url))
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            club.fee_offset_redeem(member=member, amount=Decimal("0.10"))
            timings.append((time.perf_counter() - started) * 1000)
        results["redeem (fee offset)"][size] = (statistics.median(timings), 0)
    mismatches = club.ledger_mismatches()
    return {"results": results, "mismatches": len(mismatches)}


def print_membership(bench: dict, small: int, large: int) -> None:
    print(
        f"\nMembership club: a member's reads and a redemption, ledger of {small:,} vs {large:,} entries (ms)"
    )
    print(f"  {'case':<34}{small:>12,}{large:>14,}{'ratio':>9}{'queries':>12}")
    for case, sizes in bench["results"].items():
        (small_ms, small_q), (large_ms, large_q) = sizes[small], sizes[large]
        queries = f"{small_q}/{large_q}" if small_q else "-"
        print(f"  {case:<34}{small_ms:>12.1f}{large_ms:>14.1f}{large_ms / small_ms:>9.2f}{queries:>12}")
    print(f"  balances differing from the ledger sum: {bench['mismatches']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=int(os.environ.get("BENCH_LARGE", 1_000_000)))
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()

    setup_test_environment()
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    reset_database()
    demo.seed_organisation()
    demo.seed_users()

    grow_complaints_to(args.small)
    small = measure(args.repeats)
    page_queries = queries_per_page()
    report_small = report_ms(5)
    sweep_small = sweep_ms()
    grow_complaints_to(args.large)
    large = measure(args.repeats)
    report_large = report_ms(5)
    sweep_large = sweep_ms()
    api_ms, bare_ms = intake_ratio(200)

    grow_customers_to(args.small)
    customers_small = measure_customers(args.repeats)
    customer_page_queries = queries_per_page("/api/v1/customers/")
    grow_customers_to(args.large)
    customers_large = measure_customers(args.repeats)

    first_import, reimport = import_rate(args.import_rows)
    touchpoints = touchpoint_bench()
    surveys = survey_bench(args.large)
    club = membership_bench(args.small, args.large, args.repeats)

    print(f"\nComplaint list endpoint, median of {args.repeats} requests (ms)")
    print(f"  {'case':<34}{args.small:>12,}{args.large:>14,}{'ratio':>9}")
    for case, small_ms in small.items():
        print(f"  {case:<34}{small_ms:>12.1f}{large[case]:>14.1f}{large[case] / small_ms:>9.2f}")
    print(
        "\nQueries per list page: " + ", ".join(f"page_size={size}: {n}" for size, n in page_queries.items())
    )

    print(f"\nMonthly report (group scope, previous month), median of 5 ({connection.vendor}):")
    for size, (orm_ms, raw_ms) in ((args.small, report_small), (args.large, report_large)):
        print(
            f"  {size:>10,} complaints: {orm_ms:8.0f} ms; hand-written SQL {raw_ms:8.0f} ms; "
            f"ratio {orm_ms / raw_ms:.2f}"
        )
    print(
        f"\nEscalation sweep, 1,000 due: {sweep_small:.0f} ms among {args.small:,} open, "
        f"{sweep_large:.0f} ms among {args.large:,} open, ratio {sweep_large / sweep_small:.2f}"
    )
    print(
        f"Complaint intake, median of 200: API {api_ms:.1f} ms, bare INSERT view {bare_ms:.1f} ms, "
        f"ratio {api_ms / bare_ms:.1f}"
    )

    print(f"\nCustomer lists, median of {args.repeats} requests (ms; queries per staff page)")
    print(f"  {'case':<34}{args.small:>12,}{args.large:>14,}{'ratio':>9}{'queries':>12}")
    for case, (small_ms, small_queries) in customers_small.items():
        large_ms, large_queries = customers_large[case]
        queries = f"{small_queries}/{large_queries}" if small_queries else "-"
        print(f"  {case:<34}{small_ms:>12.1f}{large_ms:>14.1f}{large_ms / small_ms:>9.2f}{queries:>12}")
    print(
        "Queries per customer API page: "
        + ", ".join(f"page_size={size}: {n}" for size, n in customer_page_queries.items())
    )

    print(
        f"\nCustomer import of {args.import_rows:,} CSV rows ({connection.vendor}): "
        f"{first_import:.1f} s = {args.import_rows / first_import:,.0f} rows/s; "
        f"re-import {reimport:.1f} s = {args.import_rows / reimport:,.0f} rows/s"
    )

    print(
        f"\n6+2: generating tasks for 5,000 delivered units: {touchpoints['created']:,} tasks in "
        f"{touchpoints['generation_s']:.1f} s; running it again: {touchpoints['again']} tasks in "
        f"{touchpoints['regeneration_s']:.1f} s"
        f"\n6+2: holiday greetings (task + SMS) to every buyer: {touchpoints['greetings']:,} in "
        f"{touchpoints['greeting_s']:.1f} s; running it again: {touchpoints['greetings_again']} in "
        f"{touchpoints['regreeting_s']:.1f} s"
    )
    (
        (small_units, (small_board_ms, small_board_queries)),
        (large_units, (large_board_ms, large_board_queries)),
    ) = touchpoints["boards"].items()
    print(
        f"6+2 board: {small_units:,} units {small_board_ms:.0f} ms / {small_board_queries} queries; "
        f"{large_units:,} units {large_board_ms:.0f} ms / {large_board_queries} queries"
    )

    print(
        f"\nSurvey score roll-up per project over {surveys['answers']:,} answers ({connection.vendor}), "
        f"median of 5: {surveys['orm']:.0f} ms; hand-written SQL {surveys['sql']:.0f} ms; "
        f"ratio {surveys['orm'] / surveys['sql']:.2f}; the whole survey report {surveys['report']:.0f} ms"
    )
    print_membership(club, args.small, args.large)

    failed = False
    if club["mismatches"]:
        print("FAIL: club balances differ from the ledger")
        failed = True
    for name, counts in (("complaint", page_queries), ("customer", customer_page_queries)):
        if len(set(counts.values())) != 1:
            print(f"FAIL: the number of queries per {name} page depends on the page size")
            failed = True
    if first_import > 60:
        print("FAIL: the import took longer than 60 s")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

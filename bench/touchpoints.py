"""6+2 (fixed sizes, not SMALL/LARGE): generating call-back and home-visit tasks for a project of
5,000 delivered units, holiday greetings (a task and an SMS each) to every buyer, and the project
board's queries and time at 1,000 vs 100,000 units.
"""

import time
from datetime import timedelta

from django.utils import timezone

from bench.common import Sizes, staff_page_ms
from customers.models import Customer, Purchase
from organization.models import Building, Company, Project, Unit
from touchpoints import services as touchpoint_services
from touchpoints.models import Holiday

GENERATED_UNITS = 5_000
BOARD_UNITS = (1_000, 100_000)
BOARD_REPEATS = 5


def delivered_project(company: Company, name: str, units: int) -> Project:
    """A project of ``units`` units, each bought by its own customer and delivered 20 days ago."""
    delivered_on = timezone.localdate() - timedelta(days=20)
    project = Project.objects.create(company=company, name=name)
    building = Building.objects.create(project=project, name="1栋")
    Unit.objects.bulk_create(
        Unit(
            building=building,
            company=company,
            number=str(n),
            floor=1,
            layout="三室两厅",
            area=100,
            list_price=1,
        )
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
            company=company,
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


def measure(sizes: Sizes) -> dict:
    company = Company.objects.get(name="深圳万科")
    delivered_project(company, "基准五千", GENERATED_UNITS)
    started = time.perf_counter()
    created = touchpoint_services.generate_delivery_work()
    generation_s = time.perf_counter() - started
    started = time.perf_counter()
    again = touchpoint_services.generate_delivery_work()
    regeneration_s = time.perf_counter() - started

    # A holiday greets every buyer: the owners above and those the benches before this one seeded,
    # so the count is lower when this bench runs alone.
    greeting_day = timezone.localdate() + timedelta(days=400)
    Holiday.objects.create(name="业主节", day=greeting_day)
    started = time.perf_counter()
    greetings = touchpoint_services.generate_greetings(greeting_day)
    greeting_s = time.perf_counter() - started
    started = time.perf_counter()
    greetings_again = touchpoint_services.generate_greetings(greeting_day)
    regreeting_s = time.perf_counter() - started

    boards = {}
    for units in BOARD_UNITS:
        project = delivered_project(company, f"看板{units}", units)
        touchpoint_services.generate_delivery_work()
        boards[units] = staff_page_ms("manager_sz", f"/projects/{project.pk}/service/", BOARD_REPEATS)
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


def report(figures: dict, sizes: Sizes) -> list[str]:
    """Print the figures; return what failed (nothing is checked here)."""
    print(
        f"\n6+2: generating tasks for {GENERATED_UNITS:,} delivered units: {figures['created']:,} tasks in "
        f"{figures['generation_s']:.1f} s; running it again: {figures['again']} tasks in "
        f"{figures['regeneration_s']:.1f} s"
        f"\n6+2: holiday greetings (task + SMS) to every buyer: {figures['greetings']:,} in "
        f"{figures['greeting_s']:.1f} s; running it again: {figures['greetings_again']} in "
        f"{figures['regreeting_s']:.1f} s"
    )
    (
        (small_units, (small_board_ms, small_board_queries)),
        (large_units, (large_board_ms, large_board_queries)),
    ) = figures["boards"].items()
    print(
        f"6+2 board: {small_units:,} units {small_board_ms:.0f} ms / {small_board_queries} queries; "
        f"{large_units:,} units {large_board_ms:.0f} ms / {large_board_queries} queries"
    )
    return []

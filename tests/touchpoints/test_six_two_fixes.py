"""Issue 17 §4: the 6+2 fixes (six calendar months, a correction is not a new delivery, 嘘寒问暖)."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from organization import roles
from tests.conftest import api_as
from tests.factories import CustomerFactory, ProjectFactory, PurchaseFactory, UnitFactory, UserFactory
from touchpoints import rules, services, tasks
from touchpoints.models import ActionType, ServiceTask

# --- Six calendar months ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delivered", "due"),
    [
        (date(2026, 8, 31), date(2027, 2, 28)),  # February is short: not 2 March (183 days)
        (date(2027, 8, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 8, 29), date(2027, 2, 28)),
        (date(2026, 8, 28), date(2027, 2, 28)),
        (date(2026, 9, 30), date(2027, 3, 30)),  # 183 days would be 1 April
        (date(2026, 3, 31), date(2026, 9, 30)),  # September has 30 days
        (date(2026, 12, 31), date(2027, 6, 30)),  # across the year
        (date(2026, 7, 15), date(2027, 1, 15)),
        (date(2028, 2, 29), date(2028, 8, 29)),
        (date(2026, 1, 1), date(2026, 7, 1)),
    ],
)
def test_home_visits_are_due_six_calendar_months_after_delivery(delivered, due):
    assert rules.home_visit_due(delivered) == due
    assert rules.home_visit_due(delivered) <= rules.add_months(delivered, 6)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 2, 28), -6, date(2025, 8, 28)),
        (date(2026, 5, 31), -6, date(2025, 11, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 6, 15), -18, date(2024, 12, 15)),
        (date(2026, 6, 15), 0, date(2026, 6, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (date(2027, 2, 28), date(2026, 8, 28)),  # 28–31 August are all due on 28 February
        (date(2027, 3, 31), date(2026, 10, 1)),  # 30 September was due on 30 March: past
        (date(2027, 3, 30), date(2026, 9, 30)),
        (date(2026, 7, 1), date(2026, 1, 1)),
    ],
)
def test_deliveries_still_in_their_six_months(today, since):
    assert rules.delivered_since(today) == since
    assert rules.home_visit_due(since) >= today
    assert rules.home_visit_due(since - timedelta(days=1)) < today


def test_generated_home_visit_is_due_within_six_calendar_months(company_a):
    project = ProjectFactory(company=company_a)
    today = timezone.localdate()
    delivered = rules.add_months(today, -1)
    PurchaseFactory(
        unit=UnitFactory(building__project=project),
        delivery_date=delivered,
        contract_date=delivered - timedelta(days=200),
    )
    services.generate_delivery_work()
    visit = ServiceTask.objects.get(action__code="home_visit")
    assert visit.due_on == rules.add_months(delivered, 6)


# --- A correction is not a new delivery ------------------------------------------------------------


@pytest.fixture
def integrator(company_a):
    return UserFactory(username="sales_system", company=company_a, role=roles.INTEGRATOR)


def _record(client, customer, unit, delivery_date, contract_date):
    response = client.post(
        "/api/v1/purchases/",
        {
            "customer": customer.pk,
            "unit": unit.pk,
            "contract_date": str(contract_date),
            "price": "2500000",
            "delivery_date": str(delivery_date),
        },
        format="json",
    )
    assert response.status_code in {200, 201}, response.content
    return response


def test_correcting_the_delivery_date_through_the_api_moves_the_work_and_adds_none(company_a, integrator):
    project = ProjectFactory(company=company_a)
    unit = UnitFactory(building__project=project)
    customer = CustomerFactory(company=company_a)
    today = timezone.localdate()
    wrong, right = today - timedelta(days=10), today - timedelta(days=40)
    client = api_as(integrator)
    assert _record(client, customer, unit, wrong, today - timedelta(days=300)).status_code == 201
    services.generate_delivery_work()
    assert ServiceTask.objects.filter(action__code="delivery_callback").count() == 1

    assert _record(client, customer, unit, right, today - timedelta(days=300)).status_code == 200  # corrected
    services.generate_delivery_work()
    services.generate_delivery_work()

    callbacks = ServiceTask.objects.filter(action__code="delivery_callback", unit=unit)
    assert callbacks.count() == 1
    assert callbacks.get().due_on == right + rules.DELIVERY_CALLBACK_WITHIN
    visits = ServiceTask.objects.filter(action__code="home_visit", unit=unit)
    assert [v.due_on for v in visits] == [rules.home_visit_due(right)]


def test_a_done_callback_stays_and_is_not_repeated_after_a_correction(company_a, integrator, staff_a):
    unit = UnitFactory(building__project=ProjectFactory(company=company_a))
    customer = CustomerFactory(company=company_a)
    today = timezone.localdate()
    client = api_as(integrator)
    _record(client, customer, unit, today - timedelta(days=5), today - timedelta(days=300))
    services.generate_delivery_work()
    task = ServiceTask.objects.get(action__code="delivery_callback")
    services.task_complete(task=task, note="满意", by=staff_a, outcome="satisfied", channel="phone")
    _record(client, customer, unit, today - timedelta(days=7), today - timedelta(days=300))
    services.generate_delivery_work()
    task.refresh_from_db()
    assert ServiceTask.objects.filter(action__code="delivery_callback").count() == 1
    assert task.due_on == today - timedelta(days=5) + rules.DELIVERY_CALLBACK_WITHIN  # done: as it was


def test_co_owners_share_one_delivery_callback(company_a):
    unit = UnitFactory(building__project=ProjectFactory(company=company_a))
    delivered = timezone.localdate() - timedelta(days=3)
    for _ in range(2):
        PurchaseFactory(unit=unit, delivery_date=delivered)
    assert services.generate_delivery_work() == 2  # the call-back and the (one-unit) visit sample
    assert ServiceTask.objects.filter(action__code="delivery_callback", unit=unit).count() == 1


def test_the_database_refuses_a_second_delivery_callback_for_a_unit(company_a):
    unit = UnitFactory(building__project=ProjectFactory(company=company_a))
    purchase = PurchaseFactory(unit=unit, delivery_date=timezone.localdate())
    other = PurchaseFactory(unit=unit, delivery_date=timezone.localdate())
    action = ActionType.objects.get(code="delivery_callback")
    common = {"action": action, "company": company_a, "project": unit.building.project, "unit": unit}
    ServiceTask.objects.create(
        customer=purchase.customer, occasion="delivery", due_on=timezone.localdate(), **common
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceTask.objects.create(
            customer=other.customer, occasion="delivery", due_on=timezone.localdate(), **common
        )


def test_withdrawing_the_delivery_date_removes_the_open_work(company_a):
    unit = UnitFactory(building__project=ProjectFactory(company=company_a))
    purchase = PurchaseFactory(unit=unit, delivery_date=timezone.localdate() - timedelta(days=3))
    services.generate_delivery_work()
    assert ServiceTask.objects.filter(unit=unit).exists()
    purchase.delivery_date = None
    purchase.save()
    services.delivery_work_follow(unit_id=unit.pk, customer_id=purchase.customer_id)
    assert not ServiceTask.objects.filter(unit=unit).exists()


# --- Periodic call-backs (嘘寒问暖) -------------------------------------------------------------


def _schedule(moved_in, years=4):
    return rules.periodic_callbacks_due(moved_in, moved_in, rules.add_months(moved_in, 12 * years))


@pytest.mark.parametrize(
    ("moved_in", "expected"),
    [
        # 磨合期: every three months in the first year; then a call-back a year on the anniversary.
        (
            date(2026, 1, 15),
            [
                ("periodic-q1", date(2026, 4, 15)),
                ("periodic-q2", date(2026, 7, 15)),
                ("periodic-q3", date(2026, 10, 15)),
                ("periodic-y1", date(2027, 1, 15)),
                ("periodic-y2", date(2028, 1, 15)),
                ("periodic-y3", date(2029, 1, 15)),
                ("periodic-y4", date(2030, 1, 15)),
            ],
        ),
        (
            date(2026, 8, 31),
            [
                ("periodic-q1", date(2026, 11, 30)),
                ("periodic-q2", date(2027, 2, 28)),
                ("periodic-q3", date(2027, 5, 31)),
                ("periodic-y1", date(2027, 8, 31)),
                ("periodic-y2", date(2028, 8, 31)),
                ("periodic-y3", date(2029, 8, 31)),
                ("periodic-y4", date(2030, 8, 31)),
            ],
        ),
        # Moved in on 29 February: on 28 February a year later the owner is still in 磨合期
        # (customers.rules.owner_phase), so that call-back is a quarter's.
        (
            date(2024, 2, 29),
            [
                ("periodic-q1", date(2024, 5, 29)),
                ("periodic-q2", date(2024, 8, 29)),
                ("periodic-q3", date(2024, 11, 29)),
                ("periodic-q4", date(2025, 2, 28)),
                ("periodic-y2", date(2026, 2, 28)),
                ("periodic-y3", date(2027, 2, 28)),
                ("periodic-y4", date(2028, 2, 29)),
            ],
        ),
    ],
)
def test_periodic_callbacks_quarterly_in_the_run_in_year_then_yearly(moved_in, expected):
    assert _schedule(moved_in) == expected
    for occasion, due in expected:
        assert rules.periodic_due_on(moved_in, occasion) == due


@pytest.mark.parametrize(
    ("moved_in", "start", "end", "expected"),
    [
        (None, date(2026, 1, 1), date(2026, 12, 31), []),
        (date(2026, 1, 15), date(2026, 1, 1), date(2026, 4, 14), []),  # the delivery call-back's quarter
        (date(2026, 1, 15), date(2026, 4, 15), date(2026, 4, 15), [("periodic-q1", date(2026, 4, 15))]),
        (date(2020, 6, 1), date(2026, 5, 20), date(2026, 6, 15), [("periodic-y6", date(2026, 6, 1))]),
        (date(2020, 6, 1), date(2026, 6, 2), date(2026, 12, 31), []),
    ],
)
def test_periodic_callbacks_in_a_window(moved_in, start, end, expected):
    assert rules.periodic_callbacks_due(moved_in, start, end) == expected


@pytest.mark.parametrize(
    "moved_in", [date(2020, 6, 1), date(2026, 8, 31), date(2024, 2, 29), date(2025, 11, 30)]
)
def test_the_sweeps_move_in_ranges_cover_every_due_callback(moved_in):
    today = date(2026, 12, 4)
    start, end = today - timedelta(days=400), today + timedelta(days=400)
    ranges = rules.moved_in_ranges(start, end, date(2000, 1, 1))
    if rules.periodic_callbacks_due(moved_in, start, end):
        assert any(low <= moved_in <= high for low, high in ranges)


def _owner(project, moved_in):
    purchase = PurchaseFactory(
        unit=UnitFactory(building__project=project),
        delivery_date=moved_in,
        contract_date=moved_in - timedelta(days=100),
    )
    customer = purchase.customer
    customer.stage, customer.moved_in_on = "owner", moved_in
    customer.save()
    return customer


def test_the_sweep_generates_each_period_once_and_the_board_shows_it(company_a, staff_a):
    today = timezone.localdate()
    project = ProjectFactory(company=company_a)
    run_in = _owner(project, rules.add_months(today, -3))  # q1 due today
    settled = _owner(project, rules.add_months(today + timedelta(days=10), -24))  # y2 due in 10 days
    _owner(project, rules.add_months(today, -5))  # nothing due this fortnight

    assert tasks.generate_periodic_callbacks() == 2
    assert services.generate_periodic_callbacks() == 0  # idempotent
    due = {
        t.customer_id: (t.occasion, t.due_on)
        for t in ServiceTask.objects.filter(action__code="periodic_callback")
    }
    assert due == {
        run_in.pk: ("periodic-q1", today),
        settled.pk: ("periodic-y2", today + timedelta(days=10)),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        task = ServiceTask.objects.get(customer=run_in, action__code="periodic_callback")
        task.pk, task.unit = None, UnitFactory(building__project=project)
        task.save()

    client = Client()
    client.force_login(staff_a)
    page = client.get(f"/projects/{project.pk}/service/")
    assert page.status_code == 200
    assert page.context["periodic"] == {
        "quarterly": {"done": 0, "due": 1, "overdue": 0},
        "yearly": {"done": 0, "due": 1, "overdue": 0},
    }
    html = page.content.decode()
    assert 'id="periodic-callbacks"' in html and "定期回访 0/2" in html


def test_periodic_callbacks_follow_a_corrected_move_in(company_a, integrator):
    today = timezone.localdate()
    project = ProjectFactory(company=company_a)
    unit = UnitFactory(building__project=project)
    customer = CustomerFactory(company=company_a)
    client = api_as(integrator)
    moved_in = rules.add_months(today, -3)
    _record(client, customer, unit, moved_in, moved_in - timedelta(days=100))
    services.generate_periodic_callbacks()
    task = ServiceTask.objects.get(action__code="periodic_callback")
    corrected = moved_in - timedelta(days=5)
    _record(client, customer, unit, corrected, moved_in - timedelta(days=100))
    task.refresh_from_db()
    assert task.due_on == rules.add_months(corrected, 3)
    services.generate_periodic_callbacks()
    assert ServiceTask.objects.filter(action__code="periodic_callback").count() == 1


def test_the_migration_keeps_one_delivery_callback_per_unit(company_a, staff_a):
    """Before: keyed by date and co-owner. The earliest done one becomes the unit's call-back, the
    open duplicates go, other done ones stay as history under their old occasion."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "touchpoints.migrations.0007_one_delivery_callback_per_unit_and_periodic_callbacks"
    )
    unit = UnitFactory(building__project=ProjectFactory(company=company_a))
    owners = [PurchaseFactory(unit=unit, delivery_date=timezone.localdate()).customer for _ in range(2)]
    action = ActionType.objects.get(code="delivery_callback")
    common = {"action": action, "company": company_a, "project": unit.building.project, "unit": unit}
    common["needs_outcome"] = True
    day = timezone.localdate()
    open_first = ServiceTask.objects.create(
        customer=owners[0], occasion="delivery-2026-01-01", due_on=day, **common
    )
    corrected = ServiceTask.objects.create(
        customer=owners[0], occasion="delivery-2026-01-03", due_on=day, **common
    )
    co_owner = ServiceTask.objects.create(
        customer=owners[1], occasion="delivery-2026-01-01", due_on=day, **common
    )
    services.task_complete(task=corrected, note="满意", by=staff_a, outcome="satisfied", channel="phone")
    migration.one_delivery_callback_per_unit(apps, None)
    assert list(ServiceTask.objects.filter(unit=unit).values_list("pk", "occasion")) == [
        (corrected.pk, "delivery")
    ]
    assert not ServiceTask.objects.filter(pk__in=[open_first.pk, co_owner.pk]).exists()

"""The sales system's feed: POST /api/v1/units/bulk/ and /api/v1/purchases/bulk/ (idempotent by
external id, rows reported one by one, at most 1,000 rows, a bounded number of queries)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.webhook_models import WebhookDelivery
from core.webhooks import services as webhooks
from customers.models import Customer, Purchase
from membership.models import Member
from organization import roles
from organization.models import Building, Unit
from tests.conftest import api_as
from tests.factories import CustomerFactory, ProjectFactory, PurchaseFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(company_a):
    return ProjectFactory(company=company_a, external_id="P-1")


def unit_row(n, **extra):
    return {
        "project_external_id": "P-1",
        "building_external_id": f"B-{n // 100}",
        "building_name": f"{n // 100 + 1}栋",
        "external_id": f"U-{n}",
        "number": str(1000 + n),
        "floor": n % 30 + 1,
        "layout": "三室两厅",
        "area": "99.50",
        "list_price": "2000000.00",
        **extra,
    }


def feed_units(user, rows, **extra):
    return api_as(user).post("/api/v1/units/bulk/", {"rows": rows, **extra}, format="json")


def results(response):
    return [row["result"] for row in response.json()["rows"]]


# --- Units ----------------------------------------------------------------------------------------


def test_units_are_created_then_unchanged_then_updated(integrator_a, project_a):
    rows = [unit_row(n) for n in range(3)]
    first = feed_units(integrator_a, rows)
    assert first.status_code == 200, first.json()
    assert results(first) == ["created"] * 3
    assert first.json()["created"] == 3
    units = Unit.objects.filter(company=project_a.company).order_by("external_id")
    assert [u.external_id for u in units] == ["U-0", "U-1", "U-2"]
    assert Building.objects.get(external_id="B-0").project == project_a
    assert {row["id"] for row in first.json()["rows"]} == {u.pk for u in units}

    second = feed_units(integrator_a, rows)
    assert results(second) == ["unchanged"] * 3
    assert [row["id"] for row in second.json()["rows"]] == [row["id"] for row in first.json()["rows"]]

    rows[1]["list_price"] = "2100000.00"
    third = feed_units(integrator_a, rows)
    assert results(third) == ["unchanged", "updated", "unchanged"]
    unit = Unit.objects.get(external_id="U-1")
    assert (str(unit.list_price), unit.version) == ("2100000.00", 2)


def test_rows_with_errors_are_reported_and_skipped(integrator_a, project_a):
    rows = [
        unit_row(0),
        unit_row(1, project_external_id="P-404"),
        unit_row(2, building_external_id="B-new", building_name=""),
        unit_row(3, number=str(1000)),  # the number of row 0 in the same building
        unit_row(4, area="0"),
        unit_row(5, external_id="U-0"),  # twice in the call
    ]
    response = feed_units(integrator_a, rows)
    assert response.status_code == 400  # a row fails the serializer (area 0): the request is invalid
    response = feed_units(integrator_a, rows[:4] + rows[5:])
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert results(response) == ["created", "error", "error", "error", "error"]
    assert set(answer["rows"][1]["errors"]) == {"project_external_id"}
    assert set(answer["rows"][2]["errors"]) == {"building_name"}
    assert set(answer["rows"][3]["errors"]) == {"number"}
    assert set(answer["rows"][4]["errors"]) == {"external_id"}
    assert answer["rows"][1]["id"] is None
    assert answer["error"] == 4
    assert list(Unit.objects.values_list("external_id", flat=True)) == ["U-0"]


def test_more_than_1000_rows_is_400_and_writes_nothing(integrator_a, project_a):
    response = feed_units(integrator_a, [unit_row(n) for n in range(1001)])
    assert response.status_code == 400
    assert "1000" in response.json()["rows"][0]
    assert not Unit.objects.exists()


def test_1000_units_in_a_bounded_number_of_queries(integrator_a, project_a):
    rows = [unit_row(n) for n in range(1000)]
    with CaptureQueriesContext(connection) as created:
        response = feed_units(integrator_a, rows)
    assert results(response) == ["created"] * 1000
    assert Unit.objects.count() == 1000
    with CaptureQueriesContext(connection) as unchanged:
        response = feed_units(integrator_a, rows)
    assert set(results(response)) == {"unchanged"}
    assert len(created) <= 30, len(created)  # batches of 500, not one per row
    assert len(unchanged) <= 15, len(unchanged)
    for row in rows:
        row["floor"] += 1
    with CaptureQueriesContext(connection) as updated:
        response = feed_units(integrator_a, rows)
    assert set(results(response)) == {"updated"}
    assert len(updated) <= 30, len(updated)


def test_units_feed_is_scoped_to_the_callers_company(integrator_a, company_a, company_b, group_user):
    ProjectFactory(company=company_b, external_id="P-1")
    UnitFactory(building__project__company=company_b, external_id="U-0")
    # Company A has no project P-1: company B's is never found.
    response = feed_units(integrator_a, [unit_row(0)])
    assert results(response) == ["error"]
    response = feed_units(integrator_a, [unit_row(0)], company=company_b.pk)
    assert response.status_code == 400
    # The group centre names the company; B's unit U-0 is updated, not duplicated.
    response = feed_units(group_user, [unit_row(0)], company=company_b.pk)
    assert results(response) == ["error"]  # the unit is in another building (B-0 is new)
    response = feed_units(group_user, [unit_row(1)], company=company_b.pk)
    assert results(response) == ["created"]
    assert Unit.objects.get(external_id="U-1").company == company_b


def test_frontline_staff_cannot_feed(staff_a, project_a):
    assert feed_units(staff_a, [unit_row(0)]).status_code == 403
    response = api_as(staff_a).post("/api/v1/purchases/bulk/", {"rows": []}, format="json")
    assert response.status_code == 403


# --- Purchases ------------------------------------------------------------------------------------


@pytest.fixture
def fed_units(company_a):
    return [UnitFactory(building__project__company=company_a, external_id=f"U-{n}") for n in range(3)]


def purchase_row(n, **extra):
    today = timezone.localdate()
    return {
        "external_id": f"C-{n}",
        "unit_external_id": f"U-{n}",
        "customer": {"external_id": f"K-{n}", "name": f"业主{n}", "phone": f"1380000{n:04d}"},
        "contract_date": str(today - timedelta(days=400)),
        "price": "3000000.00",
        "delivery_date": str(today - timedelta(days=30)),
        **extra,
    }


def feed_purchases(user, rows, **extra):
    return api_as(user).post("/api/v1/purchases/bulk/", {"rows": rows, **extra}, format="json")


def test_purchases_create_buyers_members_and_events(integrator_a, company_a, fed_units):
    rows = [purchase_row(n) for n in range(3)]
    response = feed_purchases(integrator_a, rows)
    assert response.status_code == 200, response.json()
    assert results(response) == ["created"] * 3
    buyers = Customer.objects.filter(company=company_a).order_by("external_id")
    assert [c.external_id for c in buyers] == ["K-0", "K-1", "K-2"]
    assert {c.stage for c in buyers} == {"owner"}
    assert Member.objects.filter(customer__in=buyers).count() == 3
    purchase = Purchase.objects.get(external_id="C-1")
    assert (purchase.unit, purchase.company) == (fed_units[1], company_a)
    assert purchase.delivery_date == timezone.localdate() - timedelta(days=30)

    second = feed_purchases(integrator_a, rows)
    assert results(second) == ["unchanged"] * 3
    rows[2]["customer"]["name"] = "改名"
    rows[0]["price"] = "3100000.00"
    third = feed_purchases(integrator_a, rows)
    assert results(third) == ["updated", "unchanged", "updated"]
    assert Customer.objects.get(external_id="K-2").name == "改名"
    assert Purchase.objects.get(external_id="C-0").version == 2


def test_a_delivery_date_corrected_by_the_feed_moves_the_open_call_back(integrator_a, company_a, fed_units):
    from touchpoints import rules as touchpoint_rules
    from touchpoints import services as touchpoint_services
    from touchpoints.models import ServiceTask

    rows = [purchase_row(0)]
    feed_purchases(integrator_a, rows)
    touchpoint_services.generate_delivery_work()
    corrected = timezone.localdate() - timedelta(days=20)
    rows[0]["delivery_date"] = str(corrected)
    assert results(feed_purchases(integrator_a, rows)) == ["updated"]
    touchpoint_services.generate_delivery_work()
    callback = ServiceTask.objects.get(action__code="delivery_callback", unit=fed_units[0])
    assert callback.due_on == corrected + touchpoint_rules.DELIVERY_CALLBACK_WITHIN


def test_purchase_feed_emits_webhooks(integrator_a, company_a, fed_units, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    subscription = webhooks.subscription_create(
        user=integrator_a,
        url="http://127.0.0.1:9/hook",
        event_types=["customer.created", "purchase.recorded"],
        secret="x" * 20,
    )
    feed_purchases(integrator_a, [purchase_row(n) for n in range(2)])
    kinds = list(
        WebhookDelivery.objects.filter(subscription=subscription).values_list("event_type", flat=True)
    )
    assert sorted(kinds) == ["customer.created"] * 2 + ["purchase.recorded"] * 2
    body = WebhookDelivery.objects.filter(event_type="customer.created").first().body
    assert '"stage":"owner"' in body  # the buyer as stored after the purchase
    feed_purchases(integrator_a, [purchase_row(n) for n in range(2)])
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 4  # nothing new


def test_an_existing_file_is_found_by_phone_and_takes_the_external_id(integrator_a, company_a, fed_units):
    existing = CustomerFactory(company=company_a, phone="13800000000", name="老客户")
    PurchaseFactory(customer=existing, unit=fed_units[0])  # the same pair, recorded before the feed
    response = feed_purchases(integrator_a, [purchase_row(0)])
    assert results(response) == ["updated"]
    existing.refresh_from_db()
    assert (existing.external_id, existing.name) == ("K-0", "业主0")
    assert Purchase.objects.get().external_id == "C-0"
    assert Customer.objects.count() == 1


def test_purchase_rows_with_errors(integrator_a, company_a, company_b, fed_units):
    UnitFactory(building__project__company=company_b, external_id="U-9")
    tomorrow = str(timezone.localdate() + timedelta(days=1))
    rows = [
        purchase_row(0),
        purchase_row(1, unit_external_id="U-9"),  # another company's unit does not exist
        purchase_row(2, delivery_date=tomorrow),
    ]
    response = feed_purchases(integrator_a, rows)
    assert results(response) == ["created", "error", "error"]
    assert set(response.json()["rows"][1]["errors"]) == {"unit_external_id"}
    assert set(response.json()["rows"][2]["errors"]) == {"delivery_date"}
    assert Purchase.objects.count() == 1
    assert Customer.objects.count() == 1


def test_more_than_1000_purchases_is_400(integrator_a, fed_units):
    response = feed_purchases(integrator_a, [purchase_row(0)] * 1001)
    assert response.status_code == 400
    assert not Purchase.objects.exists()


def test_1000_purchases_in_a_bounded_number_of_queries(integrator_a, company_a):
    project = ProjectFactory(company=company_a, external_id="P-1")
    feed_units(integrator_a, [unit_row(n) for n in range(1000)])
    assert project.buildings.count() == 10
    rows = [purchase_row(n) for n in range(1000)]
    with CaptureQueriesContext(connection) as created:
        response = feed_purchases(integrator_a, rows)
    assert set(results(response)) == {"created"}, response.json()["rows"][:2]
    assert Member.objects.filter(customer__company=company_a).count() == 1000
    with CaptureQueriesContext(connection) as unchanged:
        response = feed_purchases(integrator_a, rows)
    assert set(results(response)) == {"unchanged"}
    assert len(unchanged) <= 15, len(unchanged)
    # Inserts go in batches (on SQLite a customer batch is ~45 rows, its limit of bound variables);
    # about 80 queries for 1,000 rows, never one or more per row.
    assert len(created) <= 120, len(created)


def test_purchase_patch_with_version(integrator_a, company_a, company_b):
    purchase = PurchaseFactory(unit__building__project__company=company_a)
    client = api_as(integrator_a)
    delivered = str(timezone.localdate() - timedelta(days=3))
    response = client.patch(
        f"/api/v1/purchases/{purchase.pk}/", {"delivery_date": delivered, "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["delivery_date"], response.json()["version"]) == (delivered, 2)
    assert Customer.objects.get(pk=purchase.customer_id).stage == "owner"
    response = client.patch(
        f"/api/v1/purchases/{purchase.pk}/", {"price": "1.00", "version": 1}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "stale_version")
    assert (
        client.patch(f"/api/v1/purchases/{purchase.pk}/", {"price": "1.00"}, format="json").status_code == 400
    )
    other = PurchaseFactory(unit__building__project__company=company_b)
    response = client.patch(f"/api/v1/purchases/{other.pk}/", {"price": "1.00", "version": 1}, format="json")
    assert response.status_code == 404


def test_purchase_post_carries_external_id_and_dates(integrator_a, company_a):
    unit = UnitFactory(building__project__company=company_a)
    customer = CustomerFactory(company=company_a)
    today = timezone.localdate()
    body = {
        "customer": customer.pk,
        "unit": unit.pk,
        "contract_date": str(today - timedelta(days=100)),
        "delivery_date": str(today - timedelta(days=1)),
        "price": "1000000.00",
        "external_id": "C-77",
    }
    response = api_as(integrator_a).post("/api/v1/purchases/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["external_id"] == "C-77"
    rows = api_as(integrator_a).get("/api/v1/purchases/", {"external_id": "C-77"}).json()["results"]
    assert [row["id"] for row in rows] == [response.json()["id"]]


def test_company_integrator_cannot_feed_another_company(integrator_a, company_b):
    assert feed_purchases(integrator_a, [purchase_row(0)], company=company_b.pk).status_code == 400


def test_group_centre_feeds_a_named_company(group_user, company_b):
    UnitFactory(building__project__company=company_b, external_id="U-0")
    assert feed_purchases(group_user, [purchase_row(0)]).status_code == 400  # which company?
    response = feed_purchases(group_user, [purchase_row(0)], company=company_b.pk)
    assert results(response) == ["created"]
    assert Purchase.objects.get().company == company_b


def test_integrator_role_may_feed():
    assert "customers.import_customers" in roles.ROLE_PERMISSIONS[roles.INTEGRATOR]


def test_one_buyers_purchase_of_a_unit_twice_in_a_call_is_an_error_on_the_second(integrator_a, fed_units):
    twice = purchase_row(0, external_id="C-other")
    response = feed_purchases(integrator_a, [purchase_row(0), twice])
    assert results(response) == ["created", "error"]
    assert Purchase.objects.count() == 1

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import AccessLog, Communication, Customer, Purchase
from tests.conftest import api_as
from tests.factories import CustomerFactory, UserFactory


def test_list_is_scoped_and_masked_for_integrators(customer_a, customer_b, integrator_a):
    rows = api_as(integrator_a).get("/api/v1/customers/").json()["results"]
    assert [(row["name"], row["phone"]) for row in rows] == [("张伟", "138****5678")]
    assert rows[0]["id_number"] == "1101**********002X"


def test_retrieve_outside_scope_is_404(customer_a, customer_b, staff_a):
    client = api_as(staff_a)
    assert client.get(f"/api/v1/customers/{customer_a.pk}/").status_code == 200
    assert client.get(f"/api/v1/customers/{customer_b.pk}/").status_code == 404


def test_unmask_needs_the_permission(customer_a, integrator_a, auditor):
    for user in (integrator_a, auditor):
        response = api_as(user).get(f"/api/v1/customers/{customer_a.pk}/?unmask=1")
        assert response.status_code == 403
    assert not AccessLog.objects.filter(full_data=True).exists()


def test_api_reads_are_audited_with_the_ip(customer_a, staff_a):
    client = api_as(staff_a)
    masked = client.get(f"/api/v1/customers/{customer_a.pk}/", REMOTE_ADDR="10.1.2.3").json()
    full = client.get(f"/api/v1/customers/{customer_a.pk}/?unmask=true").json()
    assert masked["phone"] == "138****5678"
    assert (full["phone"], full["id_number"]) == ("13812345678", "11010519491231002X")
    entries = list(
        AccessLog.objects.order_by("id").values_list("action", "full_data", "customer_id", "ip_address")
    )
    assert entries == [
        ("api_read", False, customer_a.pk, "10.1.2.3"),
        ("api_read", True, customer_a.pk, "127.0.0.1"),
    ]


def test_unmasked_list_audits_every_customer_shown(customer_a, company_a, staff_a):
    other = CustomerFactory(company=company_a)
    api_as(staff_a).get("/api/v1/customers/?unmask=1")
    assert set(AccessLog.objects.values_list("customer_id", flat=True)) == {customer_a.pk, other.pk}


def test_upsert_by_phone_is_idempotent(company_a, integrator_a):
    client = api_as(integrator_a)
    body = {"name": "王芳", "phone": "+86 136-0000-1111", "source": "sales", "gender": "female"}
    first = client.post("/api/v1/customers/", body, format="json")
    second = client.post("/api/v1/customers/", {**body, "occupation": "会计"}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Customer.objects.get().occupation == "会计"
    assert first.json()["phone"] == "136****1111"


def test_group_level_callers_name_the_company(company_a, group_user):
    client = api_as(group_user)
    response = client.post("/api/v1/customers/", {"name": "王芳", "phone": "13600001111"}, format="json")
    assert response.status_code == 400
    assert "company" in response.json()
    ok = client.post(
        "/api/v1/customers/", {"name": "王芳", "phone": "13600001111", "company": company_a.pk}, format="json"
    )
    assert ok.status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("phone", "<script>alert(1)</script>"),
        ("birth_date", "2999-01-01"),
        ("birth_date", "1990-02-30"),
        ("id_number", "110105194912310021"),
        ("email", "not-an-email"),
        ("children_count", -1),
        ("gender", "robot"),
    ],
)
def test_bad_fields_are_400_with_a_chinese_message_and_nothing_written(field, value, company_a, integrator_a):
    body = {"name": "王芳", "phone": "13600001111", field: value}
    response = api_as(integrator_a).post(
        "/api/v1/customers/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    message = str(response.json()[field])
    assert any("\u4e00" <= char <= "\u9fff" for char in message), message
    assert not Customer.objects.exists()


def test_sql_and_html_in_text_fields_are_stored_as_text(company_a, integrator_a):
    name = "Robert'); DROP TABLE customers_customer;--"
    response = api_as(integrator_a).post(
        "/api/v1/customers/",
        {"name": name[:50], "phone": "13600001111", "occupation": "<b>x</b>"},
        format="json",
    )
    assert response.status_code == 201
    assert Customer.objects.get().name == name[:50]


def test_patch_needs_the_version_and_refuses_a_stale_one(customer_a, staff_a):
    client = api_as(staff_a)
    url = f"/api/v1/customers/{customer_a.pk}/"
    assert client.patch(url, {"occupation": "医生"}, format="json").status_code == 400
    ok = client.patch(url, {"occupation": "医生", "version": customer_a.version}, format="json")
    assert ok.status_code == 200
    stale = client.patch(url, {"occupation": "律师", "version": customer_a.version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    customer_a.refresh_from_db()
    assert customer_a.occupation == "医生"


def test_update_outside_scope_is_404(customer_b, staff_a):
    response = api_as(staff_a).patch(
        f"/api/v1/customers/{customer_b.pk}/", {"occupation": "x", "version": 1}, format="json"
    )
    assert response.status_code == 404


def test_auditor_cannot_write(customer_a, auditor):
    assert (
        api_as(auditor).post("/api/v1/customers/", {"name": "x", "phone": "13600001111"}).status_code == 403
    )


def test_purchase_upsert_and_scope(customer_a, unit_a, unit_b, integrator_a):
    client = api_as(integrator_a)
    body = {
        "customer": customer_a.pk,
        "unit": unit_a.pk,
        "contract_date": "2025-06-01",
        "price": "3100000.00",
    }
    assert client.post("/api/v1/purchases/", body, format="json").status_code == 201
    again = client.post("/api/v1/purchases/", {**body, "price": "3050000.00"}, format="json")
    assert again.status_code == 200
    assert Purchase.objects.get().price == 3050000
    foreign = client.post("/api/v1/purchases/", {**body, "unit": unit_b.pk}, format="json")
    assert foreign.status_code == 400
    assert "unit" in foreign.json()


def test_purchase_dates_are_checked(customer_a, unit_a, integrator_a):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    body = {"customer": customer_a.pk, "unit": unit_a.pk, "contract_date": future, "price": "1"}
    response = api_as(integrator_a).post("/api/v1/purchases/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "contract_in_future"


def test_communications_are_append_only(customer_a, staff_a):
    client = api_as(staff_a)
    created = client.post(
        "/api/v1/communications/",
        {"customer": customer_a.pk, "channel": "wechat", "content": "邀请参加工地开放日"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["staff"] == staff_a.pk
    url = f"/api/v1/communications/{created.json()['id']}/"
    # No update or delete route exists; DRF checks the (missing) model permission first, hence 403 or 405.
    assert client.patch(url, {"content": "x"}, format="json").status_code in {403, 405}
    assert client.delete(url).status_code in {403, 405}
    assert Communication.objects.get().content == "邀请参加工地开放日"


def test_filters_by_phone_tail_segment_and_stage(customer_a, company_a, staff_a):
    CustomerFactory(phone="13700005678", company=company_a, segment="affluent")
    client = api_as(staff_a)
    assert {r["name"] for r in client.get("/api/v1/customers/?phone_tail=5678").json()["results"]} == {
        "张伟",
        Customer.objects.get(phone="13700005678").name,
    }
    assert [r["name"] for r in client.get("/api/v1/customers/?phone_tail=12345678").json()["results"]] == [
        "张伟"
    ]
    assert len(client.get("/api/v1/customers/?segment=affluent").json()["results"]) == 1
    assert client.get("/api/v1/customers/?phone_tail=12").status_code == 400


def test_user_without_customer_permissions_is_forbidden(customer_a, company_a):
    assert api_as(UserFactory(company=company_a)).get("/api/v1/customers/").status_code == 403

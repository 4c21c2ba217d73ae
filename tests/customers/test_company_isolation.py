"""Issue 12: one company's customers never reach another company, whatever the write path."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from complaints.models import Complaint
from customers.models import AccessAction, AccessLog, Customer
from tests.conftest import api_as
from tests.factories import ProjectFactory, UserFactory


@pytest.fixture
def shenzhen_file(company_a):
    from tests.factories import CustomerFactory

    return CustomerFactory(
        name="张伟", phone="13812345678", id_number="11010519491231002X", occupation="教师", company=company_a
    )


@pytest.fixture
def beijing_staff(company_b):
    from organization import roles

    return UserFactory(username="bj_staff", company=company_b, role=roles.FRONTLINE_STAFF)


def test_upsert_with_another_companys_phone_creates_an_own_file(shenzhen_file, beijing_staff, company_b):
    response = api_as(beijing_staff).post(
        "/api/v1/customers/?unmask=1", {"name": "张三", "phone": "13812345678"}, format="json"
    )
    assert response.status_code == 201  # the same answer as for a phone nobody has
    body = response.json()
    assert body["id"] != shenzhen_file.pk
    assert (body["name"], body["phone"], body["id_number"], body["occupation"]) == (
        "张三",
        "13812345678",
        "",
        "",
    )
    shenzhen_file.refresh_from_db()
    assert (shenzhen_file.name, shenzhen_file.version) == ("张伟", 1)
    client = api_as(beijing_staff)
    assert client.get(f"/api/v1/customers/{shenzhen_file.pk}/").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/customers/").json()["results"]] == [body["id"]]


def test_status_does_not_tell_whether_another_company_has_the_phone(shenzhen_file, beijing_staff):
    client = api_as(beijing_staff)
    known = client.post("/api/v1/customers/", {"name": "甲", "phone": "13812345678"}, format="json")
    unknown = client.post("/api/v1/customers/", {"name": "乙", "phone": "13812349999"}, format="json")
    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json())


def test_web_form_with_another_companys_phone_creates_an_own_file(shenzhen_file, company_b, client):
    from organization import roles

    user = UserFactory(username="bj_manager", company=company_b, role=roles.COMPANY_MANAGER)
    client.force_login(user)
    response = client.post(
        reverse("customer-create"),
        {"name": "张三", "phone": "13812345678", "source": "sales", "gender": "unknown", "children_count": 0},
    )
    assert response.status_code == 302
    assert "张伟" not in client.get(response["Location"]).content.decode()
    assert Customer.objects.filter(phone="13812345678").count() == 2
    shenzhen_file.refresh_from_db()
    assert shenzhen_file.name == "张伟"


def test_every_unmasked_answer_is_audited(shenzhen_file, company_a):
    from organization import roles

    manager = UserFactory(username="sz_manager", company=company_a, role=roles.COMPANY_MANAGER)
    client = api_as(manager)
    client.post("/api/v1/customers/?unmask=1", {"name": "张伟", "phone": "13812345678"}, format="json")
    client.patch(
        f"/api/v1/customers/{shenzhen_file.pk}/?unmask=1",
        {"occupation": "医生", "version": 2},
        format="json",
    )
    details = list(
        AccessLog.objects.filter(full_data=True, customer=shenzhen_file)
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == ["upsert", "update"]


def test_complaint_contact_links_only_its_own_companys_customer(shenzhen_file, company_b, client):
    project = ProjectFactory(company=company_b, name="北京万科城")
    client.post(
        reverse("public-complaint"),
        {
            "project": project.pk,
            "category": "construction",
            "title": "门窗漏风",
            "description": "入户门关不严",
            "contact_name": "张三",
            "contact_phone": "13812345678",
        },
    )
    complaint = Complaint.objects.get()
    assert complaint.customer.company == company_b
    assert complaint.customer.name == "张三"
    assert complaint.customer.pk != shenzhen_file.pk


def test_staff_complaint_api_cannot_name_another_companys_customer(shenzhen_file, beijing_staff, company_b):
    project = ProjectFactory(company=company_b)
    response = api_as(beijing_staff).post(
        "/api/v1/complaints/",
        {
            "project": project.pk,
            "channel": "hotline",
            "category": "service",
            "title": "物业态度差",
            "description": "前台不理人",
            "contact_phone": "13812345678",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert "张伟" not in response.content.decode()
    assert Complaint.objects.get().customer is None  # no own file yet and no name to start one


@pytest.mark.parametrize("param", ["phone_tail", "q"])
def test_roles_without_personal_data_search_by_four_digits_only(shenzhen_file, integrator_a, param):
    client = api_as(integrator_a)
    assert client.get(f"/api/v1/customers/?{param}=5678").json()["results"][0]["id"] == shenzhen_file.pk
    narrowed = client.get(f"/api/v1/customers/?{param}=12345678")
    assert narrowed.status_code == 400
    assert "后4位" in narrowed.content.decode()


def test_roles_with_personal_data_may_search_longer_endings(shenzhen_file, company_a):
    from organization import roles

    manager = UserFactory(username="sz_manager2", company=company_a, role=roles.COMPANY_MANAGER)
    rows = api_as(manager).get("/api/v1/customers/?phone_tail=12345678").json()["results"]
    assert [row["id"] for row in rows] == [shenzhen_file.pk]


def test_masked_list_reads_are_audited(shenzhen_file, integrator_a, staff_a, client):
    api_as(integrator_a).get("/api/v1/customers/?phone_tail=5678")
    client.force_login(staff_a)
    client.get(reverse("customer-list"), {"q": "5678"})
    entries = AccessLog.objects.filter(action=AccessAction.LIST, customer=shenzhen_file)
    assert sorted(entries.values_list("user__username", "full_data")) == [
        ("integrator_a", False),
        ("staff_a", False),
    ]


def test_list_page_refuses_longer_digits_for_masked_roles(shenzhen_file, auditor, client):
    client.force_login(auditor)
    page = client.get(reverse("customer-list"), {"q": "12345678"}).content.decode()
    assert "后4位" in page


@pytest.mark.django_db(transaction=True)
def test_parallel_intake_with_one_new_phone_makes_one_customer(company_a):
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite serialises every write transaction)")
    from organization import roles

    user = UserFactory(username="parallel", company=company_a, role=roles.INTEGRATOR)
    project = ProjectFactory(company=company_a)
    statuses = []
    start_together = threading.Barrier(20)

    def file_one(n):
        try:
            start_together.wait()
            response = api_as(user).post(
                "/api/v1/complaints/",
                {
                    "project": project.pk,
                    "channel": "hotline",
                    "category": "service",
                    "title": f"投诉{n}",
                    "description": "同一业主重复来电",
                    "contact_name": "王芳",
                    "contact_phone": "13600001111",
                },
                format="json",
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 20
    assert Customer.objects.filter(phone="13600001111").count() == 1
    assert Complaint.objects.filter(customer__phone="13600001111").count() == 20

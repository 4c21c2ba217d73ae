"""Issue 12 item 8: editing a customer and saving it unchanged loses nothing, at both screen sizes."""

from datetime import date

import pytest

from customers.models import AccessAction, AccessLog, Customer
from organization import roles
from tests.factories import PASSWORD, CompanyFactory, CustomerFactory, UserFactory

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROFILE = {
    "name": "张伟",
    "gender": "male",
    "birth_date": date(1993, 7, 15),
    "email": "zhangwei@example.com",
    "occupation": "教师",
    "id_number": "11010519491231002X",
    "children_count": 2,
    "elderly_at_home": True,
    "income_band": "high",
    "purchase_motive": "school",
    "decoration_style": "new_chinese",
    "facility_preferences": "游泳池",
    "service_preferences": "24小时安保",
}


def _file_and_manager():
    company = CompanyFactory(name="深圳万科")
    customer = CustomerFactory(company=company, phone="13812345678", **PROFILE)
    UserFactory(username="manager_sz", company=company, role=roles.COMPANY_MANAGER)
    return customer


def _saved_unchanged(page, live_server, customer) -> Customer:
    sign_in(page, live_server, "manager_sz", PASSWORD)
    page.goto(f"{live_server.url}/customers/{customer.pk}/edit/")
    assert page.input_value("#id_birth_date") == "1993-07-15"
    assert page.input_value("#id_phone") == "138****5678"
    assert "13812345678" not in page.content()
    assert "11010519491231002X" not in page.content()
    with page.expect_navigation():
        page.click("form[novalidate] button[type=submit]")
    assert page.url.endswith(f"/customers/{customer.pk}/")
    return Customer.objects.get(pk=customer.pk)


def _assert_unchanged(saved: Customer) -> None:
    for field, value in PROFILE.items():
        assert getattr(saved, field) == value, field
    assert saved.phone == "13812345678"
    assert saved.version == 2


def test_save_unchanged_keeps_every_field(page, live_server):
    customer = _file_and_manager()
    _assert_unchanged(_saved_unchanged(page, live_server, customer))


def test_save_unchanged_on_a_phone_keeps_every_field(phone_page, live_server):
    customer = _file_and_manager()
    _assert_unchanged(_saved_unchanged(phone_page, live_server, customer))


def test_reveal_on_the_edit_form_is_audited(page, live_server):
    customer = _file_and_manager()
    sign_in(page, live_server, "manager_sz", PASSWORD)
    page.goto(f"{live_server.url}/customers/{customer.pk}/edit/")
    with page.expect_navigation():
        page.click("#unmask")
    assert page.input_value("#id_phone") == "13812345678"
    assert page.input_value("#id_id_number") == "11010519491231002X"
    assert (
        AccessLog.objects.filter(customer=customer, action=AccessAction.UNMASK, full_data=True).count() == 1
    )

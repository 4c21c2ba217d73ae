import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from organization.models import Unit
from tests.factories import PASSWORD, UnitFactory


@pytest.fixture
def org(company_a, company_b):
    return {
        "a": UnitFactory(building__project__company=company_a, building__project__name="四季花城"),
        "b": UnitFactory(building__project__company=company_b, building__project__name="城市花园"),
    }


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "登录" in response.content.decode()


def test_staff_sign_in_and_see_their_company_tree(client, org, staff_a):
    response = client.post(reverse("login"), {"username": "staff_a", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    page = client.get(reverse("organisation")).content.decode()
    assert "四季花城" in page
    assert "城市花园" not in page
    assert "北京万科" not in page


def test_wrong_password_gets_a_translated_error(client, org, staff_a):
    response = client.post(reverse("login"), {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_integrator_cannot_use_the_staff_ui(client, org, integrator_a):
    response = client.post(reverse("login"), {"username": "integrator_a", "password": PASSWORD})
    assert response.status_code == 200
    assert "API" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_group_centre_sees_every_company(client, org, group_user):
    page = login(client, group_user).get(reverse("organisation")).content.decode()
    assert "深圳万科" in page
    assert "北京万科" in page


def test_language_switches_to_english(client, org, staff_a):
    login(client, staff_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("organisation")).content.decode()
    assert '<html lang="en">' in page
    assert "Organisation" in page


def test_project_page_outside_scope_is_404(client, org, staff_a):
    login(client, staff_a)
    assert client.get(reverse("project-detail", args=[org["a"].building.project_id])).status_code == 200
    assert client.get(reverse("project-detail", args=[org["b"].building.project_id])).status_code == 404


def test_units_export_is_scoped(client, org, staff_a):
    login(client, staff_a)
    response = client.get(reverse("project-units-export", args=[org["a"].building.project_id]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "项目"
    assert [row[2] for row in rows[1:]] == [org["a"].number]
    assert client.get(reverse("project-units-export", args=[org["b"].building.project_id])).status_code == 404


def test_manager_updates_a_unit_of_their_company(client, org, manager_a):
    login(client, manager_a)
    unit = org["a"]
    data = {"floor": 12, "layout": "四室两厅", "area": "143.20", "list_price": "5100000", "version": 1}
    response = client.post(reverse("unit-edit", args=[unit.pk]), data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.floor, unit.layout, unit.area, unit.list_price) == (
        12,
        "四室两厅",
        Decimal("143.20"),
        Decimal("5100000"),
    )


def test_a_concurrent_edit_of_a_unit_is_refused_not_overwritten(client, org, manager_a):
    login(client, manager_a)
    unit = org["a"]
    first = {"floor": 12, "layout": "四室两厅", "area": "143.20", "list_price": "5100000", "version": 1}
    second = {**first, "layout": "三室两厅", "list_price": "4800000"}  # loaded at the same version
    assert client.post(reverse("unit-edit", args=[unit.pk]), first).status_code == 302
    response = client.post(reverse("unit-edit", args=[unit.pk]), second)
    assert response.status_code == 200
    assert "其他人" in response.content.decode()
    unit.refresh_from_db()
    assert (unit.layout, unit.list_price, unit.version) == ("四室两厅", Decimal("5100000"), 2)


def test_update_outside_scope_is_404_and_changes_nothing(client, org, manager_a):
    login(client, manager_a)
    unit = org["b"]
    data = {"floor": 12, "layout": "x", "area": "99", "list_price": "1"}
    assert client.post(reverse("unit-edit", args=[unit.pk]), data).status_code == 404
    assert Unit.objects.get(pk=unit.pk).layout == unit.layout


def test_frontline_staff_may_not_edit_units(client, org, staff_a):
    login(client, staff_a)
    assert client.get(reverse("unit-edit", args=[org["a"].pk])).status_code == 403


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("area", "0", "确保该值大于或等于1"),
        ("area", "abc", "输入一个数字"),
        ("list_price", "-5", "确保该值大于或等于0"),
        ("layout", "", "该字段是必填项"),
    ],
)
def test_bad_unit_values_get_translated_errors_and_change_nothing(
    client, org, manager_a, field, value, message
):
    login(client, manager_a)
    unit = org["a"]
    data = {"floor": unit.floor, "layout": unit.layout, "area": unit.area, "list_price": unit.list_price}
    data["version"] = unit.version
    data[field] = value
    response = client.post(reverse("unit-edit", args=[unit.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    fresh = Unit.objects.get(pk=unit.pk)
    assert (fresh.area, fresh.list_price, fresh.layout) == (unit.area, unit.list_price, unit.layout)


def test_organisation_tree_query_count_does_not_grow_with_projects(client, company_a, staff_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, staff_a)

    def queries() -> int:
        client.get(reverse("organisation"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("organisation")).status_code == 200
        return len(captured)

    UnitFactory(building__project__company=company_a)
    with_one_project = queries()
    for _ in range(10):
        UnitFactory(building__project__company=company_a)
    assert queries() == with_one_project

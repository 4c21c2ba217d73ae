"""GET /api/v1/staff/: whom the caller may give a company's complaints to, as the complaint page offers
them (access.assignable_staff), scoped, paginated, without personal data."""

import pytest
from rest_framework.test import APIClient

from organization import roles
from tests.conftest import api_as
from tests.factories import UserFactory

STAFF = "/api/v1/staff/"


@pytest.fixture
def people(company_a, company_b, staff_a, staff_b, manager_a, group_user, auditor, integrator_a):
    for user in (staff_a, manager_a, group_user):
        user.email, user.name = f"{user.username}@example.com", f"姓名{user.username}"
        user.save()
    gone = UserFactory(username="gone_a", company=company_a, role=roles.FRONTLINE_STAFF, is_active=False)
    return {"gone_a": gone}


def usernames(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return sorted(row["username"] for row in response.json()["results"])


def test_company_staff_see_whom_they_may_assign(people, staff_a, integrator_a, company_a):
    # Their company's staff-UI people and group-level staff; not integrators, auditors, the inactive or
    # another company's people.
    expected = ["group_cr", "manager_a", "staff_a"]
    assert usernames(api_as(staff_a).get(STAFF)) == expected
    assert usernames(api_as(staff_a).get(STAFF, {"company": company_a.pk})) == expected
    assert usernames(api_as(integrator_a).get(STAFF)) == expected


def test_no_personal_data(people, staff_a):
    rows = api_as(staff_a).get(STAFF).json()["results"]
    assert {tuple(sorted(row)) for row in rows} == {("company", "id", "name", "username")}
    manager = next(row for row in rows if row["username"] == "manager_a")
    assert manager["name"] == "姓名manager_a" and manager["company"] is not None
    assert "example.com" not in str(rows)


def test_another_company_is_not_found(people, staff_a, company_b):
    response = api_as(staff_a).get(STAFF, {"company": company_b.pk})
    assert response.status_code == 404


def test_group_level_callers_may_name_the_company(people, group_user, company_a, company_b):
    client = api_as(group_user)
    # Without a company: everyone they may assign in any company, each with their company.
    everyone = client.get(STAFF).json()["results"]
    assert sorted((row["username"], row["company"]) for row in everyone) == [
        ("group_cr", None),
        ("manager_a", company_a.pk),
        ("staff_a", company_a.pk),
        ("staff_b", company_b.pk),
    ]
    assert usernames(client.get(STAFF, {"company": company_b.pk})) == ["group_cr", "staff_b"]
    assert usernames(client.get(STAFF, {"company": company_a.pk})) == ["group_cr", "manager_a", "staff_a"]
    assert client.get(STAFF, {"company": "x"}).status_code == 400
    assert client.get(STAFF, {"company": 987654321}).status_code == 404


def test_roles_that_assign_nothing_are_refused(people, auditor):
    assert api_as(auditor).get(STAFF).status_code == 403
    assert APIClient().get(STAFF).status_code == 401


def test_pages_like_other_lists(people, staff_a, company_a):
    for n in range(4):
        UserFactory(username=f"more_{n}", company=company_a, role=roles.FRONTLINE_STAFF)
    client = api_as(staff_a)
    pages = [client.get(STAFF, {"page_size": 3}).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    ids = [row["id"] for page in pages for row in page["results"]]
    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert ids == sorted(ids) and len(set(ids)) == 7  # staff_a, manager_a, the group centre, 4 more

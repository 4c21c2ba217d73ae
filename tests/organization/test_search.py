"""The organisation in the global search (organization/search.py): homes written as people write
them (「3栋1502」), projects by the start of their name, only what the user's company sees."""

import pytest
from django.urls import reverse

from organization.search import read_unit_reference
from tests.factories import ProjectFactory, UnitFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3栋1502", ("", "3", "1502")),
        ("3号楼1502室", ("", "3", "1502")),
        ("３栋 1502", ("", "3", "1502")),
        ("3-1502", ("", "3", "1502")),
        ("A座1502", ("", "A", "1502")),
        ("四季花城3栋1502", ("四季花城", "3", "1502")),
        ("四季花城 3-1502", ("四季花城", "3", "1502")),
        ("四季花城第3栋1502", ("四季花城", "3", "1502")),
        ("四季花城", None),
        ("3栋", None),
        ("TS202612-000123", None),
        ("13812345678", None),
    ],
)
def test_read_unit_reference(text, expected):
    assert read_unit_reference(text) == expected


def groups(client, user, query):
    client.force_login(user)
    data = client.get(reverse("search"), {"q": query, "format": "json"}).json()
    return {group["key"]: group["rows"] for group in data["groups"]}


@pytest.fixture
def homes(company_a, company_b):
    return {
        "a": UnitFactory(
            building__project__company=company_a,
            building__project__name="四季花城",
            building__name="3号楼",
            number="1502",
        ),
        "b": UnitFactory(
            building__project__company=company_b,
            building__project__name="城市花园",
            building__name="3栋",
            number="1502",
        ),
    }


@pytest.mark.django_db
def test_a_home_links_to_its_project(client, staff_a, homes):
    found = groups(client, staff_a, "3栋1502")
    project = homes["a"].building.project
    assert found["units"] == [
        {
            "label": "四季花城 3号楼 1502",
            "detail": found["units"][0]["detail"],
            "url": reverse("project-detail", args=[project.pk]),
        }
    ]
    assert found["units"][0]["detail"].startswith("深圳万科")
    assert "projects" not in found  # a home's reference is no project's name
    assert groups(client, staff_a, "四季花城3-1502")["units"][0]["label"] == "四季花城 3号楼 1502"
    assert "units" not in groups(client, staff_a, "城市花园3栋1502")
    assert "units" not in groups(client, staff_a, "3栋1503")


@pytest.mark.django_db
def test_homes_and_projects_of_other_companies_stay_hidden(client, staff_a, staff_b, group_user, homes):
    assert [row["label"] for row in groups(client, staff_b, "3栋1502")["units"]] == ["城市花园 3栋 1502"]
    assert len(groups(client, group_user, "3栋1502")["units"]) == 2
    assert [row["label"] for row in groups(client, staff_a, "四季")["projects"]] == ["四季花城"]
    assert "projects" not in groups(client, staff_a, "城市")
    assert [row["label"] for row in groups(client, staff_b, "城市")["projects"]] == ["城市花园"]


@pytest.mark.django_db
def test_project_names_by_their_start_in_any_case(client, staff_a, company_a):
    ProjectFactory(company=company_a, name="Vanke Park 万科公园")
    ProjectFactory(company=company_a, name="公园里")
    assert [row["label"] for row in groups(client, staff_a, "vanke")["projects"]] == ["Vanke Park 万科公园"]
    assert [row["label"] for row in groups(client, staff_a, "公园")["projects"]] == ["公园里"]  # not %公园%

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from tests.conftest import api_as
from tests.factories import BuildingFactory, ProjectFactory, UnitFactory, UserFactory

ENDPOINTS = ["companies", "projects", "buildings", "units"]


@pytest.fixture
def org(company_a, company_b):
    return {
        "a": UnitFactory(building__project__company=company_a),
        "b": UnitFactory(building__project__company=company_b),
    }


def objects_of(unit):
    building = unit.building
    return {
        "companies": building.project.company,
        "projects": building.project,
        "buildings": building,
        "units": unit,
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_shows_only_the_callers_company(endpoint, org, staff_a):
    response = api_as(staff_a).get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [objects_of(org["a"])[endpoint].pk]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_retrieve_outside_scope_is_404(endpoint, org, staff_a):
    client = api_as(staff_a)
    assert client.get(f"/api/v1/{endpoint}/{objects_of(org['a'])[endpoint].pk}/").status_code == 200
    assert client.get(f"/api/v1/{endpoint}/{objects_of(org['b'])[endpoint].pk}/").status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_organisation_records_cannot_be_deleted_nor_companies_changed(endpoint, org, group_user):
    # Projects, buildings and units are written with POST and PATCH (tests/organization/test_api_writes.py).
    obj = objects_of(org["a"])[endpoint]
    client = api_as(group_user)
    # Without the model permission DRF answers 403 before it looks at the method; either way nothing changes.
    if endpoint == "companies":
        assert client.patch(f"/api/v1/{endpoint}/{obj.pk}/", {"name": "x"}, format="json").status_code in {
            403,
            405,
        }
    assert client.delete(f"/api/v1/{endpoint}/{obj.pk}/").status_code in {403, 405}
    assert str(type(obj).objects.get(pk=obj.pk)) == str(obj)


def test_group_centre_sees_all_companies(org, group_user):
    response = api_as(group_user).get("/api/v1/companies/")
    assert {row["name"] for row in response.json()["results"]} == {"深圳万科", "北京万科"}


def test_public_contract_field_names(org, staff_a):
    client = api_as(staff_a)
    company = client.get("/api/v1/companies/").json()["results"][0]
    project = client.get("/api/v1/projects/").json()["results"][0]
    unit = client.get("/api/v1/units/").json()["results"][0]
    assert {"id", "name"} <= company.keys()
    assert {"id", "name", "company"} <= project.keys()
    assert project["company"] == org["a"].building.project.company_id
    assert {"id", "number", "building", "project", "layout", "area", "list_price"} <= unit.keys()


def test_token_authentication_for_integrators(org, integrator_a, api_client):
    token = Token.objects.create(user=integrator_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get("/api/v1/projects/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [org["a"].building.project_id]


def test_anonymous_and_forged_tokens_are_rejected(org, api_client):
    assert api_client.get("/api/v1/projects/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Token forged0000000000000000000000000000000000")
    assert api_client.get("/api/v1/projects/").status_code == 401


def test_user_without_a_role_is_forbidden(org, company_a):
    no_role = UserFactory(company=company_a)
    assert api_as(no_role).get("/api/v1/units/").status_code == 403


def test_filters_by_parent(org, group_user, company_a):
    project = org["a"].building.project
    other_building = BuildingFactory(project=project)
    UnitFactory(building=other_building)
    client = api_as(group_user)
    assert [p["id"] for p in client.get(f"/api/v1/projects/?company={company_a.pk}").json()["results"]] == [
        project.pk
    ]
    units = client.get(f"/api/v1/units/?project={project.pk}").json()["results"]
    assert len(units) == 2
    assert len(client.get(f"/api/v1/units/?building={other_building.pk}").json()["results"]) == 1


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999999999999999999999"])
def test_malformed_filter_ids_are_a_400(value, org, group_user):
    response = api_as(group_user).get(f"/api/v1/units/?project={value}")
    assert response.status_code == 400
    assert "project" in response.json()


def test_oversized_id_in_path_is_404_not_an_error(org, group_user):
    assert api_as(group_user).get("/api/v1/units/99999999999999999999999/").status_code == 404


def test_forged_cursor_is_rejected_cleanly(org, group_user):
    response = api_as(group_user).get("/api/v1/units/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert response.json()["cursor"]


def test_cursor_pages_walk_every_row_once(company_a, group_user):
    project = ProjectFactory(company=company_a)
    building = BuildingFactory(project=project)
    created = {UnitFactory(building=building).pk for _ in range(7)}
    client = api_as(group_user)
    seen, url = [], "/api/v1/units/?page_size=3"
    while url:
        body = client.get(url).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(created)


def test_list_queries_do_not_grow_with_page_size(company_a, group_user):
    building = BuildingFactory(project__company=company_a)
    for _ in range(12):
        UnitFactory(building=building)
    client = api_as(group_user)
    client.get("/api/v1/units/")  # loads and caches the user's permissions
    counts = []
    for size in (1, 5, 10):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/units/?page_size={size}").status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts

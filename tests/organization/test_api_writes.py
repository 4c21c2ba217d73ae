"""Projects, buildings and units written through the API: create, PATCH with a version (409 on a
stale one), external ids unique per company, scoping and roles."""

import pytest

from organization import roles
from organization.models import Building, Project, Unit
from tests.conftest import api_as
from tests.factories import BuildingFactory, ProjectFactory, UnitFactory, UserFactory


@pytest.fixture
def integrator_b(company_b):
    return UserFactory(username="integrator_b", company=company_b, role=roles.INTEGRATOR)


def unit_body(building, **extra):
    return {
        "building": building.pk,
        "number": "1801",
        "floor": 18,
        "layout": "三室两厅",
        "area": "120.50",
        "list_price": "3600000.00",
        **extra,
    }


def test_integrator_creates_project_building_and_unit_in_its_company(integrator_a, company_a):
    client = api_as(integrator_a)
    response = client.post("/api/v1/projects/", {"name": "翡翠公园", "external_id": "P-1"}, format="json")
    assert response.status_code == 201, response.json()
    project = response.json()
    assert project["company"] == company_a.pk
    assert project["external_id"] == "P-1"
    assert project["version"] == 1

    response = client.post(
        "/api/v1/buildings/", {"project": project["id"], "name": "1栋", "external_id": "B-1"}, format="json"
    )
    assert response.status_code == 201, response.json()
    building = Building.objects.get(pk=response.json()["id"])
    assert building.company_id == company_a.pk

    response = client.post("/api/v1/units/", unit_body(building, external_id="U-1"), format="json")
    assert response.status_code == 201, response.json()
    unit = Unit.objects.get(pk=response.json()["id"])
    assert (unit.company_id, unit.external_id, unit.floor) == (company_a.pk, "U-1", 18)

    listed = client.get("/api/v1/units/", {"external_id": "U-1"}).json()["results"]
    assert [row["id"] for row in listed] == [unit.pk]
    assert client.get("/api/v1/projects/", {"external_id": "P-1"}).json()["results"][0]["id"] == project["id"]
    assert client.get("/api/v1/buildings/", {"external_id": "nope"}).json()["results"] == []


def test_group_centre_names_the_company(group_user, company_b):
    client = api_as(group_user)
    response = client.post("/api/v1/projects/", {"name": "金域蓝湾"}, format="json")
    assert response.status_code == 400
    assert "company" in response.json()
    response = client.post("/api/v1/projects/", {"name": "金域蓝湾", "company": company_b.pk}, format="json")
    assert response.status_code == 201
    assert Project.objects.get(pk=response.json()["id"]).company == company_b


def test_company_integrator_cannot_write_another_company(integrator_a, company_b):
    client = api_as(integrator_a)
    response = client.post("/api/v1/projects/", {"name": "金域蓝湾", "company": company_b.pk}, format="json")
    assert response.status_code == 400
    other_project = ProjectFactory(company=company_b)
    other_building = BuildingFactory(project__company=company_b)
    # Another company's project or building does not exist for the caller.
    response = client.post("/api/v1/buildings/", {"project": other_project.pk, "name": "9栋"}, format="json")
    assert response.status_code == 400
    response = client.post("/api/v1/units/", unit_body(other_building), format="json")
    assert response.status_code == 400
    assert not Building.objects.filter(name="9栋").exists()
    assert not Unit.objects.filter(building=other_building).exists()


@pytest.mark.parametrize("kind", ["projects", "buildings", "units"])
def test_patch_of_another_companys_record_is_404(kind, integrator_a, company_b):
    unit = UnitFactory(building__project__company=company_b)
    obj = {"projects": unit.building.project, "buildings": unit.building, "units": unit}[kind]
    response = api_as(integrator_a).patch(f"/api/v1/{kind}/{obj.pk}/", {"version": 1}, format="json")
    assert response.status_code == 404


def test_patch_project_with_version_and_stale_version_is_409(integrator_a, company_a):
    project = ProjectFactory(company=company_a, name="旧名")
    client = api_as(integrator_a)
    response = client.patch(f"/api/v1/projects/{project.pk}/", {"name": "新名"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()

    response = client.patch(
        f"/api/v1/projects/{project.pk}/", {"name": "新名", "version": 1, "external_id": "P-9"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["version"]) == ("新名", 2)

    response = client.patch(f"/api/v1/projects/{project.pk}/", {"name": "又名", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    project.refresh_from_db()
    assert (project.name, project.external_id, project.version) == ("新名", "P-9", 2)


def test_patch_building_and_unit(group_user, company_a):
    unit = UnitFactory(building__project__company=company_a)
    client = api_as(group_user)
    response = client.patch(
        f"/api/v1/buildings/{unit.building.pk}/", {"name": "甲栋", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert (
        client.patch(f"/api/v1/buildings/{unit.building.pk}/", {"version": 1}, format="json").status_code
        == 409
    )

    response = client.patch(
        f"/api/v1/units/{unit.pk}/", {"floor": 9, "external_id": "U-9", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    unit.refresh_from_db()
    assert (unit.floor, unit.external_id, unit.version, unit.layout) == (9, "U-9", 2, "三室两厅")
    response = client.patch(f"/api/v1/units/{unit.pk}/", {"floor": 3, "version": 1}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "stale_version")


def test_external_id_is_unique_per_company_across_projects(integrator_a, integrator_b, company_a, company_b):
    first = UnitFactory(building__project__company=company_a, external_id="U-1")
    other_building = BuildingFactory(project__company=company_a)
    client = api_as(integrator_a)
    response = client.post("/api/v1/units/", unit_body(other_building, external_id="U-1"), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "external_id_taken")
    response = client.patch(
        f"/api/v1/units/{UnitFactory(building=other_building).pk}/",
        {"external_id": "U-1", "version": 1},
        format="json",
    )
    assert response.status_code == 409
    # Another company may use the same external id.
    building_b = BuildingFactory(project__company=company_b)
    response = api_as(integrator_b).post(
        "/api/v1/units/", unit_body(building_b, external_id="U-1"), format="json"
    )
    assert response.status_code == 201
    assert first.external_id == "U-1"


def test_names_taken_are_409(integrator_a, company_a):
    ProjectFactory(company=company_a, name="四季花城")
    response = api_as(integrator_a).post("/api/v1/projects/", {"name": "四季花城"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "name_taken")


@pytest.mark.parametrize("user_fixture", ["staff_a", "auditor"])
def test_roles_without_the_permission_get_403(user_fixture, request, company_a):
    user = request.getfixturevalue(user_fixture)
    unit = UnitFactory(building__project__company=company_a)
    client = api_as(user)
    assert (
        client.post("/api/v1/projects/", {"name": "x", "company": company_a.pk}, format="json").status_code
        == 403
    )
    assert client.post("/api/v1/buildings/", {"project": 1, "name": "x"}, format="json").status_code == 403
    assert client.post("/api/v1/units/", unit_body(unit.building), format="json").status_code == 403
    for kind, obj in (("projects", unit.building.project), ("buildings", unit.building), ("units", unit)):
        assert client.patch(f"/api/v1/{kind}/{obj.pk}/", {"version": 1}, format="json").status_code == 403
    assert client.post("/api/v1/units/bulk/", {"rows": []}, format="json").status_code == 403


def test_company_manager_edits_units_but_creates_nothing(manager_a, company_a):
    unit = UnitFactory(building__project__company=company_a)
    client = api_as(manager_a)
    assert (
        client.patch(f"/api/v1/units/{unit.pk}/", {"floor": 2, "version": 1}, format="json").status_code
        == 200
    )
    assert (
        client.post("/api/v1/units/", unit_body(unit.building, number="9"), format="json").status_code == 403
    )


def test_put_is_not_offered(group_user, company_a):
    project = ProjectFactory(company=company_a)
    response = api_as(group_user).put(
        f"/api/v1/projects/{project.pk}/", {"name": "x", "version": 1}, format="json"
    )
    assert response.status_code == 405

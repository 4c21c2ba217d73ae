"""客户经理制: a project's or a building's customer manager, chosen on the page and through the API by
managers and the group centre among the company's staff; new service tasks of their customers go to
them; reassigning moves the open ones (not the done ones), with a change recorded; their home shows
their buildings' open items."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.exceptions import DomainError
from organization import roles
from organization.customer_managers import (
    customer_manager_for,
    customer_manager_set,
    customer_managers_for_units,
    managed_area,
)
from organization.models import CustomerManagerChange
from tests.conftest import api_as
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    ComplaintFactory,
    CustomerFactory,
    ProjectFactory,
    PurchaseFactory,
    UnitFactory,
    UserFactory,
)
from touchpoints import services as touchpoints
from touchpoints.models import ActionType, ServiceTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


@pytest.fixture
def building(project):
    return BuildingFactory(project=project, name="1栋")


@pytest.fixture
def other_building(project):
    return BuildingFactory(project=project, name="2栋")


@pytest.fixture
def staff_a2(company_a):
    return UserFactory(username="staff_a2", company=company_a, role=roles.FRONTLINE_STAFF)


def deliver(building, *, days_ago=20):
    """A unit of ``building`` delivered ``days_ago`` days ago to a buyer of the company."""
    delivered = timezone.localdate() - timedelta(days=days_ago)
    unit = UnitFactory(building=building)
    PurchaseFactory(unit=unit, delivery_date=delivered, contract_date=delivered - timedelta(days=300))
    return unit


def task(unit, *, assignee=None, status=ServiceTask.Status.OPEN, due_on=None, occasion="test"):
    project = unit.building.project
    done = status == ServiceTask.Status.DONE
    return ServiceTask.objects.create(
        company=project.company,
        project=project,
        unit=unit,
        customer=CustomerFactory(company=project.company),
        action=ActionType.objects.get(code="periodic_callback"),
        occasion=occasion,
        due_on=due_on or timezone.localdate(),
        assignee=assignee,
        status=status,
        done_at=timezone.now() if done else None,
    )


# --- the resolver ---------------------------------------------------------------------------------


def test_the_buildings_manager_overrides_the_projects(
    project, building, other_building, manager_a, staff_a, staff_a2
):
    unit, other = UnitFactory(building=building), UnitFactory(building=other_building)
    assert customer_manager_for(unit) is None
    customer_manager_set(project=project, manager=staff_a, by=manager_a)
    assert customer_manager_for(unit) == staff_a and customer_manager_for(other) == staff_a
    customer_manager_set(project=project, building=building, manager=staff_a2, by=manager_a)
    assert customer_managers_for_units([unit.pk, other.pk]) == {unit.pk: staff_a2.pk, other.pk: staff_a.pk}


def test_a_manager_who_left_routes_to_the_projects_or_nobody(project, building, manager_a, staff_a, staff_a2):
    unit = UnitFactory(building=building)
    customer_manager_set(project=project, manager=staff_a, by=manager_a)
    customer_manager_set(project=project, building=building, manager=staff_a2, by=manager_a)
    staff_a2.is_active = False
    staff_a2.save()
    assert customer_manager_for(unit) == staff_a
    staff_a.is_active = False
    staff_a.save()
    assert customer_manager_for(unit) is None


def test_only_the_companys_own_staff_working_on_tasks_may_be_chosen(
    project, building, manager_a, staff_b, group_user, integrator_a, auditor
):
    for outsider in (staff_b, group_user, integrator_a, auditor):
        with pytest.raises(DomainError) as refused:
            customer_manager_set(project=project, building=building, manager=outsider, by=manager_a)
        assert refused.value.code == "customer_manager_outside"
    assert not CustomerManagerChange.objects.exists()


# --- routing at task creation -----------------------------------------------------------------------


def test_generated_tasks_go_to_the_units_customer_manager(
    project, building, other_building, manager_a, staff_a, staff_a2
):
    customer_manager_set(project=project, manager=staff_a, by=manager_a)
    customer_manager_set(project=project, building=building, manager=staff_a2, by=manager_a)
    mine, projects = deliver(building), deliver(other_building)
    unmanaged = deliver(BuildingFactory(project=ProjectFactory(company=project.company)))
    assert touchpoints.generate_delivery_work() > 0
    callbacks = ServiceTask.objects.filter(action__code="delivery_callback")
    assert callbacks.get(unit=mine).assignee == staff_a2
    assert callbacks.get(unit=projects).assignee == staff_a
    assert callbacks.get(unit=unmanaged).assignee is None


# --- reassignment -------------------------------------------------------------------------------------


def test_reassigning_moves_open_tasks_not_done_ones_nor_others(
    project, building, manager_a, staff_a, staff_a2
):
    unit = UnitFactory(building=building)
    customer_manager_set(project=project, building=building, manager=staff_a, by=manager_a)
    mine = task(unit, assignee=staff_a, occasion="a")
    nobodys = task(unit, occasion="b")
    taken = task(unit, assignee=manager_a, occasion="c")
    done = task(unit, assignee=staff_a, status=ServiceTask.Status.DONE, occasion="d")
    elsewhere = task(UnitFactory(building=BuildingFactory(project=project)), assignee=staff_a, occasion="e")

    moved = customer_manager_set(
        project=project, building=building, manager=staff_a2, by=manager_a, note="调岗"
    )
    assert moved.changed and moved.tasks_moved == 2
    for row in (mine, nobodys, taken, done, elsewhere):
        row.refresh_from_db()
    assert (mine.assignee, nobodys.assignee) == (staff_a2, staff_a2)
    assert (taken.assignee, done.assignee, elsewhere.assignee) == (manager_a, staff_a, staff_a)
    change = CustomerManagerChange.objects.get(building=building, to_manager=staff_a2)
    assert (change.from_manager, change.by, change.tasks_moved, change.note) == (
        staff_a,
        manager_a,
        2,
        "调岗",
    )

    # The same choice again changes nothing and records nothing.
    again = customer_manager_set(project=project, building=building, manager=staff_a2, by=manager_a)
    assert not again.changed and again.tasks_moved == 0
    assert CustomerManagerChange.objects.filter(building=building).count() == 2


def test_the_projects_reassignment_leaves_buildings_with_their_own_manager(
    project, building, other_building, manager_a, staff_a, staff_a2
):
    own, follows = UnitFactory(building=building), UnitFactory(building=other_building)
    customer_manager_set(project=project, manager=staff_a, by=manager_a)
    customer_manager_set(project=project, building=building, manager=staff_a, by=manager_a)
    kept, moved = task(own, assignee=staff_a, occasion="a"), task(follows, assignee=staff_a, occasion="b")
    assert customer_manager_set(project=project, manager=staff_a2, by=manager_a).tasks_moved == 1
    kept.refresh_from_db()
    moved.refresh_from_db()
    assert (kept.assignee, moved.assignee) == (staff_a, staff_a2)


def test_removing_a_buildings_manager_hands_it_back_to_the_projects(
    project, building, manager_a, staff_a, staff_a2
):
    unit = UnitFactory(building=building)
    customer_manager_set(project=project, manager=staff_a, by=manager_a)
    customer_manager_set(project=project, building=building, manager=staff_a2, by=manager_a)
    open_task = task(unit, assignee=staff_a2)
    assert (
        customer_manager_set(project=project, building=building, manager=None, by=manager_a).tasks_moved == 1
    )
    open_task.refresh_from_db()
    assert open_task.assignee == staff_a


# --- the page ---------------------------------------------------------------------------------------


def test_a_manager_chooses_on_the_project_page(client, project, building, manager_a, staff_a):
    unit = UnitFactory(building=building)
    open_task = task(unit)
    assert client.login(username=manager_a.username, password=PASSWORD)
    url = reverse("project-customer-managers", args=[project.pk])
    assert url in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "customer-manager-form" in page.content.decode()
    assert staff_a in page.context["form"].fields["manager"].queryset
    response = client.post(url, {"target": str(building.pk), "manager": staff_a.pk, "note": "新楼栋"})
    assert response.status_code == 302
    building.refresh_from_db()
    open_task.refresh_from_db()
    assert building.customer_manager == staff_a and open_task.assignee == staff_a
    assert client.post(url, {"target": "project", "manager": staff_a.pk}).status_code == 302
    project.refresh_from_db()
    assert project.customer_manager == staff_a
    assert "新楼栋" in client.get(url).content.decode()


def test_the_page_refuses_outsiders_and_hides_the_form_from_staff(
    client, project, building, manager_a, staff_a, staff_b, company_b
):
    url = reverse("project-customer-managers", args=[project.pk])
    client.force_login(manager_a)
    refused = client.post(url, {"target": str(building.pk), "manager": staff_b.pk})
    assert refused.status_code == 200 and refused.context["form"].errors
    client.force_login(staff_a)
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(url, {"target": str(building.pk), "manager": staff_a.pk}).status_code == 403
    manager_b = UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)
    client.force_login(manager_b)
    assert client.get(url).status_code == 404
    building.refresh_from_db()
    assert building.customer_manager is None


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_sets_a_buildings_manager_idempotently(project, building, manager_a, staff_a):
    unit = UnitFactory(building=building)
    open_task = task(unit)
    api = api_as(manager_a)
    url = f"/api/v1/buildings/{building.pk}/customer-manager/"
    first = api.post(url, {"user": staff_a.pk, "note": "接管"}, format="json")
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["changed"] is True and body["tasks_moved"] == 1
    assert body["customer_manager"]["id"] == staff_a.pk == body["effective_customer_manager"]["id"]
    again = api.post(url, {"user": staff_a.pk, "note": "接管"}, format="json").json()
    assert again["changed"] is False and again["tasks_moved"] == 0 and len(again["changes"]) == 1
    open_task.refresh_from_db()
    assert open_task.assignee == staff_a
    shown = api.get(url).json()
    assert shown["building"] == building.pk and shown["changes"][0]["note"] == "接管"


def test_the_api_sets_a_projects_manager_and_a_building_inherits_it(project, building, group_user, staff_a):
    api = api_as(group_user)
    response = api.post(
        f"/api/v1/projects/{project.pk}/customer-manager/", {"user": staff_a.pk}, format="json"
    )
    assert response.status_code == 200 and response.json()["building"] is None
    shown = api.get(f"/api/v1/buildings/{building.pk}/customer-manager/").json()
    assert shown["customer_manager"] is None and shown["effective_customer_manager"]["id"] == staff_a.pk
    cleared = api.post(f"/api/v1/projects/{project.pk}/customer-manager/", {"user": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["customer_manager"] is None


def test_the_api_permission_and_scope(project, building, staff_a, staff_b, manager_a, company_b, auditor):
    url = f"/api/v1/buildings/{building.pk}/customer-manager/"
    assert api_as(staff_a).get(url).status_code == 200
    assert api_as(staff_a).post(url, {"user": staff_a.pk}, format="json").status_code == 403
    assert api_as(auditor).post(url, {"user": staff_a.pk}, format="json").status_code == 403
    manager_b = UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)
    assert api_as(manager_b).get(url).status_code == 404
    assert api_as(manager_b).post(url, {"user": staff_b.pk}, format="json").status_code == 404
    project_url = f"/api/v1/projects/{project.pk}/customer-manager/"
    assert api_as(manager_b).post(project_url, {"user": staff_b.pk}, format="json").status_code == 404
    for outsider in (staff_b.pk, 99999999):
        refused = api_as(manager_a).post(url, {"user": outsider}, format="json")
        assert refused.status_code == 400 and refused.json()["code"] == "customer_manager_outside"
    assert api_as(manager_a).post(url, {"note": "x"}, format="json").status_code == 400
    building.refresh_from_db()
    assert building.customer_manager is None


# --- the home block -------------------------------------------------------------------------------


def block_html(page: str, key: str) -> str:
    match = re.search(rf'<section [^>]*data-block="{key}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def test_the_managers_home_shows_their_buildings_open_items(
    client, project, building, other_building, manager_a, staff_a, staff_a2
):
    customer_manager_set(project=project, building=building, manager=staff_a, by=manager_a)
    customer_manager_set(project=project, building=other_building, manager=staff_a2, by=manager_a)
    mine, theirs = UnitFactory(building=building), UnitFactory(building=other_building)
    today, now = timezone.localdate(), timezone.now()
    due = task(mine, assignee=staff_a2, due_on=today - timedelta(days=1), occasion="a")
    task(mine, due_on=today + timedelta(days=3), occasion="b")  # not due yet
    task(mine, status=ServiceTask.Status.DONE, occasion="c")  # done
    task(theirs, occasion="d")  # another manager's building
    open_complaint = ComplaintFactory(project=project, unit=mine)
    ComplaintFactory(project=project, unit=theirs)
    ComplaintFactory(project=project, unit=mine, status="closed", resolved_at=now, closed_at=now)
    callback = ComplaintFactory(
        project=project,
        unit=mine,
        status="resolved",
        resolved_at=now,
        callback_due_at=now - timedelta(hours=1),
    )

    client.force_login(staff_a)
    html = block_html(client.get(reverse("home")).content.decode(), "my-buildings")
    assert [int(pk) for pk in re.findall(r'data-task="(\d+)"', html)] == [due.pk]
    complaints_part = html.split('data-part="tasks"')[0]
    assert [int(pk) for pk in re.findall(r'data-complaint="(\d+)"', complaints_part)] == [open_complaint.pk]
    callbacks_part = html.split('data-part="callbacks"')[1]
    assert [int(pk) for pk in re.findall(r'data-complaint="(\d+)"', callbacks_part)] == [callback.pk]

    # Someone who manages nothing does not get the block.
    client.force_login(manager_a)
    assert 'data-block="my-buildings"' not in client.get(reverse("home")).content.decode()


def test_managed_area_follows_the_project(project, building, other_building, manager_a, staff_a, staff_a2):
    customer_manager_set(project=project, manager=staff_a, by=manager_a)
    customer_manager_set(project=project, building=building, manager=staff_a2, by=manager_a)
    area = managed_area(staff_a)
    assert (area.building_ids, area.project_ids, area.within) == (
        [other_building.pk],
        [project.pk],
        [project.pk],
    )
    assert managed_area(staff_a2).building_ids == [building.pk]
    assert not managed_area(manager_a)

"""The 6+2 pages' actions through the API (issue 16 §1): taking a task, changing a plan item, and
completing a task with its outcome; the same services, refusals, scoping and roles."""

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from customers.models import Communication
from organization import roles
from tests.conftest import api_as
from tests.factories import CustomerFactory, ProjectFactory, UserFactory
from tests.touchpoints.test_services import deliver
from touchpoints import services
from touchpoints.models import ActionType, PlanItem, ServiceTask

pytestmark = pytest.mark.django_db

TASKS = "/api/v1/service-tasks/"
ITEMS = "/api/v1/plan-items/"


@pytest.fixture
def callbacks(company_a):
    deliver(ProjectFactory(company=company_a), 2, days_ago=25)
    services.generate_delivery_work()
    return list(ServiceTask.objects.filter(action__code="delivery_callback").order_by("id"))


def a_plan_item(company, days=3, code="site_open_day") -> PlanItem:
    return PlanItem.objects.create(
        project=ProjectFactory(company=company),
        action=ActionType.objects.get(code=code),
        planned_on=timezone.localdate() + timedelta(days=days),
    )


# --- Taking a task -------------------------------------------------------------------------------


def test_staff_take_an_open_task(staff_a, manager_a, callbacks):
    task = callbacks[0]
    response = api_as(staff_a).post(f"{TASKS}{task.pk}/take/")
    assert response.status_code == 200 and response.json()["assignee"] == staff_a.pk
    again = api_as(staff_a).post(f"{TASKS}{task.pk}/take/")
    assert again.status_code == 200
    taken = api_as(manager_a).post(f"{TASKS}{task.pk}/take/", HTTP_ACCEPT_LANGUAGE="en")
    assert taken.status_code == 409 and taken.json()["code"] == "already_assigned"
    task.refresh_from_db()
    assert task.assignee == staff_a


def test_taking_needs_the_task_permission_and_the_company(auditor, staff_b, callbacks):
    task = callbacks[0]
    assert api_as(auditor).post(f"{TASKS}{task.pk}/take/").status_code == 403
    assert api_as(staff_b).post(f"{TASKS}{task.pk}/take/").status_code == 404
    task.refresh_from_db()
    assert task.assignee is None


# --- Completing with an outcome ------------------------------------------------------------------


def test_a_call_back_is_completed_with_its_outcome_as_on_the_page(integrator_a, staff_b, callbacks):
    task = callbacks[0]
    url = f"{TASKS}{task.pk}/complete/"
    missing = api_as(integrator_a).post(url, {"note": "已回访"}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "outcome_required"
    assert (
        api_as(staff_b).post(url, {"outcome": "satisfied", "channel": "phone"}, format="json").status_code
        == 404
    )
    done = api_as(integrator_a).post(
        url, {"note": "业主满意", "outcome": "satisfied", "channel": "phone"}, format="json"
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["outcome"], done.json()["channel"]) == (
        "done",
        "satisfied",
        "phone",
    )
    assert Communication.objects.filter(customer=task.customer).count() == 1
    twice = api_as(integrator_a).post(url, {"outcome": "satisfied", "channel": "phone"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_done"


# --- Changing a plan item ------------------------------------------------------------------------


def test_a_plan_item_is_moved_and_its_note_changed(staff_a, company_a):
    item = a_plan_item(company_a)
    day = (item.planned_on + timedelta(days=7)).isoformat()
    response = api_as(staff_a).patch(f"{ITEMS}{item.pk}/", {"planned_on": day}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "id": item.pk,
        "project": item.project_id,
        "action": "site_open_day",
        "planned_on": day,
        "note": "",
    }
    noted = api_as(staff_a).patch(f"{ITEMS}{item.pk}/", {"note": " 请提前报名 "}, format="json")
    assert noted.json()["note"] == "请提前报名" and noted.json()["planned_on"] == day


def test_a_plan_item_cannot_take_a_day_already_planned(staff_a, company_a):
    item = a_plan_item(company_a)
    other = PlanItem.objects.create(
        project=item.project, action=item.action, planned_on=item.planned_on + timedelta(days=1)
    )
    response = api_as(staff_a).patch(
        f"{ITEMS}{item.pk}/", {"planned_on": other.planned_on.isoformat()}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "already_planned"
    item.refresh_from_db()
    assert item.planned_on == other.planned_on - timedelta(days=1)


def test_a_plan_item_with_attendance_is_not_changed(staff_a, company_a):
    item = a_plan_item(company_a, days=-2)
    owner = CustomerFactory(company=company_a)
    services.plan_item_mark_attendees(item=item, customers=[owner], by=staff_a)
    response = api_as(staff_a).patch(
        f"{ITEMS}{item.pk}/", {"note": "改"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Attendance is already recorded for this plan item; it can no longer be changed.",
        "code": "plan_item_recorded",
    }


def test_changing_a_plan_item_needs_the_service_permission_and_the_company(auditor, staff_b, company_a):
    item = a_plan_item(company_a)
    assert api_as(auditor).patch(f"{ITEMS}{item.pk}/", {"note": "x"}, format="json").status_code == 403
    assert api_as(staff_b).patch(f"{ITEMS}{item.pk}/", {"note": "x"}, format="json").status_code == 404
    bad = UserFactory(username="viewer", company=item.project.company, role=roles.AUDITOR)
    assert api_as(bad).patch(f"{ITEMS}{item.pk}/", {"note": "x"}, format="json").status_code == 403
    invalid = api_as(
        UserFactory(username="s2", company=item.project.company, role=roles.FRONTLINE_STAFF)
    ).patch(f"{ITEMS}{item.pk}/", {"planned_on": "soon"}, format="json")
    assert invalid.status_code == 400 and "planned_on" in invalid.json()
    item.refresh_from_db()
    assert item.note == ""


def test_the_schema_documents_take_and_plan_item_changes(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    take = paths["/api/v1/service-tasks/{id}/take/"]["post"]
    assert take["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ServiceTask")
    assert {"403", "404", "409"} <= set(take["responses"])
    patch = paths["/api/v1/plan-items/{id}/"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PatchedPlanItemChangeInputRequest"
    )
    assert patch["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PlanItem")
    assert {"400", "403", "404", "409"} <= set(patch["responses"])


# --- The quarterly check (read) ------------------------------------------------------------------

CHECK = "/api/v1/reports/service-check/"


def test_the_quarterly_check_reads_as_the_page(integrator_a, company_a, callbacks):
    task = callbacks[0]
    services.task_complete(task=task, note="", by=integrator_a, outcome="satisfied", channel="phone")
    quarter = selectors_quarter(task.due_on)
    response = api_as(integrator_a).get(CHECK, {"project": task.project_id, "quarter": quarter})
    assert response.status_code == 200
    body = response.json()
    assert (body["project"], body["quarter"]) == (task.project_id, quarter)
    moving_in = next(step for step in body["steps"] if any(a["total"] for a in step["actions"]))
    callback = next(a for a in moving_in["actions"] if a["total"])
    assert (callback["done"], callback["total"], callback["percent"]) == (1, 2, 50.0)


def selectors_quarter(day) -> str:
    from touchpoints.selectors import Quarter

    return Quarter.of(day).label


def test_the_quarterly_check_is_scoped_and_needs_the_permission(staff_b, company_a):
    from organization.models import User

    project = ProjectFactory(company=company_a)
    assert api_as(staff_b).get(CHECK, {"project": project.pk}).status_code == 404
    nobody = User.objects.create_user(username="nobody", password="x", company=company_a)
    assert api_as(nobody).get(CHECK, {"project": project.pk}).status_code == 403
    bad = api_as(staff_b).get(CHECK, {"project": project.pk, "quarter": "2026Q5"})
    assert bad.status_code == 400 and "quarter" in bad.json()


BOARD = "/api/v1/reports/service-board/"


def test_the_board_reads_as_the_page(integrator_a, staff_b, callbacks):
    task = callbacks[0]
    services.task_complete(task=task, note="", by=integrator_a, outcome="satisfied", channel="phone")
    body = api_as(integrator_a).get(BOARD, {"project": task.project_id}).json()
    assert body["project"] == task.project_id and len(body["steps"]) == 8
    moving_in = next(step for step in body["steps"] if step["done"])
    callback = next(a for a in moving_in["actions"] if a["name"] == task.action.name)
    assert (callback["done"], callback["done"] + callback["due"] + callback["overdue"]) == (1, 2)
    assert api_as(staff_b).get(BOARD, {"project": task.project_id}).status_code == 404
    assert api_as(staff_b).get(BOARD).status_code == 400

"""Every action on one service task or plan item, on the pages and through the API, asks
organization.access for it (``access_service_task`` / ``access_plan_item``): outside the caller's
companies is 404, visible but not the caller's to act on 403 (the answers given before)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from organization import access
from tests.conftest import api_as
from tests.factories import PASSWORD, CustomerFactory, ProjectFactory
from touchpoints.models import ActionType, PlanItem, ServiceTask

pytestmark = pytest.mark.django_db
OWN, OTHER = "own", "other"


@pytest.fixture
def records(company_a, company_b):
    found = {}
    for where, company in ((OWN, company_a), (OTHER, company_b)):
        project = ProjectFactory(company=company)
        task = ServiceTask.objects.create(
            company=company,
            project=project,
            customer=CustomerFactory(company=company),
            action=ActionType.objects.get(code="periodic_callback"),
            occasion="test",
            due_on=date(2026, 5, 1),
            needs_outcome=True,  # as generated for a call-back
        )
        item = PlanItem.objects.create(
            project=project,
            action=ActionType.objects.get(code="site_open_day"),
            planned_on=timezone.localdate() - timedelta(days=1),
        )
        found[where] = {"task": task, "item": item}
    return found


def api_complete(client, record, user):
    body = {"note": "已回访", "outcome": "satisfied", "channel": "phone"}
    return client.post(f"/api/v1/service-tasks/{record['task'].pk}/complete/", body, format="json")


def api_assign(client, record, user):
    return client.post(
        f"/api/v1/service-tasks/{record['task'].pk}/assign/", {"assignee": user and user.pk}, format="json"
    )


def api_attendees(client, record, user):
    customers = [record["task"].customer_id]
    return client.post(
        f"/api/v1/plan-items/{record['item'].pk}/attendees/", {"customers": customers}, format="json"
    )


def page_complete(client, record, user):
    body = {"note": "满意", "outcome": "satisfied", "channel": "phone"}
    return client.post(reverse("task-complete", args=[record["task"].pk]), body)


def page_take(client, record, user):
    return client.post(reverse("task-take", args=[record["task"].pk]))


def page_attendees(client, record, user):
    item = record["item"]
    url = reverse("plan-item-attendees", args=[item.project_id, item.pk])
    return client.post(url, {"phones": record["task"].customer.phone})


# endpoint, the helper and action asked for, role: (answer for the role's company, for company B)
ANSWERS = {
    (api_complete, "access_service_task", "change"): {
        "staff_a": (200, 404),
        "integrator_a": (200, 404),
        "group_user": (200, 200),
        "auditor": (403, 403),
    },
    (api_assign, "access_service_task", "assign"): {
        "manager_a": (200, 404),
        "group_user": (200, 200),
        "staff_a": (403, 403),
        "integrator_a": (403, 403),
    },
    (api_attendees, "access_plan_item", "change"): {
        "staff_a": (200, 404),
        "integrator_a": (200, 404),
        "group_user": (200, 200),
        "auditor": (403, 403),
    },
    (page_complete, "access_service_task", "change"): {"staff_a": (302, 404), "group_user": (302, 302)},
    (page_take, "access_service_task", "change"): {"staff_a": (302, 404), "group_user": (302, 302)},
    (page_attendees, "access_plan_item", "change"): {"staff_a": (302, 404), "group_user": (302, 302)},
}
ROWS = [
    pytest.param(call, helper, action, role, own, other, id=f"{call.__name__}-{role}")
    for (call, helper, action), answers in ANSWERS.items()
    for role, (own, other) in answers.items()
]


@pytest.mark.parametrize(("call", "helper", "action", "role", "own", "other"), ROWS)
def test_each_action_asks_access_and_answers_as_before(
    request, client, records, monkeypatch, call, helper, action, role, own, other
):
    asked = []
    original = getattr(access, helper)

    def spy(user, pk, action="view"):
        asked.append((int(pk), action))
        return original(user, pk, action)

    monkeypatch.setattr(access, helper, spy)
    user = request.getfixturevalue(role)
    if call.__name__.startswith("api_"):
        client = api_as(user)
    else:
        client.login(username=user.username, password=PASSWORD)
    for where, expected in ((OWN, own), (OTHER, other)):
        record = records[where]
        asked.clear()
        assert call(client, record, user).status_code == expected
        pk = record["item" if helper == "access_plan_item" else "task"].pk
        if call.__name__ == "page_attendees" and expected == 404:
            assert asked == []  # the project of the URL is already outside the caller's companies
        else:
            assert asked == [(pk, action)]


@pytest.mark.parametrize("role", ["auditor", "integrator_a"])
@pytest.mark.parametrize("call", [page_complete, page_take, page_attendees])
def test_the_pages_refuse_who_may_not_use_them(request, client, records, role, call):
    user = request.getfixturevalue(role)
    client.login(username=user.username, password=PASSWORD)
    for where in (OWN, OTHER):
        assert call(client, records[where], user).status_code == 403


def test_a_plan_item_of_another_project_is_not_found_on_the_page(client, records, staff_a, company_a):
    item = records[OWN]["item"]
    elsewhere = ProjectFactory(company=company_a)
    client.login(username=staff_a.username, password=PASSWORD)
    url = reverse("plan-item-attendees", args=[elsewhere.pk, item.pk])
    assert client.post(url, {"phones": records[OWN]["task"].customer.phone}).status_code == 404


@pytest.mark.parametrize("call", [api_complete, api_assign, api_attendees])
def test_anonymous_api_callers_are_refused_before_anything_is_looked_up(records, call):
    assert call(APIClient(), records[OWN], None).status_code == 401


def test_the_bulk_assign_page_asks_access_for_the_ticked_tasks(client, records, manager_a, monkeypatch):
    asked = []
    original = access.access_service_tasks

    def spy(user, task_ids, action="view"):
        asked.append((sorted(task_ids), action))
        return original(user, task_ids, action)

    monkeypatch.setattr(access, "access_service_tasks", spy)
    own, other = records[OWN]["task"], records[OTHER]["task"]
    client.login(username=manager_a.username, password=PASSWORD)
    response = client.post(reverse("tasks-assign"), {"assignee": manager_a.pk, "tasks": [own.pk, other.pk]})
    assert response.status_code == 302
    assert asked == [(sorted([own.pk, other.pk]), "assign")]
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.assignee, other.assignee) == (manager_a, None)  # company B's task was never offered


def test_the_bulk_assign_page_refuses_who_may_not_assign(client, records, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    task = records[OWN]["task"]
    assert (
        client.post(reverse("tasks-assign"), {"assignee": staff_a.pk, "tasks": [task.pk]}).status_code == 403
    )

"""Assigning work, recording actions, plan items and the catalogue through the API and the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Communication
from organization import roles
from tests.conftest import api_as
from tests.factories import PASSWORD, CustomerFactory, ProjectFactory, UserFactory
from tests.touchpoints.test_services import deliver
from touchpoints import services
from touchpoints.models import ActionType, CheckAnswer, PlanItem, ServiceTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_tasks(company_a):
    deliver(ProjectFactory(company=company_a), 3, days_ago=25)  # call-backs due within the week
    services.generate_delivery_work()
    return list(ServiceTask.objects.filter(action__code="delivery_callback"))


def test_a_manager_assigns_and_staff_see_their_own(client, company_a, manager_a, staff_a, open_tasks):
    colleague = UserFactory(username="colleague", company=company_a, role=roles.FRONTLINE_STAFF)
    client.login(username=manager_a.username, password=PASSWORD)
    page = client.get(reverse("my-tasks")).content.decode()
    assert 'id="assign-form"' in page and f'value="{colleague.pk}"' in page
    client.post(
        reverse("tasks-assign"), {"assignee": colleague.pk, "tasks": [open_tasks[0].pk, open_tasks[1].pk]}
    )
    assert ServiceTask.objects.filter(assignee=colleague).count() == 2

    client.login(username=staff_a.username, password=PASSWORD)
    mine = client.get(reverse("my-tasks")).content.decode()
    assert mine.count("data-task=") == 1  # the unassigned one; the colleague's are not offered
    assert 'id="assign-form"' not in mine
    client.post(reverse("task-take", args=[open_tasks[2].pk]))
    assert client.get(reverse("my-tasks"), {"show": "assigned"}).content.decode().count("data-task=") == 1
    page = client.post(reverse("task-take", args=[open_tasks[0].pk]), follow=True).content.decode()
    assert "已分配给" in page
    assert client.post(reverse("tasks-assign"), {"assignee": staff_a.pk}).status_code == 403


def test_tasks_cannot_go_to_someone_of_another_company(company_a, company_b, manager_a, open_tasks):
    outsider = UserFactory(username="outsider", company=company_b, role=roles.FRONTLINE_STAFF)
    api = api_as(manager_a)
    refused = api.post(
        f"/api/v1/service-tasks/{open_tasks[0].pk}/assign/", {"assignee": outsider.pk}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "assignee_outside"
    assert not ServiceTask.objects.filter(assignee__isnull=False).exists()
    ok = api.post(
        f"/api/v1/service-tasks/{open_tasks[0].pk}/assign/", {"assignee": manager_a.pk}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["assignee"] == manager_a.pk
    released = api.post(
        f"/api/v1/service-tasks/{open_tasks[0].pk}/assign/", {"assignee": None}, format="json"
    )
    assert released.json()["assignee"] is None


def record(api, **fields):
    return api.post("/api/v1/service-tasks/", fields, format="json")


def test_recording_an_action_once_with_clear_errors(company_a, company_b, integrator_a):
    project = ProjectFactory(company=company_a)
    owner = CustomerFactory(company=company_a)
    stranger = CustomerFactory(company=company_b)
    api = api_as(integrator_a)
    today = timezone.localdate()
    base = {"action": "contract_explanation", "project": project.pk, "customer": owner.pk}

    created = record(api, **base, done_on=str(today), note="讲解了付款条款")
    assert created.status_code == 201 and created.json()["status"] == "done"
    assert Communication.objects.filter(customer=owner, content__contains="合同条款讲解").count() == 1
    twice = record(api, **base, done_on=str(today))
    assert twice.status_code == 409 and twice.json()["code"] == "already_recorded"
    future = record(api, **base, done_on=str(today + timedelta(days=2)))
    assert future.status_code == 400 and future.json()["code"] == "action_in_future"
    outside = record(api, **{**base, "customer": stranger.pk}, done_on=str(today))
    assert outside.status_code == 400 and "customer" in outside.json()
    assert ServiceTask.objects.count() == 1 and Communication.objects.count() == 1


def test_an_action_of_a_plan_item_must_be_on_the_planned_day(company_a, integrator_a):
    project = ProjectFactory(company=company_a)
    owner = CustomerFactory(company=company_a)
    day = timezone.localdate() - timedelta(days=3)
    item = PlanItem.objects.create(
        project=project, action=ActionType.objects.get(code="site_open_day"), planned_on=day
    )
    api = api_as(integrator_a)
    base = {"action": "site_open_day", "project": project.pk, "customer": owner.pk, "plan_item": item.pk}
    wrong_day = record(api, **base, done_on=str(day - timedelta(days=1)))
    assert wrong_day.status_code == 400 and wrong_day.json()["code"] == "outside_plan"
    assert "计划" in wrong_day.json()["detail"]
    assert record(api, **base, done_on=str(day)).status_code == 201
    assert record(api, **base, done_on=str(day)).status_code == 409


def test_plan_items_and_attendees_through_the_api(company_a, company_b, integrator_a):
    project = ProjectFactory(company=company_a)
    owners = [CustomerFactory(company=company_a) for _ in range(2)]
    api = api_as(integrator_a)
    day = str(timezone.localdate() - timedelta(days=1))
    created = api.post(
        "/api/v1/plan-items/",
        {"project": project.pk, "action": "site_open_day", "planned_on": day},
        format="json",
    )
    assert created.status_code == 201
    again = api.post(
        "/api/v1/plan-items/",
        {"project": project.pk, "action": "site_open_day", "planned_on": day},
        format="json",
    )
    assert again.status_code == 409
    foreign = api.post(
        "/api/v1/plan-items/",
        {"project": ProjectFactory(company=company_b).pk, "action": "site_open_day", "planned_on": day},
        format="json",
    )
    assert foreign.status_code == 400
    item_id = created.json()["id"]
    url = f"/api/v1/plan-items/{item_id}/attendees/"
    assert api.post(url, {"customers": [o.pk for o in owners]}, format="json").status_code == 200
    assert ServiceTask.objects.filter(occasion=f"plan-{item_id}").count() == 2
    assert api.post(url, {"customers": [owners[0].pk]}, format="json").status_code == 409
    assert api.post(url, {"customers": []}, format="json").status_code == 400
    assert ServiceTask.objects.filter(occasion=f"plan-{item_id}").count() == 2
    listed = api.get("/api/v1/plan-items/", {"project": project.pk}).json()["results"]
    assert [row["id"] for row in listed] == [item_id]


def test_the_catalogue_api_lists_the_eight_steps(integrator_a):
    steps = api_as(integrator_a).get("/api/v1/service-steps/").json()
    assert [step["order"] for step in steps] == list(range(1, 9))
    moving_in = next(step for step in steps if step["code"] == "moving_in")
    assert {"code": "delivery_callback", "name": "交付满意度回访", "standard": True} in moving_in["actions"]


def test_staff_enter_an_owners_check_answers_all_or_nothing(client, company_a, company_b, staff_a):
    from touchpoints.selectors import Quarter

    project = ProjectFactory(company=company_a)
    owner = CustomerFactory(phone="13822220001", company=company_a)
    CustomerFactory(phone="13822220002", company=company_b)
    quarter = Quarter.of(timezone.localdate()).label
    client.login(username=staff_a.username, password=PASSWORD)
    url = reverse("check-answers-add", args=[project.pk])
    form = {
        "phone": "138 2222 0001",
        "quarter": quarter,
        "q_knows_how_to_complain": "yes",
        "q_contacted_regularly": "no",
    }
    page = client.post(url, form, follow=True).content.decode()
    assert "已记录 2 条回答" in page
    assert dict(CheckAnswer.objects.filter(customer=owner).values_list("question__code", "answer")) == {
        "knows_how_to_complain": True,
        "contacted_regularly": False,
    }
    page = client.post(url, {**form, "q_invited_to_open_day": "yes"}, follow=True).content.decode()
    assert "已回答" in page
    assert CheckAnswer.objects.count() == 2  # the new answer was not kept beside the refused repeat
    page = client.post(url, {**form, "phone": "13822220002"}, follow=True).content.decode()
    assert "没有此号码的客户" in page
    page = client.post(url, {**form, "quarter": "2099Q1"}, follow=True).content.decode()
    assert "尚未开始" in page
    assert CheckAnswer.objects.count() == 2

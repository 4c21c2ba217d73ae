"""A call-back or a visit is completed with what really happened: its outcome and how the owner was
reached. Nothing is filled in by default; legacy rows say "not recorded"."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from customers.models import Communication
from tests.conftest import api_as
from tests.factories import PASSWORD, CustomerFactory, ProjectFactory
from touchpoints import rules, services
from touchpoints.models import ActionType, ServiceTask

from .test_services import deliver


@pytest.fixture
def callback(company_a):
    deliver(ProjectFactory(company=company_a), 1, days_ago=40)
    services.generate_delivery_work()
    return ServiceTask.objects.get(action__code="delivery_callback")


@pytest.mark.parametrize(
    ("code", "needed"),
    [
        ("delivery_callback", True),
        ("periodic_callback", True),
        ("home_visit", True),
        ("four_year_visit", True),
        ("birthday_greeting", False),
        ("contract_explanation", False),
        ("site_open_day", False),
    ],
)
def test_which_actions_record_an_outcome(code, needed):
    assert rules.needs_outcome(code) is needed


@pytest.mark.parametrize(
    ("code", "outcome", "channel", "problem"),
    [
        ("delivery_callback", "satisfied", "phone", None),
        ("home_visit", "unreachable", "visit", None),
        ("delivery_callback", "not_satisfied", "message", None),
        ("delivery_callback", "", "phone", "outcome_required"),
        ("delivery_callback", "satisfied", "", "outcome_required"),
        ("delivery_callback", "", "", "outcome_required"),
        ("delivery_callback", "not_recorded", "phone", "outcome_required"),  # only for legacy rows
        ("delivery_callback", "satisfied", "not_recorded", "outcome_required"),
        ("delivery_callback", "pleased", "phone", "outcome_required"),
        ("contract_explanation", "", "", None),
        ("contract_explanation", "satisfied", "phone", "outcome_not_expected"),
    ],
)
def test_outcome_problem(code, outcome, channel, problem):
    assert rules.outcome_problem(code, outcome=outcome, channel=channel) == problem


def test_the_api_refuses_a_callback_without_its_outcome(callback, integrator_a):
    api = api_as(integrator_a)
    url = f"/api/v1/service-tasks/{callback.pk}/complete/"
    for body in ({"note": "已回访"}, {"note": "已回访", "outcome": "satisfied"}, {"channel": "phone"}):
        answer = api.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert answer.status_code == 400, body
        assert answer.json()["code"] == "outcome_required"
        assert "回访结果" in answer.json()["detail"]
    callback.refresh_from_db()
    assert (callback.status, callback.outcome, callback.channel, callback.done_by) == ("open", "", "", None)
    assert not Communication.objects.exists()
    made_up = api.post(url, {"outcome": "not_recorded", "channel": "phone"}, format="json")
    assert made_up.status_code == 400


def test_the_api_stores_the_outcome_and_channel(callback, integrator_a):
    api = api_as(integrator_a)
    answer = api.post(
        f"/api/v1/service-tasks/{callback.pk}/complete/",
        {"note": "业主对交付满意", "outcome": "not_satisfied", "channel": "visit"},
        format="json",
    )
    assert answer.status_code == 200
    assert (answer.json()["outcome"], answer.json()["channel"]) == ("not_satisfied", "visit")
    callback.refresh_from_db()
    assert (callback.status, callback.outcome, callback.channel) == ("done", "not_satisfied", "visit")
    listed = api.get(f"/api/v1/service-tasks/?customer={callback.customer_id}").json()["results"]
    assert listed[0]["outcome"] == "not_satisfied"
    logged = Communication.objects.get(customer=callback.customer)
    assert logged.channel == "visit"
    assert "不满意" in logged.content and "业主对交付满意" in logged.content


def test_the_schema_documents_the_choices(integrator_a):
    schema = api_as(integrator_a).get("/api/schema/", {"format": "json"}).json()
    complete = schema["components"]["schemas"]["CompleteInputRequest"]["properties"]
    assert {"outcome", "channel"} <= set(complete)


def test_the_page_shows_the_choices_and_refuses_a_callback_without_its_outcome(client, callback, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("my-tasks")).content.decode()
    assert 'name="outcome"' in page and 'name="channel"' in page and "未联系上" in page
    answer = client.post(reverse("task-complete", args=[callback.pk]), {"note": "满意"}, follow=True)
    assert "请选择回访结果和联系方式" in answer.content.decode()
    callback.refresh_from_db()
    assert callback.status == "open"
    client.post(
        reverse("task-complete", args=[callback.pk]),
        {"note": "没人接", "outcome": "unreachable", "channel": "phone"},
    )
    callback.refresh_from_db()
    assert (callback.status, callback.outcome, callback.channel) == ("done", "unreachable", "phone")
    timeline = client.get(reverse("customer-detail", args=[callback.customer_id])).content.decode()
    assert "未联系上" in timeline


def test_a_recorded_callback_needs_its_outcome_too(company_a, integrator_a):
    project = ProjectFactory(company=company_a)
    owner = CustomerFactory(company=company_a)
    api = api_as(integrator_a)
    base = {"action": "periodic_callback", "project": project.pk, "customer": owner.pk}
    today = str(timezone.localdate())
    missing = api.post("/api/v1/service-tasks/", {**base, "done_on": today}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "outcome_required"
    assert not ServiceTask.objects.exists()
    done = api.post(
        "/api/v1/service-tasks/",
        {**base, "done_on": today, "outcome": "satisfied", "channel": "phone"},
        format="json",
    )
    assert done.status_code == 201 and done.json()["outcome"] == "satisfied"
    contract = api.post(
        "/api/v1/service-tasks/",
        {
            **base,
            "action": "contract_explanation",
            "done_on": today,
            "outcome": "satisfied",
            "channel": "phone",
        },
        format="json",
    )
    assert contract.status_code == 400 and contract.json()["code"] == "outcome_not_expected"


def test_event_attendance_is_not_a_way_to_close_callbacks(company_a, staff_a):
    from touchpoints.models import PlanItem

    project = ProjectFactory(company=company_a)
    owner = CustomerFactory(company=company_a)
    item = PlanItem.objects.create(
        project=project,
        action=ActionType.objects.get(code="periodic_callback"),
        planned_on=timezone.localdate() - timedelta(days=1),
    )
    from core.exceptions import DomainError

    with pytest.raises(DomainError) as refused:
        services.plan_item_mark_attendees(item=item, customers=[owner], by=staff_a)
    assert refused.value.code == "outcome_required"
    assert not ServiceTask.objects.exists()


def test_the_database_refuses_a_done_callback_without_an_outcome(callback, staff_a):
    callback.status, callback.done_at, callback.done_by = "done", timezone.now(), staff_a
    with pytest.raises(IntegrityError), transaction.atomic():
        callback.save()


def test_legacy_callbacks_done_without_an_outcome_say_not_recorded(callback, staff_a):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("touchpoints.migrations.0006_task_outcome")
    # A row as it was before the outcome existed: done, no outcome, not yet flagged.
    ServiceTask.objects.filter(pk=callback.pk).update(
        needs_outcome=False, status="done", done_at=timezone.now(), done_by=staff_a
    )
    open_visit = ServiceTask.objects.get(action__code="home_visit")
    ServiceTask.objects.filter(pk=open_visit.pk).update(needs_outcome=False)
    migration.mark_outcomes(apps, None)
    callback.refresh_from_db()
    open_visit.refresh_from_db()
    assert (callback.needs_outcome, callback.outcome, callback.channel) == (
        True,
        "not_recorded",
        "not_recorded",
    )
    assert (open_visit.needs_outcome, open_visit.outcome, open_visit.status) == (True, "", "open")


def test_the_choices_offered_are_the_ones_the_rule_accepts():
    from touchpoints.models import CHANNEL_CHOICES, OUTCOME_CHOICES

    assert [code for code, _label in OUTCOME_CHOICES] == list(rules.OUTCOMES)
    assert [code for code, _label in CHANNEL_CHOICES] == list(rules.CHANNELS)

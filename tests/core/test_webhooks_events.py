"""Each event is emitted by the service where the change happens, in its transaction, to the
subscriptions that want it, with the resource as the subscriber would read it from the API."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints import services as complaint_services
from core.webhook_models import WebhookDelivery
from core.webhooks import services as webhooks
from customers import services as customer_services
from customers.models import AccessLog
from organization import roles
from surveys import services as survey_services
from surveys.models import Respondent
from tests.factories import (
    BuildingFactory,
    ComplaintFactory,
    CustomerFactory,
    ProjectFactory,
    PurchaseFactory,
    UnitFactory,
    UserFactory,
    member_for,
)
from tests.surveys.conftest import full_answers, make_owner
from touchpoints import services as touchpoint_services
from touchpoints.models import ServiceTask

pytestmark = pytest.mark.django_db

ALL = ["complaint.created", "complaint.tier_raised", "complaint.status_changed", "complaint.closed"]


@pytest.fixture(autouse=True)
def allow_local(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


def subscribe(user, event_types, **kwargs):
    return webhooks.subscription_create(
        user=user, url="http://127.0.0.1:9/hook", event_types=event_types, secret="x" * 20, **kwargs
    )


def bodies(subscription, event_type=None):
    rows = WebhookDelivery.objects.filter(subscription=subscription).order_by("id")
    if event_type:
        rows = rows.filter(event_type=event_type)
    return [json.loads(row.body) for row in rows]


def intake(project, **overrides):
    values = {
        "project": project,
        "channel": "hotline",
        "category": "construction",
        "title": "渗水",
        "description": "楼上渗水",
    }
    return complaint_services.Intake(**{**values, **overrides})


def test_a_complaint_story_is_told_in_order(company_a, integrator_a, staff_a):
    subscription = subscribe(integrator_a, ALL)
    project = ProjectFactory(company=company_a)
    complaint = complaint_services.complaint_create(
        intake=intake(project, litigation="filed"), received_by=staff_a
    )
    complaint_services.complaint_assign(
        complaint=complaint, handler=staff_a, department="", deadline=None, by=staff_a
    )
    types = [body["type"] for body in bodies(subscription)]
    assert types[0] == "complaint.created"
    assert "complaint.tier_raised" in types  # a lawsuit filed: major at once
    assert types.index("complaint.created") < types.index("complaint.tier_raised")
    assert types[-1] == "complaint.status_changed"  # assigned
    created = bodies(subscription, "complaint.created")[0]
    assert created["data"]["id"] == complaint.pk and created["data"]["number"] == complaint.number
    assert bodies(subscription)[-1]["data"]["status"] == "assigned"
    assert {row.resource for row in WebhookDelivery.objects.all()} == {f"complaint:{complaint.pk}"}


def test_closing_is_its_own_event(company_a, integrator_a, staff_a):
    subscription = subscribe(integrator_a, ["complaint.closed"])
    complaint = ComplaintFactory(project__company=company_a, status="resolved", resolved_at=timezone.now())
    complaint_services.complaint_confirm_solved(complaint=complaint)
    (body,) = bodies(subscription)
    assert body["type"] == "complaint.closed" and body["data"]["status"] == "closed"


def test_only_the_companys_and_group_level_subscriptions_get_its_events(
    company_a, company_b, integrator_a, group_user, staff_a
):
    own = subscribe(integrator_a, ["complaint.created"])
    other = subscribe(UserFactory(company=company_b, role=roles.INTEGRATOR), ["complaint.created"])
    group_wide = subscribe(group_user, ["complaint.created"])
    for_b = subscribe(group_user, ["complaint.created"], company_id=company_b.pk)
    not_wanted = subscribe(integrator_a, ["customer.created"])
    complaint_services.complaint_create(intake=intake(ProjectFactory(company=company_a)), received_by=staff_a)
    assert len(bodies(own)) == len(bodies(group_wide)) == 1
    assert bodies(other) == bodies(for_b) == bodies(not_wanted) == []
    assert bodies(own)[0]["id"] == bodies(group_wide)[0]["id"]  # one event, two deliveries


def test_customer_data_is_masked_by_the_subscribers_rights(company_a, integrator_a, group_user):
    masked = subscribe(integrator_a, ["customer.created"])
    full = subscribe(group_user, ["customer.created"])
    customer, created = customer_services.customer_upsert(
        company=company_a, phone="13812345678", source="sales", profile={"name": "王女士"}
    )
    assert created
    assert bodies(masked)[0]["data"]["phone"] != "13812345678" and "*" in bodies(masked)[0]["data"]["phone"]
    assert bodies(full)[0]["data"]["phone"] == "13812345678"
    # Reading unmasked is audited, as ?unmask=1 on the API is.
    log = AccessLog.objects.get(customer=customer)
    assert log.user == group_user and log.full_data and log.detail == "webhook"
    customer_services.customer_upsert(company=company_a, phone="13812345678", source="sales", profile={})
    assert len(bodies(masked)) == 1  # an update is not a creation


def test_merge_purchase_points_survey_and_task_events(company_a, integrator_a, staff_a):
    subscription = subscribe(
        integrator_a,
        [
            "customer.merged",
            "purchase.recorded",
            "member.points_changed",
            "survey.completed",
            "task.completed",
        ],
    )
    keep, duplicate = CustomerFactory(company=company_a), CustomerFactory(company=company_a)
    customer_services.customers_merge(keep=keep, duplicate=duplicate, user=staff_a, ip_address=None)
    merged = bodies(subscription, "customer.merged")[0]["data"]
    assert merged["id"] == keep.pk and merged["merged_customer"] == duplicate.pk

    unit = UnitFactory(building__project__company=company_a)
    purchase, _created = customer_services.purchase_record(
        customer=keep, unit=unit, contract_date=date(2024, 5, 1), price=Decimal("2500000")
    )
    assert bodies(subscription, "purchase.recorded")[0]["data"]["id"] == purchase.pk

    member = member_for(company_a, points=100)
    points = bodies(subscription, "member.points_changed")
    assert points[-1]["data"]["id"] == member.pk and points[-1]["data"]["points_delta"] == 100
    assert "*" in points[-1]["data"]["phone"]

    project = ProjectFactory(company=company_a)
    building = BuildingFactory(project=project)
    delivered = timezone.localdate() - timedelta(days=20)
    PurchaseFactory(
        unit=UnitFactory(building=building),
        delivery_date=delivered,
        contract_date=delivered - timedelta(days=300),
    )
    touchpoint_services.generate_delivery_work()
    task = ServiceTask.objects.filter(action__code="delivery_callback").first()
    touchpoint_services.task_complete(
        task=task, note="满意", by=staff_a, outcome="satisfied", channel="phone"
    )
    assert bodies(subscription, "task.completed")[0]["data"]["id"] == task.pk

    from surveys.catalogue import install_default_catalogue

    install_default_catalogue()
    make_owner(project)
    today = timezone.localdate()
    plan = survey_services.plan_create(
        project=project,
        year=today.year,
        name="满意度",
        stage="run_in",
        segment="",
        sample_size=10,
        method="online",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        by=staff_a,
    )
    survey_services.plan_draw_sample(plan=plan)
    respondent = Respondent.objects.filter(plan=plan).first()
    survey_services.answers_save(respondent=respondent, answers=full_answers(respondent), complete=True)
    survey = bodies(subscription, "survey.completed")[0]["data"]
    assert survey["id"] == respondent.pk and survey["status"] == "completed"
    assert survey["link"] is None  # integrators never see the private link


def test_nothing_is_written_without_a_subscription(company_a, staff_a):
    complaint_services.complaint_create(intake=intake(ProjectFactory(company=company_a)), received_by=staff_a)
    assert not WebhookDelivery.objects.exists()


def test_a_failed_business_transaction_leaves_no_delivery(company_a, integrator_a, staff_a):
    from core.exceptions import DomainError

    subscribe(integrator_a, ["complaint.created"])
    project = ProjectFactory(company=company_a)
    with pytest.raises(DomainError):
        complaint_services.complaint_create(
            intake=intake(project, received_at=timezone.now() + timedelta(days=1)), received_by=staff_a
        )
    assert not WebhookDelivery.objects.exists()


def test_one_read_of_the_subscriptions_per_transaction(company_a, integrator_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complaint = ComplaintFactory(project__company=company_a)
    with CaptureQueriesContext(connection) as queries:
        for event_type in ("complaint.created", "complaint.status_changed", "complaint.tier_raised"):
            webhooks.emit(event_type, complaint, company_id=company_a.pk)
    assert len(queries) == 1 and not WebhookDelivery.objects.exists()
    subscribe(integrator_a, ["complaint.created"])  # a change is seen at once
    with CaptureQueriesContext(connection) as queries:
        webhooks.emit("complaint.created", complaint, company_id=company_a.pk)
        webhooks.emit("complaint.created", complaint, company_id=company_a.pk)
    assert WebhookDelivery.objects.count() == 2
    assert sum("webhooksubscription" in query["sql"] for query in queries.captured_queries) == 1

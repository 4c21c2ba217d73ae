"""The webhook API (subscriptions, the delivery log, send again) and the staff page: who may do what."""

import pytest
import yaml
from django.urls import reverse

from core.webhook_models import WebhookDelivery, WebhookSubscription
from core.webhooks import services
from organization import roles
from tests.conftest import api_as
from tests.factories import ComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:8089/hook"


@pytest.fixture(autouse=True)
def allow_local(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def integrator_b(company_b):
    return UserFactory(username="integrator_b", company=company_b, role=roles.INTEGRATOR)


def create(user, **body):
    return api_as(user).post(
        "/api/v1/webhooks/", {"url": URL, "event_types": ["complaint.created"], **body}, format="json"
    )


def test_an_integrator_registers_and_sees_the_secret_once(integrator_a, company_a):
    response = create(integrator_a, secret="integrator-secret-123456", description="呼叫中心")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"] == "integrator-secret-123456" and body["company"] == company_a.pk
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret == "integrator-secret-123456" and subscription.owner == integrator_a
    detail = api_as(integrator_a).get(f"/api/v1/webhooks/{body['id']}/").json()
    assert "secret" not in detail and detail["url"] == URL
    listed = api_as(integrator_a).get("/api/v1/webhooks/").json()["results"]
    assert [row["id"] for row in listed] == [body["id"]] and "secret" not in listed[0]


def test_a_secret_is_made_when_none_is_given(integrator_a):
    body = create(integrator_a).json()
    assert len(body["secret"]) >= 32


def test_integrators_see_and_manage_only_their_companys(integrator_a, integrator_b, company_b):
    mine = create(integrator_a).json()["id"]
    theirs = create(integrator_b).json()["id"]
    client = api_as(integrator_a)
    assert [row["id"] for row in client.get("/api/v1/webhooks/").json()["results"]] == [mine]
    assert client.get(f"/api/v1/webhooks/{theirs}/").status_code == 404
    assert client.patch(f"/api/v1/webhooks/{theirs}/", {"is_active": False}, format="json").status_code == 404
    assert client.delete(f"/api/v1/webhooks/{theirs}/").status_code == 404
    refused = create(integrator_a, company=company_b.pk)
    assert refused.status_code == 400 and refused.json()["code"] == "own_company_only"


def test_the_group_centre_manages_any_and_may_subscribe_to_every_company(
    group_user, integrator_a, integrator_b, company_b
):
    a, b = create(integrator_a).json()["id"], create(integrator_b).json()["id"]
    everything = create(group_user)
    assert everything.status_code == 201 and everything.json()["company"] is None
    one = create(group_user, company=company_b.pk).json()
    unknown = create(group_user, company=999999)
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_company"
    assert one["company"] == company_b.pk
    client = api_as(group_user)
    ids = {row["id"] for row in client.get("/api/v1/webhooks/").json()["results"]}
    assert ids == {a, b, everything.json()["id"], one["id"]}
    assert client.patch(f"/api/v1/webhooks/{a}/", {"is_active": False}, format="json").status_code == 200
    assert client.delete(f"/api/v1/webhooks/{b}/").status_code == 204


@pytest.mark.parametrize("role", ["staff_a", "manager_a", "auditor"])
def test_nobody_else_uses_the_api(request, role, integrator_a):
    subscription = create(integrator_a).json()["id"]
    client = api_as(request.getfixturevalue(role))
    assert client.get("/api/v1/webhooks/").status_code == 403
    assert client.get(f"/api/v1/webhooks/{subscription}/").status_code == 403
    assert create(request.getfixturevalue(role)).status_code == 403
    assert client.get("/api/v1/webhook-deliveries/").status_code == 403


def test_anonymous_callers_are_refused(integrator_a):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/webhooks/").status_code == 401


def test_bad_subscriptions_are_400(integrator_a, settings):
    client = api_as(integrator_a)
    unknown = client.post(
        "/api/v1/webhooks/", {"url": URL, "event_types": ["complaint.deleted"]}, format="json"
    )
    assert unknown.status_code == 400
    empty = client.post("/api/v1/webhooks/", {"url": URL, "event_types": []}, format="json")
    assert empty.status_code == 400
    short = create(integrator_a, secret="short")
    assert short.status_code == 400 and short.json()["code"] == "webhook_secret_short"
    settings.WEBHOOK_ALLOWED_HOSTS = []
    private = create(integrator_a)
    assert private.status_code == 400 and private.json()["code"] == "webhook_url_private"
    metadata = client.post(
        "/api/v1/webhooks/",
        {"url": "http://169.254.169.254/latest/", "event_types": ["complaint.created"]},
        format="json",
    )
    assert metadata.status_code == 400 and metadata.json()["code"] == "webhook_url_private"
    assert not WebhookSubscription.objects.exists()


def test_changing_the_url_is_checked_too(integrator_a, settings):
    subscription = create(integrator_a).json()["id"]
    settings.WEBHOOK_ALLOWED_HOSTS = []
    response = api_as(integrator_a).patch(
        f"/api/v1/webhooks/{subscription}/", {"url": "http://10.0.0.5/x"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "webhook_url_private"


def test_switching_back_on_resets_the_failure_count(integrator_a):
    subscription_id = create(integrator_a).json()["id"]
    WebhookSubscription.objects.filter(pk=subscription_id).update(is_active=False, consecutive_failures=100)
    body = api_as(integrator_a).patch(
        f"/api/v1/webhooks/{subscription_id}/", {"is_active": True}, format="json"
    )
    assert body.status_code == 200
    assert body.json()["is_active"] is True and body.json()["consecutive_failures"] == 0


def _delivery(subscription_id, company, status="failed"):
    complaint = ComplaintFactory(project__company=company)
    services.emit("complaint.created", complaint, company_id=company.pk)
    row = WebhookDelivery.objects.filter(subscription_id=subscription_id).latest("id")
    row.status, row.attempts, row.last_error, row.response_code = status, 30, "HTTP 500", 500
    row.save()
    return row


def test_the_delivery_log_and_send_again(integrator_a, integrator_b, company_a, company_b):
    mine = create(integrator_a).json()["id"]
    theirs = create(integrator_b).json()["id"]
    failed = _delivery(mine, company_a)
    other = _delivery(theirs, company_b)
    client = api_as(integrator_a)
    rows = client.get(f"/api/v1/webhook-deliveries/?subscription={mine}").json()["results"]
    assert [row["id"] for row in rows] == [failed.pk]
    assert rows[0]["status"] == "failed" and rows[0]["attempts"] == 30 and rows[0]["last_error"] == "HTTP 500"
    assert rows[0]["response_code"] == 500
    assert client.get(f"/api/v1/webhook-deliveries/?subscription={theirs}").json()["results"] == []
    assert client.get(f"/api/v1/webhook-deliveries/{other.pk}/").status_code == 404
    assert client.post(f"/api/v1/webhook-deliveries/{other.pk}/resend/").status_code == 404

    again = client.post(f"/api/v1/webhook-deliveries/{failed.pk}/resend/")
    assert again.status_code == 201
    copy = WebhookDelivery.objects.get(pk=again.json()["id"])
    assert copy.status == "pending" and copy.attempts == 0 and copy.event_id == failed.event_id
    assert copy.uuid != failed.uuid and copy.body == failed.body
    pending = client.post(f"/api/v1/webhook-deliveries/{copy.pk}/resend/")
    assert pending.status_code == 400 and pending.json()["code"] == "webhook_delivery_pending"
    assert client.get("/api/v1/webhook-deliveries/?status=nonsense").status_code == 400


def test_the_schema_documents_the_webhook_endpoints(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    for path in (
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/",
        "/api/v1/webhook-deliveries/",
        "/api/v1/webhook-deliveries/{id}/",
        "/api/v1/webhook-deliveries/{id}/resend/",
    ):
        assert path in paths, path
    assert "201" in paths["/api/v1/webhooks/"]["post"]["responses"]
    created = schema["components"]["schemas"]["WebhookSubscriptionCreated"]["properties"]
    assert "secret" in created
    assert "secret" in schema["components"]["schemas"]["WebhookSubscriptionRequest"]["properties"]
    assert "secret" not in schema["components"]["schemas"]["WebhookSubscription"]["properties"]


# --- The staff page -------------------------------------------------------------------------------


def test_managers_see_their_companys_deliveries_and_send_again(
    client, manager_a, integrator_a, integrator_b, company_a, company_b
):
    mine, theirs = create(integrator_a).json()["id"], create(integrator_b).json()["id"]
    failed = _delivery(mine, company_a)
    other = _delivery(theirs, company_b)
    client.force_login(manager_a)
    page = client.get(reverse("webhooks"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-subscription="{mine}"' in html and f'data-subscription="{theirs}"' not in html
    assert f'data-delivery="{failed.pk}"' in html and f'data-delivery="{other.pk}"' not in html
    assert f'data-resend="{failed.pk}"' in html
    response = client.post(reverse("webhooks"), {"delivery": failed.pk, "subscription": mine})
    assert response.status_code == 302 and response.url.endswith(f"?subscription={mine}")
    assert WebhookDelivery.objects.filter(subscription_id=mine, status="pending").count() == 1
    client.post(reverse("webhooks"), {"delivery": other.pk})  # another company's: not found
    assert WebhookDelivery.objects.filter(subscription_id=theirs).count() == 1
    filtered = client.get(reverse("webhooks"), {"subscription": mine, "status": "pending"}).content.decode()
    assert 'data-status="failed"' not in filtered and 'data-status="pending"' in filtered


def test_the_group_centre_sees_every_company_on_the_page(client, group_user, integrator_a, integrator_b):
    mine, theirs = create(integrator_a).json()["id"], create(integrator_b).json()["id"]
    client.force_login(group_user)
    html = client.get(reverse("webhooks")).content.decode()
    assert f'data-subscription="{mine}"' in html and f'data-subscription="{theirs}"' in html


@pytest.mark.parametrize("role", ["staff_a", "auditor", "integrator_a"])
def test_others_may_not_open_the_page(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("webhooks")).status_code == 403

"""The government channel through the API: intake with the authority's case, the verdict, closing,
the redo count, scoping and roles."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from complaints import selectors
from complaints.models import Complaint
from tests.complaints.test_api import create_body
from tests.conftest import api_as
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_language():
    yield
    translation.deactivate()


def government_body(project, **overrides):
    deadline = (timezone.now() + timedelta(days=5)).isoformat()
    external = {
        "channel": "government",
        "external_source": "12345",
        "external_ref": "ZZ12345-20261204-0001",
        "external_deadline": deadline,
    }
    return create_body(project, **{**external, **overrides})


def create(client, body):
    return client.post("/api/v1/complaints/", body, format="json")


def act(client, complaint_id, action, body):
    return client.post(f"/api/v1/complaints/{complaint_id}/{action}/", body, format="json")


def test_a_12345_referral_is_taken_in_important_with_the_authoritys_case(company_a, staff_a):
    project = ProjectFactory(company=company_a)
    response = create(api_as(staff_a), government_body(project))
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["channel"], row["external_source"], row["external_ref"], row["tier"]) == (
        "government",
        "12345",
        "ZZ12345-20261204-0001",
        "important",
    )
    assert "government_referral" in row["tier_reasons"]
    assert row["external_deadline"] is not None and row["external_verdict"] == ""


@pytest.mark.parametrize("missing", ["external_source", "external_ref", "external_deadline"])
def test_the_authoritys_fields_are_required_for_the_government_channel(company_a, staff_a, missing):
    project = ProjectFactory(company=company_a)
    body = government_body(project)
    del body[missing]
    response = create(api_as(staff_a), body)
    assert response.status_code == 400
    assert missing in response.json()


def test_the_authoritys_fields_are_refused_on_other_channels(company_a, staff_a):
    project = ProjectFactory(company=company_a)
    response = create(api_as(staff_a), government_body(project, channel="hotline"))
    assert response.status_code == 400
    assert set(response.json()) >= {"external_source", "external_ref", "external_deadline"}


def test_one_case_number_per_authority_and_company(company_a, company_b, staff_a, staff_b):
    client = api_as(staff_a)
    project = ProjectFactory(company=company_a)
    assert create(client, government_body(project)).status_code == 201
    again = create(client, government_body(project))
    assert (again.status_code, again.json()["code"]) == (409, "external_ref_taken")
    other_source = create(client, government_body(project, external_source="housing_bureau"))
    assert other_source.status_code == 201
    other_company = create(api_as(staff_b), government_body(ProjectFactory(company=company_b)))
    assert other_company.status_code == 201


def test_the_authoritys_deadline_makes_it_at_risk_a_day_before(company_a, staff_a):
    project = ProjectFactory(company=company_a)
    soon = (timezone.now() + timedelta(hours=20)).isoformat()
    created = create(api_as(staff_a), government_body(project, external_deadline=soon)).json()
    at_risk = Complaint.objects.filter(selectors.at_risk_q(timezone.now()))
    assert list(at_risk.values_list("pk", flat=True)) == [created["id"]]
    later = timezone.now() + timedelta(hours=21)
    assert Complaint.objects.filter(selectors.overdue_q(later)).count() == 1


def resolve(client, complaint_id, handler):
    act(client, complaint_id, "transition", {"status": "assigned", "handler": handler.pk})
    act(client, complaint_id, "transition", {"status": "in_progress"})
    resolved = act(client, complaint_id, "transition", {"status": "resolved", "note": "已维修"})
    assert resolved.status_code == 200, resolved.json()


def test_sent_back_reopens_as_a_redo_and_accepted_allows_closing(company_a, staff_a):
    client = api_as(staff_a)
    created = create(client, government_body(ProjectFactory(company=company_a))).json()
    pk = created["id"]
    early = act(client, pk, "external-verdict", {"verdict": "accepted"})
    assert (early.status_code, early.json()["code"]) == (409, "verdict_before_resolved")
    resolve(client, pk, staff_a)
    act(client, pk, "callbacks", {"outcome": "satisfied", "note": "业主满意"})
    refused = act(client, pk, "transition", {"status": "closed"})
    assert (refused.status_code, refused.json()["code"]) == (400, "external_verdict_required")
    sent_back = act(client, pk, "external-verdict", {"verdict": "sent_back", "note": "业主仍不满意"})
    assert sent_back.status_code == 201
    assert (sent_back.json()["kind"], sent_back.json()["to_value"]) == ("external_verdict", "sent_back")
    detail = client.get(f"/api/v1/complaints/{pk}/").json()
    assert (detail["status"], detail["reopen_count"], detail["external_verdict"]) == (
        "in_progress",
        1,
        "sent_back",
    )
    assert "second_complaint" in detail["tier_reasons"]
    resolved = act(client, pk, "transition", {"status": "resolved", "note": "重新维修"})
    assert resolved.status_code == 200
    accepted = act(client, pk, "external-verdict", {"verdict": "accepted", "note": "已办结"})
    assert accepted.status_code == 201
    act(client, pk, "callbacks", {"outcome": "satisfied", "note": "业主满意"})
    closed = act(client, pk, "transition", {"status": "closed"})
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")


def test_a_verdict_on_another_channel_is_refused(company_a, staff_a):
    client = api_as(staff_a)
    created = create(client, create_body(ProjectFactory(company=company_a))).json()
    resolve(client, created["id"], staff_a)
    refused = act(client, created["id"], "external-verdict", {"verdict": "accepted"})
    assert (refused.status_code, refused.json()["code"]) == (409, "not_government")


def test_another_company_gets_404_and_an_auditor_403(company_a, staff_a, staff_b, auditor):
    created = create(api_as(staff_a), government_body(ProjectFactory(company=company_a))).json()
    assert act(api_as(staff_b), created["id"], "external-verdict", {"verdict": "accepted"}).status_code == 404
    assert act(api_as(auditor), created["id"], "external-verdict", {"verdict": "accepted"}).status_code == 403

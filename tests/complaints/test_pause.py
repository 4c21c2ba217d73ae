"""The auditable pause of the response clock (issue 19 §2): the API and the services behind it, the
approval past 15 working days, the sweep that resumes, and what the pause does and does not stop."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints import rules, services, tasks
from complaints.models import Complaint, ComplaintEvent, ComplaintPause, Status
from organization import roles
from tests.conftest import api_as
from tests.factories import ComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db


def complaint_of(company, staff, **fields) -> Complaint:
    values = {"status": Status.IN_PROGRESS, "handler": staff, "first_responder": staff}
    return ComplaintFactory(project__company=company, **{**values, **fields})


def post(client, complaint, action, body):
    return client.post(f"/api/v1/complaints/{complaint.pk}/{action}/", body, format="json")


def days_ahead(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def test_pause_and_resume_are_events_with_who_when_why(company_a, staff_a):
    complaint = complaint_of(company_a, staff_a)
    client = api_as(staff_a)
    response = post(client, complaint, "pause", {"reason": "third_party", "note": "等物业公司报价"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["reason"], body["paused_by"], body["until"], body["approved_by"]) == (
        "third_party",
        str(staff_a),
        None,
        None,
    )
    complaint.refresh_from_db()
    assert complaint.response_paused_since is not None
    assert client.get(f"/api/v1/complaints/{complaint.pk}/").json()["response_paused_since"] is not None
    paused = complaint.events.get(kind=ComplaintEvent.Kind.PAUSED)
    assert (paused.by, paused.to_value, paused.note) == (staff_a, "third_party", "等物业公司报价")

    assert post(client, complaint, "pause", {"reason": "third_party", "note": "again"}).status_code == 409
    response = post(client, complaint, "resume", {"note": "报价已到"})
    assert response.status_code == 200, response.json()
    assert response.json()["response_paused_since"] is None
    resumed = complaint.events.get(kind=ComplaintEvent.Kind.RESUMED)
    assert (resumed.by, resumed.from_value, resumed.note) == (staff_a, "third_party", "报价已到")
    pause = ComplaintPause.objects.get(complaint=complaint)
    assert (pause.resumed_by, pause.resume_note, pause.resume_due_at) == (staff_a, "报价已到", None)
    assert post(client, complaint, "resume", {"note": "x"}).json()["code"] == "not_paused"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"reason": "lunch", "note": "x"}, 400, None),  # not a reason from the list
        ({"reason": "owner_unavailable"}, 400, None),  # a note is required
        ({"reason": "owner_unavailable", "note": "x", "until": days_ahead(-1)}, 400, "until_in_past"),
        ({"reason": "owner_unavailable", "note": "x", "until": days_ahead(40)}, 400, "pause_needs_approval"),
    ],
)
def test_pause_refusals(company_a, staff_a, body, status, code):
    complaint = complaint_of(company_a, staff_a)
    response = post(api_as(staff_a), complaint, "pause", body)
    assert response.status_code == status, response.json()
    if code:
        assert response.json()["code"] == code
    assert not ComplaintPause.objects.exists()


def test_a_handled_complaint_cannot_be_paused(company_a, staff_a):
    complaint = complaint_of(company_a, staff_a, status=Status.CLOSED)
    response = post(api_as(staff_a), complaint, "pause", {"reason": "third_party", "note": "x"})
    assert (response.status_code, response.json()["code"]) == (409, "handled")


def test_scoping_and_roles(company_a, company_b, staff_a, staff_b, auditor):
    complaint = complaint_of(company_a, staff_a)
    body = {"reason": "owner_materials", "note": "等业主提供照片"}
    assert post(api_as(staff_b), complaint, "pause", body).status_code == 404  # another company
    assert post(api_as(auditor), complaint, "pause", body).status_code == 403  # may not change
    assert post(api_as(staff_a), complaint, "pause", body).status_code == 201
    assert post(api_as(staff_b), complaint, "resume", {"note": "x"}).status_code == 404
    approval = {"until": days_ahead(40), "note": "业主出国"}
    assert post(api_as(staff_a), complaint, "pause-approval", approval).status_code == 403  # not a manager
    manager_b = UserFactory(company=company_b, role=roles.COMPANY_MANAGER)
    assert post(api_as(manager_b), complaint, "pause-approval", approval).status_code == 404


def test_longer_than_fifteen_working_days_needs_a_manager(company_a, staff_a, manager_a):
    complaint = complaint_of(company_a, staff_a)
    body = {"reason": "owner_unavailable", "note": "业主出国两个月", "until": days_ahead(60)}
    response = post(api_as(manager_a), complaint, "pause", body)  # a manager's own: approved by them
    assert response.status_code == 201, response.json()
    assert response.json()["approved_by"] == str(manager_a)
    assert response.json()["resume_due_at"] == response.json()["until"]

    other = complaint_of(company_a, staff_a)
    pause = post(api_as(staff_a), other, "pause", {"reason": "owner_unavailable", "note": "出差"}).json()
    limit = pause["resume_due_at"]  # 15 working days on: the sweep resumes an unapproved pause there
    response = post(api_as(manager_a), other, "pause-approval", {"until": days_ahead(60), "note": "同意"})
    assert response.status_code == 200, response.json()
    assert response.json()["resume_due_at"] > limit
    approved = other.events.get(kind=ComplaintEvent.Kind.PAUSE_APPROVED)
    assert (approved.by, approved.note) == (manager_a, "同意")


def test_the_sweep_resumes_at_the_limit_or_the_date(company_a, staff_a):
    unapproved = complaint_of(company_a, staff_a)
    dated = complaint_of(company_a, staff_a)
    services.complaint_pause(complaint=unapproved, reason="third_party", note="等", by=staff_a)
    until = timezone.now() + timedelta(days=2)
    services.complaint_pause(complaint=dated, reason="third_party", note="等", until=until, by=staff_a)
    limit = ComplaintPause.objects.get(complaint=unapproved).resume_due_at
    assert limit >= timezone.now() + timedelta(days=15)  # fifteen working days are at least 15 days

    with translation.override("en"):  # the notes are written in the active language
        assert services.resume_due(as_of=until - timedelta(seconds=1)) == 0
        assert services.resume_due(as_of=until) == 1
        assert services.resume_due(as_of=until) == 0  # once
        assert services.resume_due(as_of=limit) == 1
    for complaint, words in ((dated, "resume date"), (unapproved, "15 working days")):
        complaint.refresh_from_db()
        assert complaint.response_paused_since is None
        event = complaint.events.get(kind=ComplaintEvent.Kind.RESUMED)
        assert event.by is None and words in event.note
    assert tasks.resume_due() == 0


def test_the_pause_never_stops_the_escalation_clock(company_a, staff_a):
    complaint = complaint_of(company_a, staff_a, received_at=timezone.now() - timedelta(hours=1))
    services.evaluate(complaint, now=timezone.now())
    before = (complaint.next_due_at, complaint.escalates_at, complaint.resolve_by)
    services.complaint_pause(complaint=complaint, reason="owner_unavailable", note="出差", by=staff_a)
    complaint.refresh_from_db()
    assert (complaint.next_due_at, complaint.escalates_at, complaint.resolve_by) == before
    assert complaint.escalates_at is not None and complaint.paused_since is None


def test_paused_time_moves_the_response_clocks(company_a, staff_a):
    # Received an hour ago: the owner-update clock is still running when it is paused (a clock that
    # already ran out stays due: a pause does not take back a reminder that was owed).
    complaint = complaint_of(company_a, staff_a, received_at=timezone.now() - timedelta(hours=1))
    services.refresh_due(complaint)
    complaint.refresh_from_db()
    before = complaint.owner_update_due_at
    assert before is not None
    services.complaint_pause(complaint=complaint, reason="owner_unavailable", note="出差", by=staff_a)
    complaint.refresh_from_db()
    assert complaint.owner_update_due_at is None  # stopped while paused
    assert complaint.plan_due_at == complaint.deadline  # a promised date is not a response clock
    services.complaint_resume(complaint=complaint, note="回来了", by=staff_a)
    complaint.refresh_from_db()
    assert complaint.owner_update_due_at is not None and complaint.owner_update_due_at >= before


def test_resolving_ends_the_pause(company_a, staff_a):
    complaint = complaint_of(company_a, staff_a)
    services.complaint_pause(complaint=complaint, reason="third_party", note="等", by=staff_a)
    services.complaint_transition(complaint=complaint, status="resolved", note="已修复", by=staff_a)
    pause = ComplaintPause.objects.get(complaint=complaint)
    assert pause.resumed_at is not None and pause.resume_due_at is None
    assert timedelta(days=15) == rules.PAUSE_LIMIT


# --- The complaint page and the queue -------------------------------------------------------------


def test_the_page_pauses_and_resumes_and_the_queue_shows_it(client, company_a, staff_a, manager_a):
    complaint = complaint_of(company_a, staff_a)
    page_url = reverse("complaint-detail", args=[complaint.pk])
    client.force_login(staff_a)
    assert 'id="pause-form"' in client.get(page_url).content.decode()
    response = client.post(
        reverse("complaint-pause", args=[complaint.pk]), {"reason": "owner_unavailable", "note": "业主出差"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.response_paused_since is not None
    page = client.get(page_url).content.decode()
    assert 'id="pause-state"' in page and 'id="resume-form"' in page and 'id="pause-form"' not in page
    assert 'id="pause-approval-form"' not in page  # not a manager
    queue = client.get(reverse("complaint-list")).content.decode()
    assert "response-paused" in queue

    # A manager approves a pause past 15 working days.
    client.force_login(manager_a)
    assert 'id="pause-approval-form"' in client.get(page_url).content.decode()
    until = (timezone.localtime() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("complaint-pause-approval", args=[complaint.pk]), {"until": until, "note": "同意"})
    assert ComplaintPause.objects.get(complaint=complaint).approved_by == manager_a
    client.force_login(staff_a)
    assert (
        client.post(reverse("complaint-pause-approval", args=[complaint.pk]), {"note": "x"}).status_code
        == 403
    )
    client.post(reverse("complaint-resume", args=[complaint.pk]), {"note": "业主回来了"})
    complaint.refresh_from_db()
    assert complaint.response_paused_since is None
    assert "response-paused" not in client.get(reverse("complaint-list")).content.decode()


def test_the_page_refuses_a_long_pause_with_the_reason(client, company_a, staff_a, staff_b):
    complaint = complaint_of(company_a, staff_a)
    until = (timezone.localtime() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(staff_a)
    response = client.post(
        reverse("complaint-pause", args=[complaint.pk]),
        {"reason": "owner_unavailable", "note": "出国", "until": until},
        follow=True,
    )
    assert "15" in response.content.decode() and not ComplaintPause.objects.exists()
    client.force_login(staff_b)
    url = reverse("complaint-pause", args=[complaint.pk])
    assert client.post(url, {"reason": "owner_unavailable", "note": "x"}).status_code == 404


def test_the_history_says_the_reason_in_words(client, company_a, staff_a):
    complaint = complaint_of(company_a, staff_a)
    services.complaint_pause(complaint=complaint, reason="third_party", note="等检测报告", by=staff_a)
    client.force_login(staff_a)
    page = client.get(reverse("complaint-detail", args=[complaint.pk]), HTTP_ACCEPT_LANGUAGE="en")
    history = page.content.decode().split('id="pause-state"')[1]
    assert "Waiting for a third party" in history and "third_party" not in history

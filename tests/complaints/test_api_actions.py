"""Every complaint action in the API: the services the page calls, with the same errors (400 with a
code from a domain rule, 409 against the current state, 404 outside the caller's companies, 403
without the permission), and who may do what."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Contractor, Status
from organization import access, roles
from tests.conftest import api_as
from tests.factories import ComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_language():
    yield
    translation.deactivate()


def complaint_of(company, staff, **fields) -> Complaint:
    values = {"status": Status.IN_PROGRESS, "handler": staff, "first_responder": staff}
    return ComplaintFactory(project__company=company, **{**values, **fields})


def resolved_of(company, staff) -> Complaint:
    complaint = complaint_of(company, staff)
    return services.complaint_transition(complaint=complaint, status="resolved", note="已修复", by=staff)


def post(client, complaint, action, body, **extra):
    return client.post(f"/api/v1/complaints/{complaint.pk}/{action}/", body, format="json", **extra)


def in_a_week() -> str:
    return (timezone.now() + timedelta(days=7)).isoformat()


# --- Success, each through the service the page calls ---------------------------------------------


def test_assign_through_the_transition_with_a_handler(company_a, staff_a, manager_a, integrator_a):
    complaint = complaint_of(company_a, None, status=Status.RECEIVED, first_responder=staff_a)
    client = api_as(integrator_a)
    response = post(client, complaint, "transition", {"status": "assigned", "handler": manager_a.pk})
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["handler"]) == ("assigned", manager_a.pk)
    assigned = complaint.events.get(kind="status", to_value="assigned")
    assert (assigned.by, str(manager_a) in assigned.note) == (integrator_a, True)
    # Assigning again while assigned changes the handler (as the page does); department and deadline
    # go with it, left out they stay.
    deadline = in_a_week()
    again = post(
        client,
        complaint,
        "transition",
        {"status": "assigned", "handler": staff_a.pk, "department": "property", "deadline": deadline},
    )
    assert again.status_code == 200
    complaint.refresh_from_db()
    assert (complaint.handler, complaint.department, complaint.status) == (staff_a, "property", "assigned")


@pytest.mark.parametrize("who", ["integrator", "auditor", "staff_b", "inactive"])
def test_only_assignable_staff_may_be_the_handler(company_a, staff_a, integrator_a, auditor, staff_b, who):
    people = {
        "integrator": integrator_a,
        "auditor": auditor,
        "staff_b": staff_b,
        "inactive": UserFactory(company=company_a, role=roles.FRONTLINE_STAFF, is_active=False),
    }
    complaint = complaint_of(company_a, None, status=Status.RECEIVED)
    response = post(
        api_as(staff_a), complaint, "transition", {"status": "assigned", "handler": people[who].pk}
    )
    assert response.status_code == 400
    assert "handler" in response.json()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.handler) == ("received", None)


def test_assignment_fields_go_only_with_an_assignment(company_a, staff_a):
    complaint = complaint_of(company_a, staff_a)
    client = api_as(staff_a)
    response = post(client, complaint, "transition", {"status": "resolved", "handler": staff_a.pk})
    assert response.status_code == 400 and "handler" in response.json()
    response = post(client, complaint, "transition", {"status": "assigned", "department": "sales"})
    assert response.status_code == 400 and "handler" in response.json()
    # Assigning a complaint already in progress is not in the flow.
    response = post(client, complaint, "transition", {"status": "assigned", "handler": staff_a.pk})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    unassigned = complaint_of(company_a, None, status=Status.RECEIVED)
    response = post(client, unassigned, "transition", {"status": "assigned"})
    assert (response.status_code, response.json()["code"]) == (400, "handler_required")


def test_closing_through_the_api_needs_the_call_back(company_a, staff_a, integrator_a):
    complaint = resolved_of(company_a, staff_a)
    client = api_as(integrator_a)
    refused = post(client, complaint, "transition", {"status": "closed"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert refused.json()["code"] == "callback_required"
    assert refused.json()["detail"].startswith("Call the complainant back before closing")
    called = post(client, complaint, "callbacks", {"outcome": "satisfied", "note": "业主满意"})
    assert called.status_code == 201
    assert {key: called.json()[key] for key in ("kind", "to_value", "by")} == {
        "kind": "callback",
        "to_value": "satisfied",
        "by": str(integrator_a),
    }
    closed = post(client, complaint, "transition", {"status": "closed"})
    assert (closed.status_code, closed.json()["status"], closed.json()["callback_due_at"]) == (
        200,
        "closed",
        None,
    )
    detail = client.get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert [e["reasons"] for e in detail["events"] if e["to_value"] == "closed"] == [["callback_satisfied"]]


def test_call_backs(company_a, staff_a):
    client = api_as(staff_a)
    complaint = resolved_of(company_a, staff_a)
    assert client.get(f"/api/v1/complaints/{complaint.pk}/").json()["callback_due_at"] is not None
    missing = post(client, complaint, "callbacks", {"outcome": "satisfied"})
    assert (missing.status_code, missing.json()["code"]) == (400, "note_required")
    bad = post(client, complaint, "callbacks", {"outcome": "pleased", "note": "x"})
    assert bad.status_code == 400 and "outcome" in bad.json()
    unreachable = post(client, complaint, "callbacks", {"outcome": "unreachable"})
    assert (unreachable.status_code, unreachable.json()["to_value"]) == (201, "unreachable")
    unhappy = post(client, complaint, "callbacks", {"outcome": "not_satisfied", "note": "仍然漏水"})
    assert unhappy.status_code == 201
    assert client.get(f"/api/v1/complaints/{complaint.pk}/").json()["status"] == "in_progress"
    conflict = post(client, complaint, "callbacks", {"outcome": "satisfied", "note": "x"})
    assert (conflict.status_code, conflict.json()["code"]) == (409, "not_resolved")


def test_handover(company_a, staff_a, manager_a, integrator_a):
    complaint = complaint_of(company_a, staff_a)
    client = api_as(staff_a)
    response = post(client, complaint, "handover", {"to_user": manager_a.pk, "note": "休假，转经理跟进"})
    assert (response.status_code, response.json()["first_responder"]) == (200, manager_a.pk)
    assert complaint.events.filter(kind="handover", by=staff_a, to_value=str(manager_a.pk)).exists()
    refused = post(client, complaint, "handover", {"to_user": integrator_a.pk, "note": "x"})
    assert refused.status_code == 400 and "to_user" in refused.json()
    empty = post(client, complaint, "handover", {"to_user": staff_a.pk, "note": ""})
    assert empty.status_code == 400 and "note" in empty.json()


def test_plans(company_a, staff_a):
    complaint = complaint_of(company_a, staff_a)
    client = api_as(staff_a)
    deadline = in_a_week()
    response = post(client, complaint, "plans", {"measures": "更换防水层", "deadline": deadline})
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["note"], body["visible_to_complainant"]) == ("plan", "更换防水层", True)
    past = (timezone.now() - timedelta(days=1)).isoformat()
    refused = post(client, complaint, "plans", {"measures": "x", "deadline": past})
    assert (refused.status_code, refused.json()["code"]) == (400, "deadline_in_past")
    handled = resolved_of(company_a, staff_a)
    conflict = post(client, handled, "plans", {"measures": "x", "deadline": deadline})
    assert (conflict.status_code, conflict.json()["code"]) == (409, "handled")


def test_progress(company_a, staff_a):
    complaint = complaint_of(company_a, staff_a)
    client = api_as(staff_a)
    shown = post(client, complaint, "progress", {"note": "已安排维修", "visible_to_complainant": True})
    internal = post(client, complaint, "progress", {"note": "等待材料"})
    assert (shown.status_code, internal.status_code) == (201, 201)
    assert (shown.json()["visible_to_complainant"], internal.json()["visible_to_complainant"]) == (
        True,
        False,
    )
    assert post(client, complaint, "progress", {"note": "   "}).status_code == 400
    form = client.post(f"/api/v1/complaints/{complaint.pk}/progress/", {"note": "x"}, format="multipart")
    assert form.status_code == 415


def test_repairs(company_a, staff_a):
    complaint = complaint_of(company_a, staff_a)
    contractor = Contractor.objects.create(name="甲防水")
    retired = Contractor.objects.create(name="乙总包", active=False)
    client = api_as(staff_a)
    today = timezone.localdate()
    body = {"contractor": contractor.pk, "work": "重做防水", "started_on": str(today)}
    response = post(client, complaint, "repairs", body)
    assert response.status_code == 201
    assert (response.json()["contractor_name"], response.json()["fixed_first_time"]) == ("甲防水", None)
    future = post(client, complaint, "repairs", {**body, "started_on": str(today + timedelta(days=1))})
    assert (future.status_code, future.json()["code"]) == (400, "repair_in_future")
    assert post(client, complaint, "repairs", {**body, "contractor": retired.pk}).status_code == 400
    assert complaint.repairs.count() == 1


def test_lower_tier(company_a, staff_a, manager_a):
    complaint = complaint_of(company_a, staff_a, tier="hot", tier_reasons=["media_possible"])
    client = api_as(manager_a)
    response = post(client, complaint, "lower-tier", {"tier": "normal", "reason": "已与业主达成一致"})
    assert (response.status_code, response.json()["tier"]) == (200, "normal")
    assert complaint.events.filter(kind="tier_lowered", by=manager_a).exists()
    not_lower = post(client, complaint, "lower-tier", {"tier": "major", "reason": "x"})
    assert (not_lower.status_code, not_lower.json()["code"]) == (400, "not_lower")


def test_link(company_a, company_b, staff_a):
    earlier = complaint_of(company_a, staff_a)
    complaint = complaint_of(company_a, staff_a)
    elsewhere = complaint_of(company_b, None)
    client = api_as(staff_a)
    response = post(client, complaint, "link", {"earlier": earlier.pk})
    assert (response.status_code, response.json()["issue_root"]) == (200, earlier.pk)
    itself = post(client, complaint, "link", {"earlier": complaint.pk})
    assert (itself.status_code, itself.json()["code"]) == (400, "bad_link")
    # Another company's complaint does not exist for the caller.
    hidden = post(client, complaint, "link", {"earlier": elsewhere.pk})
    assert hidden.status_code == 400 and "earlier" in hidden.json()


def test_rating_recorded_for_the_complainant(company_a, staff_a, integrator_a):
    client = api_as(integrator_a)
    open_complaint = complaint_of(company_a, staff_a)
    early = post(client, open_complaint, "rating", {"rating": 5})
    assert (early.status_code, early.json()["code"]) == (409, "not_handled")
    complaint = resolved_of(company_a, staff_a)
    assert post(client, complaint, "rating", {"rating": 6}).status_code == 400
    response = post(client, complaint, "rating", {"rating": 4, "comment": "电话里说维修及时"})
    assert (response.status_code, response.json()["rating"]) == (200, 4)
    feedback = complaint.events.get(kind="feedback")
    assert (feedback.by, feedback.to_value, feedback.visible_to_complainant) == (integrator_a, "4", True)
    again = post(client, complaint, "rating", {"rating": 5})
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")


# --- Who may do what: access.access_complaint decides, as for transition and attachments ----------

OWN, OTHER = "own", "other"


def make_for(action, company, staff):
    if action in ("callbacks", "rating"):
        return resolved_of(company, staff)
    return complaint_of(company, staff, tier="hot", tier_reasons=["media_possible"])


def body_for(action, complaint, staff, contractor):
    return {
        "transition": {"status": "awaiting_customer"},
        "handover": {"to_user": staff.pk, "note": "交接"},
        "plans": {"measures": "更换防水层", "deadline": in_a_week()},
        "progress": {"note": "已安排"},
        "repairs": {"contractor": contractor.pk, "work": "维修", "started_on": str(timezone.localdate())},
        "lower-tier": {"tier": "normal", "reason": "已澄清"},
        "link": {"earlier": complaint.pk},
        "callbacks": {"outcome": "unreachable"},
        "rating": {"rating": 5},
    }[action]


SUCCESS = {"plans": 201, "progress": 201, "repairs": 201, "callbacks": 201}
HANDLING = ["transition", "handover", "plans", "progress", "repairs", "link", "callbacks", "rating"]
ROWS = [
    *[(action, "staff_a", "change", (SUCCESS.get(action, 200), 404)) for action in HANDLING],
    *[(action, "integrator_a", "change", (SUCCESS.get(action, 200), 404)) for action in HANDLING],
    *[(action, "group_user", "change", (SUCCESS.get(action, 200),) * 2) for action in HANDLING],
    *[(action, "auditor", "change", (403, 403)) for action in HANDLING],
    ("lower-tier", "manager_a", "lower_tier", (200, 404)),
    ("lower-tier", "group_user", "lower_tier", (200, 200)),
    ("lower-tier", "staff_a", "lower_tier", (403, 403)),
    ("lower-tier", "integrator_a", "lower_tier", (403, 403)),
    ("lower-tier", "auditor", "lower_tier", (403, 403)),
]


@pytest.mark.parametrize(
    ("action", "role", "asked", "answers"), [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in ROWS]
)
def test_each_action_asks_access_and_answers_by_role(
    request, monkeypatch, company_a, company_b, staff_a, staff_b, action, role, asked, answers
):
    contractor = Contractor.objects.create(name="甲防水")
    calls = []
    original = access.access_complaint

    def spy(user, complaint_id, action="view"):
        calls.append(action)
        return original(user, complaint_id, action)

    monkeypatch.setattr(access, "access_complaint", spy)
    user = request.getfixturevalue(role)
    client = api_as(user)
    for (company, staff), expected in zip(((company_a, staff_a), (company_b, staff_b)), answers, strict=True):
        complaint = make_for(action, company, staff)
        earlier = complaint_of(company, staff)
        events = ComplaintEvent.objects.count()
        calls.clear()
        response = post(client, complaint, action, body_for(action, earlier, staff, contractor))
        assert response.status_code == expected, response.json()
        assert calls == [asked]
        if expected >= 400:
            assert ComplaintEvent.objects.count() == events  # nothing written
            assert "detail" in response.json()


def test_anonymous_callers_and_missing_complaints(company_a, staff_a, group_user):
    complaint = complaint_of(company_a, staff_a)
    for action in [*HANDLING, "lower-tier"]:
        assert post(api_as(None), complaint, action, {}).status_code in (401, 403)
        missing = post(api_as(group_user), Complaint(pk=987654321), action, {})
        assert missing.status_code == 404, action

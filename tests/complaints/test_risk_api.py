"""Risk facts and risk signals through the API: POST facts/, the signals in the detail, confirm and
dismiss; every refusal with its status and code."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Notification, RiskSignal, Status
from tests.conftest import api_as
from tests.factories import ComplaintFactory, ProjectFactory, RiskSignalFactory


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def intake(project, received_by=None, **overrides) -> Complaint:
    fields = {
        "project": project,
        "channel": "hotline",
        "category": "construction",
        "title": "卫生间渗漏水",
        "description": "楼上卫生间渗水到我家天花板",
        **overrides,
    }
    return services.complaint_create(intake=services.Intake(**fields), received_by=received_by)


def facts_url(complaint) -> str:
    return f"/api/v1/complaints/{complaint.pk}/facts/"


def signal_url(signal, action: str) -> str:
    return f"/api/v1/complaints/{signal.complaint_id}/signals/{signal.pk}/{action}/"


def notified(complaint) -> set[str]:
    return set(Notification.objects.filter(complaint=complaint).values_list("user__username", flat=True))


def test_a_fact_raises_the_tier_records_old_and_new_and_notifies_as_intake_does(
    project, staff_a, manager_a, group_user
):
    complaint = intake(project, received_by=staff_a)
    response = api_as(staff_a).post(
        facts_url(complaint), {"litigation": "possible", "note": "业主说已咨询律师"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["tier"], response.json()["litigation"]) == ("hot", "possible")
    event = ComplaintEvent.objects.get(complaint=complaint, kind="facts")
    assert (event.by, event.note) == (staff_a, "业主说已咨询律师")
    assert event.reasons == [{"fact": "litigation", "from": "none", "to": "possible"}]
    rise = ComplaintEvent.objects.get(complaint=complaint, kind="tier_raised")
    assert (rise.from_value, rise.to_value, rise.by) == ("normal", "hot", staff_a)
    # The same people an intake as hot tells: first responder and the company's managers.
    assert notified(complaint) == notified(intake(project, received_by=staff_a, litigation="possible"))
    assert notified(complaint) == {"staff_a", "manager_a"}

    api_as(staff_a).post(facts_url(complaint), {"litigation": "filed", "note": "收到传票"}, format="json")
    assert Complaint.objects.get(pk=complaint.pk).tier == "major"
    assert "group_cr" in notified(complaint)  # major: the group centre too, as at intake


def test_several_facts_at_once_are_one_event(project, staff_a):
    complaint = intake(project, received_by=staff_a)
    body = {"media": "possible", "complainant_count": 12, "needs_outside_support": True, "note": "业主群诉"}
    assert api_as(staff_a).post(facts_url(complaint), body, format="json").status_code == 200
    (event,) = ComplaintEvent.objects.filter(complaint=complaint, kind="facts")
    assert event.reasons == [
        {"fact": "media", "from": "none", "to": "possible"},
        {"fact": "complainant_count", "from": 1, "to": 12},
        {"fact": "needs_outside_support", "from": False, "to": True},
    ]
    assert Complaint.objects.get(pk=complaint.pk).tier == "major"


def test_the_tier_never_falls_with_the_facts(project, staff_a):
    complaint = intake(project, received_by=staff_a, media="possible")
    assert complaint.tier == "hot"
    response = api_as(staff_a).post(
        facts_url(complaint), {"media": "none", "note": "业主撤回"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["media"], body["tier"]) == ("none", "hot")
    assert "media_possible" not in body["tier_reasons"]
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="tier_lowered").exists()


def test_after_a_manager_lowered_only_a_new_higher_fact_raises_again(project, staff_a, manager_a):
    complaint = intake(project, received_by=staff_a, media="possible")
    services.complaint_lower_tier(complaint=complaint, tier="normal", reason="媒体已澄清", by=manager_a)
    client = api_as(staff_a)
    client.post(facts_url(complaint), {"complainant_count": 2, "note": "邻居也来了"}, format="json")
    assert Complaint.objects.get(pk=complaint.pk).tier == "normal"  # the table still says hot: it stands
    client.post(facts_url(complaint), {"litigation": "filed", "note": "已起诉"}, format="json")
    assert Complaint.objects.get(pk=complaint.pk).tier == "major"


def test_a_new_fact_raises_again_to_a_tier_a_manager_lowered_from(project, staff_a, manager_a):
    complaint = intake(project, received_by=staff_a, media="possible")
    services.complaint_lower_tier(complaint=complaint, tier="normal", reason="媒体报道不实", by=manager_a)
    client = api_as(staff_a)
    client.post(facts_url(complaint), {"media": "none", "note": "已澄清"}, format="json")
    response = client.post(
        facts_url(complaint), {"litigation": "possible", "note": "业主找了律师"}, format="json"
    )
    assert response.json()["tier"] == "hot"  # hot was reached once before, but this is a new fact
    rise = ComplaintEvent.objects.filter(complaint=complaint, kind="tier_raised").last()
    assert (rise.to_value, rise.by) == ("hot", staff_a)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"complainant_count": 0, "note": "x"}, 400, "invalid_complainant_count"),
        ({"complainant_count": 100001, "note": "x"}, 400, "invalid_complainant_count"),
        ({"litigation": "none", "note": "没有变化"}, 400, "nothing_changed"),
        ({"note": "什么都没给"}, 400, "nothing_changed"),
        ({"litigation": "possible", "note": "  "}, 400, "note_required"),
    ],
)
def test_invalid_values_are_a_400_with_a_code_and_change_nothing(project, staff_a, body, status, code):
    complaint = intake(project, received_by=staff_a)
    response = api_as(staff_a).post(facts_url(complaint), body, format="json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="facts").exists()
    assert Complaint.objects.get(pk=complaint.pk).complainant_count == 1


def test_an_unknown_value_or_a_missing_note_is_a_400(project, staff_a):
    complaint = intake(project, received_by=staff_a)
    client = api_as(staff_a)
    assert (
        client.post(facts_url(complaint), {"litigation": "maybe", "note": "x"}, format="json").status_code
        == 400
    )
    assert client.post(facts_url(complaint), {"litigation": "possible"}, format="json").status_code == 400
    assert Complaint.objects.get(pk=complaint.pk).litigation == "none"


def test_a_closed_complaint_is_refused_with_a_clear_conflict(project, staff_a):
    complaint = ComplaintFactory(project=project, status=Status.CLOSED)
    response = api_as(staff_a).post(
        facts_url(complaint), {"litigation": "possible", "note": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "complaint_closed"
    assert "关闭" in response.json()["detail"] or "closed" in response.json()["detail"]


def test_who_may_set_facts(project, staff_b, auditor, integrator_a, api_client):
    complaint = intake(project)
    body = {"media": "possible", "note": "x"}
    assert api_as(staff_b).post(facts_url(complaint), body, format="json").status_code == 404
    assert api_as(auditor).post(facts_url(complaint), body, format="json").status_code == 403
    assert api_client.post(facts_url(complaint), body, format="json").status_code == 401
    assert api_as(integrator_a).post(facts_url(complaint), body, format="json").status_code == 200


def test_the_detail_lists_the_signals_and_the_list_does_not(project, staff_a):
    complaint = intake(project, description="我已经找了律师，再不解决就去12345投诉")
    body = api_as(staff_a).get(f"/api/v1/complaints/{complaint.pk}/").json()
    signals = {row["signal"]: row for row in body["risk_signals"]}
    assert set(signals) == {"litigation_possible", "hotline_12345"}
    row = signals["litigation_possible"]
    assert (row["words"], row["source"], row["state"]) == (["律师"], "intake", "open")
    assert row["id"] == RiskSignal.objects.get(complaint=complaint, signal="litigation_possible").pk
    assert {"id", "signal", "words", "source", "at", "state"} == set(row)
    listed = api_as(staff_a).get("/api/v1/complaints/").json()["results"]
    assert "risk_signals" not in listed[0]


def test_the_detail_reads_the_signals_in_one_query_however_many(project, staff_a):
    complaint = intake(project)
    client = api_as(staff_a)
    client.get(f"/api/v1/complaints/{complaint.pk}/")  # the user's permissions are cached after this
    counts = []
    for signal in ("litigation_possible", "media_possible", "collective"):
        RiskSignalFactory(complaint=complaint, signal=signal)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts


def test_confirming_sets_the_fact_through_the_facts(project, staff_a, manager_a):
    complaint = intake(project, received_by=staff_a, description="我已经找了律师")
    signal = RiskSignal.objects.get(complaint=complaint)
    response = api_as(staff_a).post(signal_url(signal, "confirm"), {"note": "电话核实"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "confirmed"
    complaint.refresh_from_db()
    assert (complaint.litigation, complaint.tier) == ("possible", "hot")
    kinds = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert kinds[-3:] == ["risk_signal", "facts", "tier_raised"]
    assert "manager_a" in notified(complaint)
    signal.refresh_from_db()
    assert (signal.decided_by, signal.reason, signal.notify_due_at) == (staff_a, "电话核实", None)


def test_confirming_hotline_12345_asks_for_outside_support(project, staff_a):
    complaint = intake(project, description="我已经打了12345")
    signal = RiskSignal.objects.get(complaint=complaint)
    assert api_as(staff_a).post(signal_url(signal, "confirm"), {}, format="json").status_code == 200
    complaint.refresh_from_db()
    assert (complaint.needs_outside_support, complaint.tier) == (True, "important")


def test_confirming_a_collective_signal_needs_the_number_of_complainants(project, staff_a):
    complaint = intake(project, description="业主们已经联名写信了")
    signal = RiskSignal.objects.get(complaint=complaint, signal="collective")
    client = api_as(staff_a)
    missing = client.post(signal_url(signal, "confirm"), {}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (400, "complainant_count_required")
    one = client.post(signal_url(signal, "confirm"), {"complainant_count": 1}, format="json")
    assert (one.status_code, one.json()["code"]) == (400, "invalid_complainant_count")
    assert RiskSignal.objects.get(pk=signal.pk).state == "open"
    assert (
        client.post(signal_url(signal, "confirm"), {"complainant_count": 12}, format="json").status_code
        == 200
    )
    complaint.refresh_from_db()
    assert (complaint.complainant_count, complaint.tier) == (12, "major")


def test_a_decided_signal_cannot_be_decided_again(project, staff_a):
    signal = RiskSignalFactory(complaint=intake(project))
    client = api_as(staff_a)
    assert (
        client.post(signal_url(signal, "dismiss"), {"reason": "律师是业主职业"}, format="json").status_code
        == 200
    )
    again = client.post(signal_url(signal, "confirm"), {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "signal_decided")
    assert Complaint.objects.get(pk=signal.complaint_id).litigation == "none"


def test_dismissing_needs_a_reason_and_records_it(project, staff_a):
    signal = RiskSignalFactory(complaint=intake(project))
    client = api_as(staff_a)
    blank = client.post(signal_url(signal, "dismiss"), {"reason": " "}, format="json")
    assert (blank.status_code, blank.json()["code"]) == (400, "reason_required")
    assert client.post(signal_url(signal, "dismiss"), {}, format="json").status_code == 400
    response = client.post(signal_url(signal, "dismiss"), {"reason": "业主本人是律师"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "dismissed"
    signal.refresh_from_db()
    assert (signal.reason, signal.decided_by, signal.notify_due_at) == ("业主本人是律师", staff_a, None)
    event = ComplaintEvent.objects.get(complaint=signal.complaint, kind="risk_signal")
    assert event.reasons == [{"signal": "litigation_possible", "state": "dismissed", "words": ["律师"]}]
    assert Complaint.objects.get(pk=signal.complaint_id).tier == "normal"


def test_signals_are_reached_only_through_their_complaint(project, company_b, staff_a, staff_b, auditor):
    signal = RiskSignalFactory(complaint=intake(project))
    other = intake(project)
    wrong_pair = f"/api/v1/complaints/{other.pk}/signals/{signal.pk}/dismiss/"
    assert api_as(staff_a).post(wrong_pair, {"reason": "x"}, format="json").status_code == 404
    assert (
        api_as(staff_b).post(signal_url(signal, "dismiss"), {"reason": "x"}, format="json").status_code == 404
    )
    assert api_as(auditor).post(signal_url(signal, "confirm"), {}, format="json").status_code == 403
    assert RiskSignal.objects.get(pk=signal.pk).state == "open"

"""Risk facts and risk signals on the staff page (the same services and refusals as the API), and the
word lists in the admin, which only the group centre may change."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, ComplaintEvent, RiskSignal, RiskWord
from organization import roles
from tests.conftest import api_as
from tests.factories import PASSWORD, ProjectFactory, UserFactory


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def intake(project, description="楼上卫生间渗水"):
    return services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="渗漏水",
            description=description,
        )
    )


def facts_form(complaint, **overrides):
    data = {
        "litigation": complaint.litigation,
        "media": complaint.media,
        "complainant_count": complaint.complainant_count,
        "note": "电话核实",
    }
    if complaint.needs_outside_support:
        data["needs_outside_support"] = "on"
    return {**data, **overrides}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_page_shows_the_facts_and_the_signals_with_their_buttons(client, project, staff_a):
    complaint = intake(project, description="业主说再不修就找媒体曝光")
    page = login(client, staff_a).get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    signal = RiskSignal.objects.get(complaint=complaint)
    assert 'id="risk-signals"' in page
    assert 'data-signal="media_possible" data-state="open"' in page
    assert "媒体、曝光" in page
    assert reverse("complaint-signal-confirm", args=[complaint.pk, signal.pk]) in page
    assert reverse("complaint-signal-dismiss", args=[complaint.pk, signal.pk]) in page
    assert 'id="facts-form"' in page


def test_an_auditor_sees_the_signals_without_any_button(client, project, auditor):
    intake(project, description="我要去住建局反映")
    complaint = Complaint.objects.get()
    page = login(client, auditor).get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    assert 'data-signal="hotline_12345"' in page
    assert "/signals/" not in page and 'id="facts-form"' not in page


def test_the_facts_form_raises_the_tier_and_the_timeline_shows_old_and_new(client, project, staff_a):
    complaint = intake(project)
    client = login(client, staff_a)
    response = client.post(
        reverse("complaint-facts", args=[complaint.pk]), facts_form(complaint, litigation="filed")
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.litigation, complaint.tier) == ("filed", "major")
    page = client.get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    assert "诉讼: 无 → 已起诉" in page or "litigation: None → Filed" in page
    assert "电话核实" in page


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"complainant_count": 0, "litigation": "possible"}, "invalid_complainant_count"),
        ({}, "nothing_changed"),
        ({"litigation": "possible", "note": ""}, "note_required"),
    ],
)
def test_the_page_refuses_what_the_api_refuses_with_the_same_message(
    client, project, staff_a, overrides, code
):
    complaint = intake(project)
    data = facts_form(complaint, **overrides)
    response = login(client, staff_a).post(reverse("complaint-facts", args=[complaint.pk]), data)
    api_body = {key: value for key, value in data.items() if key != "needs_outside_support"}
    api = api_as(staff_a).post(f"/api/v1/complaints/{complaint.pk}/facts/", api_body, format="json").json()
    assert api["code"] == code
    assert messages_of(response) == [api["detail"]]
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="facts").exists()


def test_facts_on_the_page_are_scoped_and_need_the_permission(client, project, staff_b, auditor):
    complaint = intake(project)
    url = reverse("complaint-facts", args=[complaint.pk])
    assert login(client, staff_b).post(url, facts_form(complaint, media="possible")).status_code == 404
    client.logout()
    assert login(client, auditor).post(url, facts_form(complaint, media="possible")).status_code == 403
    assert Complaint.objects.get(pk=complaint.pk).media == "none"


def test_confirm_and_dismiss_on_the_page(client, project, staff_a):
    complaint = intake(project, description="我们全体业主已经找了律师")
    found = {row.signal: row for row in RiskSignal.objects.filter(complaint=complaint)}
    client = login(client, staff_a)
    confirm = reverse("complaint-signal-confirm", args=[complaint.pk, found["collective"].pk])
    response = client.post(confirm, {"note": "业主代表来访"})
    api = api_as(staff_a).post(
        f"/api/v1/complaints/{complaint.pk}/signals/{found['collective'].pk}/confirm/", {}, format="json"
    )
    assert api.json()["code"] == "complainant_count_required"
    assert messages_of(response) == [api.json()["detail"]]
    assert RiskSignal.objects.get(pk=found["collective"].pk).state == "open"  # the number is required
    client.post(confirm, {"complainant_count": "15", "note": "业主代表来访"})
    dismiss = reverse("complaint-signal-dismiss", args=[complaint.pk, found["litigation_possible"].pk])
    response = client.post(dismiss, {"reason": "只是咨询，没有委托"})
    assert response["Location"].endswith("#risk")
    complaint.refresh_from_db()
    assert (complaint.complainant_count, complaint.tier, complaint.litigation) == (15, "major", "none")
    states = dict(RiskSignal.objects.filter(complaint=complaint).values_list("signal", "state"))
    assert states == {"collective": "confirmed", "litigation_possible": "dismissed"}


def test_a_signal_of_another_complaint_is_not_found(client, project, staff_a):
    complaint = intake(project, description="我找了律师")
    other = intake(project)
    signal = RiskSignal.objects.get(complaint=complaint)
    url = reverse("complaint-signal-dismiss", args=[other.pk, signal.pk])
    assert login(client, staff_a).post(url, {"reason": "x"}).status_code == 404
    assert RiskSignal.objects.get(pk=signal.pk).state == "open"


# --- The word lists in the admin ---------------------------------------------------------------


def test_the_group_centre_edits_the_words_and_detection_follows(client, project):
    centre = UserFactory(username="centre", company=None, role=roles.GROUP_CENTRE, is_staff=True)
    client = login(client, centre)
    assert client.get("/admin/complaints/riskword/").status_code == 200
    response = client.post(
        "/admin/complaints/riskword/add/", {"signal": "media_possible", "word": "朋友圈", "active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lawyer = RiskWord.objects.get(signal="litigation_possible", word="律师")
    response = client.post(
        f"/admin/complaints/riskword/{lawyer.pk}/change/", {"signal": "litigation_possible", "word": "律师"}
    )
    assert response.status_code == 302
    assert RiskWord.objects.get(pk=lawyer.pk).active is False
    complaint = intake(project, description="我找了律师，还要发朋友圈")
    assert dict(RiskSignal.objects.filter(complaint=complaint).values_list("signal", "words")) == {
        "media_possible": ["朋友圈"]
    }


def test_company_managers_cannot_change_the_words(client, company_a):
    manager = UserFactory(username="boss", company=company_a, role=roles.COMPANY_MANAGER, is_staff=True)
    lawyer = RiskWord.objects.get(signal="litigation_possible", word="律师")
    client = login(client, manager)
    assert client.get("/admin/complaints/riskword/").status_code == 403
    client.post(
        f"/admin/complaints/riskword/{lawyer.pk}/change/", {"signal": "litigation_possible", "word": "x"}
    )
    assert RiskWord.objects.get(pk=lawyer.pk).word == "律师"
    assert not manager.has_perm("complaints.change_riskword")

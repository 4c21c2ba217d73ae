"""A 12345 referral in a real browser: intake with the authority's case and deadline, at risk in the
queue a day before it, resolved, sent back by the authority, redone, accepted, closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint
from organization import roles
from tests.factories import PASSWORD, CompanyFactory, ProjectFactory, UserFactory

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff():
    company = CompanyFactory(name="深圳万科", city="深圳")
    ProjectFactory(company=company, name="四季花城")
    return UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)


def record_verdict(page, verdict: str, note: str) -> None:
    page.check(f"#verdict-form input[name=verdict][value={verdict}]")
    page.fill("#verdict-form textarea[name=note]", note)
    page.click("#verdict-form button[type=submit]")


def record_callback(page, outcome: str, note: str) -> None:
    page.check(f"input[name=outcome][value={outcome}]")
    page.fill("#id_callback_note", note)
    page.click("form[action$='/callback/'] button[type=submit]")


def test_a_12345_referral_from_intake_to_close(page, live_server, staff):
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.goto(f"{live_server.url}/complaints/new/")
    page.select_option("#id_project", label="四季花城")
    page.select_option("#id_channel", "government")
    page.select_option("#id_category", "construction")
    page.fill("#id_title", "12345转办：外墙渗水")
    page.fill("#id_description", "市民通过12345反映外墙渗水，要求限期处理。")
    page.select_option("#id_external_source", "12345")
    page.fill("#id_external_ref", "SZ12345-20261204-0088")
    deadline = timezone.localtime(timezone.now() + timedelta(hours=20))
    page.fill("#id_external_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.click("section.card form button[type=submit]")
    page.locator("#external-deadline").wait_for()
    complaint = Complaint.objects.get(external_ref="SZ12345-20261204-0088")
    assert complaint.tier == "important"
    assert deadline.strftime("%Y-%m-%d %H:%M") in page.inner_text("#external-deadline")

    # At risk in the queue: the authority's deadline is within a day.
    page.goto(f"{live_server.url}/complaints/?urgency=at_risk")
    row = page.locator(f"#complaint-table tr[data-complaint='{complaint.pk}']")
    assert row.locator(".authority-deadline").count() == 1
    assert row.locator("[data-urgency=at_risk]").count() == 1

    # Assigned, worked on, resolved; closing waits for the authority.
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    page.select_option("#id_assign_handler", label="陈晓丽")
    page.click("form[action$='/assign/'] button[type=submit]")
    page.click("button[data-status=in_progress]")
    page.fill("#id_resolve_note", "已修补外墙防水")
    page.click("button[data-status=resolved]")
    assert page.inner_text("#complaint-status") == "已解决"
    assert page.locator("#needs-verdict").count() == 1

    # Sent back by the authority: reopened as a redo.
    record_verdict(page, "sent_back", "市民反映仍渗水，退回重办")
    assert page.inner_text("#complaint-status") == "处理中"
    assert page.inner_text("#reopen-count") == "1"

    # Redone, accepted, called back and closed.
    page.fill("#id_resolve_note", "重新做外墙防水，淋水试验无渗漏")
    page.click("button[data-status=resolved]")
    assert page.inner_text("#complaint-status") == "已解决"
    record_verdict(page, "accepted", "已办结")
    record_callback(page, "satisfied", "市民确认不再渗水")
    page.click("button[data-status=closed]")
    assert page.inner_text("#complaint-status") == "已结案"
    complaint.refresh_from_db()
    assert (complaint.status, complaint.external_verdict, complaint.reopen_count) == ("closed", "accepted", 1)

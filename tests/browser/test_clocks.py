"""Issue 19 in Chromium: a handler pauses a complaint's response clock on its page and resumes it,
the queue shows the pause beside the countdown, and the group centre adds a holiday on the calendar
page; the pages (paused and not) are axe-clean without sideways scrolling at 1366 and 390 pixels."""

import pytest

from complaints import services
from complaints.models import Complaint
from organization import roles
from organization.models import CalendarDay
from tests.factories import PASSWORD, CompanyFactory, ProjectFactory, UserFactory

from .conftest import sign_in
from .test_complaint_page import check_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def complaint() -> Complaint:
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    staff = UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    UserFactory(username="manager_sz", name="李明华", company=company, role=roles.COMPANY_MANAGER)
    UserFactory(username="group_cr", name="集团客关", company=None, role=roles.GROUP_CENTRE)
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="外墙渗水",
            description="雨后外墙渗水。",
            contact_name="王芳",
            contact_phone="13600002222",
        ),
        received_by=staff,
    )
    services.complaint_assign(
        complaint=complaint, handler=staff, department="engineering", deadline=None, by=staff
    )
    return services.complaint_transition(complaint=complaint, status="in_progress", by=staff)


def test_pause_resume_and_the_calendar_page(browser, page, live_server, complaint):
    problems = check_widths(browser, live_server, "staff_sz", f"/complaints/{complaint.pk}/")
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    page.select_option("#id_pause_reason", "third_party")
    page.fill("#id_pause_note", "等待物业公司出具检测报告")
    page.click("#pause-form button[type=submit]")
    assert page.locator("#pause-state").is_visible()
    page.goto(f"{live_server.url}/complaints/")
    assert page.locator(".response-paused").count() == 1
    problems += check_widths(browser, live_server, "staff_sz", f"/complaints/{complaint.pk}/")
    problems += check_widths(browser, live_server, "manager_sz", f"/complaints/{complaint.pk}/")
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    page.fill("#id_resume_note", "报告已出")
    page.click("#resume-form button[type=submit]")
    assert page.locator("#pause-form").is_visible()
    complaint.refresh_from_db()
    assert complaint.response_paused_since is None
    assert list(complaint.events.filter(kind__in=["paused", "resumed"]).values_list("kind", flat=True)) == [
        "paused",
        "resumed",
    ]

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "group_cr", PASSWORD)
    page.goto(f"{live_server.url}/calendars/?year=2027")
    page.fill("#id_day", "2027-02-08")
    page.select_option("#id_working", "0")
    page.fill("#id_name", "春节")
    page.click("#calendar-day-form button[type=submit]")
    assert "春节" in page.inner_text("#calendar-group")
    assert CalendarDay.objects.filter(company=None, day="2027-02-08", working=False).exists()
    context.close()
    problems += check_widths(browser, live_server, "group_cr", "/calendars/?year=2026")
    assert not problems, "\n".join(problems)

"""The staff complaint page in Chromium, as a handler works in it: reveal the complainant's phone (one
access-log row, then a tel: link), an internal and an owner-visible progress update, a canned reply
inserted into the resolution summary, resolving with it; axe-clean and without sideways scrolling at
1366 and 390 pixels, like the canned replies page of the manager."""

import pytest

from complaints import services
from complaints.models import CannedReply, Complaint
from customers.models import AccessLog
from organization import roles
from tests.factories import PASSWORD, CompanyFactory, ProjectFactory, UserFactory

from .a11y import WIDTHS, axe_violations, describe, page_overflow
from .conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13600001111"
CANNED = "已更换卫生间防水层，闭水试验48小时无渗漏，请您放心使用。"


@pytest.fixture
def complaint() -> Complaint:
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    staff = UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    manager = UserFactory(username="manager_sz", name="李明华", company=company, role=roles.COMPANY_MANAGER)
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="卫生间天花板漏水",
            description="楼上卫生间漏水，天花板已经发霉。",
            contact_name="王芳",
            contact_phone=PHONE,
        ),
        received_by=staff,
    )
    services.complaint_assign(
        complaint=complaint, handler=staff, department="engineering", deadline=None, by=staff
    )
    services.complaint_transition(complaint=complaint, status="in_progress", by=staff)
    services.complaint_handover(complaint=complaint, to_user=manager, note="请经理跟进", by=staff)
    services.canned_reply_create(company=None, title="防水层已更换", body=CANNED, by=manager)
    return complaint


def check_widths(browser, live_server, username: str, path: str) -> list[str]:
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, live_server, username, PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        page.goto(live_server.url + path)
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path} at {width}px: axe\n{describe(violations)}")
        if page_overflow(page) > 0:
            problems.append(f"{path} at {width}px: the page scrolls sideways by {page_overflow(page)}px")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = path.strip("/").replace("/", "-")
        page.screenshot(path=str(SCREENSHOTS / f"{slug}_{username}_{width}.png"), full_page=True)
        context.close()
    return problems


def test_a_handler_works_a_complaint_on_its_page(browser, page, live_server, complaint):
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")

    # The phone is masked; revealing it is one access-log row and gives a number to call.
    assert page.inner_text("#contact-phone-masked") == "136****1111"
    page.click("#reveal-phone")
    call = page.locator("#contact-phone-call")
    assert call.get_attribute("href") == f"tel:{PHONE}"
    assert call.inner_text().strip() == PHONE
    assert list(AccessLog.objects.values_list("action", "full_data")) == [("unmask", True)]

    # An internal note (the default), then an update the complainant is told.
    assert not page.is_checked("#id_progress_visible_to_complainant")
    page.fill("#id_progress_note", "内部：责任在总包，费用由总包承担")
    page.click("#progress-form button[type=submit]")
    page.fill("#id_progress_note", "已安排维修师傅周六上午上门")
    page.check("#id_progress_visible_to_complainant")
    page.click("#progress-form button[type=submit]")
    progress = page.locator("#complaint-events li[data-kind=progress]")
    assert progress.count() == 2
    assert progress.nth(0).get_attribute("data-owner-visible") is None
    assert progress.nth(0).locator(".owner-badge").count() == 0
    assert progress.nth(1).get_attribute("data-owner-visible") == "1"
    assert progress.nth(1).locator(".owner-badge").is_visible()
    # The handover says who handed over to whom.
    assert "陈晓丽 → 李明华" in page.inner_text("#complaint-events li[data-kind=handover]")
    assert "136****1111" in page.inner_text("#contact-phone")  # masked again after the action

    # Resolving without a summary is refused; a canned reply fills it in.
    page.click("button[data-status=resolved]")
    assert page.locator("#id_resolve_note_errors").is_visible()
    assert page.inner_text("#complaint-status") == "处理中"
    picker = page.locator("details.canned[data-canned-target=id_resolve_note]")
    picker.locator("summary").click()
    picker.locator("button.canned-insert").first.click()
    assert page.input_value("#id_resolve_note") == CANNED
    assert picker.get_attribute("open") is None
    page.click("button[data-status=resolved]")
    assert page.inner_text("#complaint-status") == "已解决"
    assert CANNED in page.inner_text("#resolution")
    complaint.refresh_from_db()
    assert complaint.events.get(kind="status", to_value="resolved").note == CANNED

    problems = check_widths(browser, live_server, "staff_sz", f"/complaints/{complaint.pk}/")
    problems += check_widths(browser, live_server, "manager_sz", f"/complaints/{complaint.pk}/")
    problems += check_widths(browser, live_server, "manager_sz", "/complaints/replies/")
    reply = CannedReply.objects.get()
    problems += check_widths(browser, live_server, "manager_sz", f"/complaints/replies/{reply.pk}/")
    assert not problems, "\n".join(problems)

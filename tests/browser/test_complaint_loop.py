"""One complaint through the whole loop, as the owner, the duty handler and the manager meet it:
filed on a phone with 「找媒体曝光」, the signal confirmed (hot), handled by the project's duty handler,
an unhappy call-back reopens it as a second complaint, a satisfied one lets it close, and the monthly
report counts the call-backs."""

import re

import pytest

from complaints.models import Complaint, ComplaintEvent
from organization import roles
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_callback(page, outcome: str, note: str) -> None:
    form = page.locator("form[action$='/callback/']")
    form.locator(f"input[name=outcome][value={outcome}]").check()
    form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    page.locator("#complaint-status").wait_for()


def test_a_complaint_from_the_phone_form_to_a_satisfied_close(browser, page, phone_page, live_server):
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    UnitFactory(building=BuildingFactory(project=project, name="3栋"), number="1201")
    handler = UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    UserFactory(username="manager_sz", name="李明华", company=company, role=roles.COMPANY_MANAGER)
    project.duty_handler = handler
    project.save(update_fields=["duty_handler"])

    # 1. The owner files it on the phone form, threatening the media.
    owner = phone_page
    owner.goto(f"{live_server.url}/complain/")
    owner.select_option("#id_project", label="四季花城")
    owner.select_option("#id_building", "3栋")  # a picker filled from the project
    owner.select_option("#id_unit_number", "1201")
    owner.fill("#id_contact_name", "王芳")
    owner.fill("#id_contact_phone", "136 0000 1111")
    owner.select_option("#id_category", "construction")
    owner.fill("#id_title", "卫生间天花板漏水三个月")
    owner.fill("#id_description", "楼上卫生间漏水三个月了，一直没人管。再不解决我就找媒体曝光。")
    owner.click("#public-complaint-form button[type=submit]")
    number = owner.inner_text("#complaint-number")
    assert re.fullmatch(r"TS\d{6}-\d{6}", number)
    track_url = owner.get_attribute("#track-link", "href")

    # 3. The project's duty handler has it from intake.
    complaint = Complaint.objects.get(number=number)
    assert (complaint.handler_id, complaint.status, complaint.tier) == (handler.pk, "assigned", "normal")

    # 2. The signal is shown, staff confirm it, and the tier rises to hot.
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.click("nav a[href='/complaints/']")
    page.click(f"#complaint-table >> text={number}")
    signal = page.locator("#risk-signals tr[data-signal=media_possible][data-state=open]")
    assert "曝光" in signal.inner_text()
    signal.locator("form.confirm-signal input[name=note], form.confirm-signal textarea[name=note]").fill(
        "业主明确表示要找媒体"
    )
    signal.locator("form.confirm-signal button[type=submit]").click()
    assert page.inner_text("#complaint-tier") == "热点"
    assert page.locator("#risk-signals tr[data-signal=media_possible][data-state=confirmed]").count() == 1

    # 4. Resolved; the call-back finds the owner unhappy, so it reopens as a second complaint.
    page.click("button[data-status=in_progress]")
    page.fill("#id_progress_note", "已安排维修师傅周六上门处理防水层")
    page.click("form[action$='/progress/'] button[type=submit]")
    page.fill("#id_resolve_note", "已更换防水层")
    page.click("button[data-status=resolved]")
    assert page.inner_text("#complaint-status") == "已解决"
    record_callback(page, "not_satisfied", "业主说天花板还在渗水")
    assert page.inner_text("#complaint-status") == "处理中"
    assert "二次投诉" in page.inner_text("#tier-reasons")
    complaint.refresh_from_db()
    assert complaint.reopen_count == 1 and "second_complaint" in complaint.tier_reasons
    assert complaint.tier == "hot"  # a tier never falls by itself: hot stays above important

    # 5. Resolved again; closing waits for a satisfied call-back, then closes.
    page.fill("#id_resolve_note", "重新做了闭水试验，不再渗水")
    page.click("button[data-status=resolved]")
    assert page.inner_text("#complaint-status") == "已解决"
    page.click("button[data-status=closed]")
    assert "回访" in page.inner_text(".messages, .errorlist, .message")
    assert page.inner_text("#complaint-status") == "已解决"
    record_callback(page, "satisfied", "业主确认不再渗水，很满意")
    page.click("button[data-status=closed]")
    assert page.inner_text("#complaint-status") == "已结案"
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert complaint.events.filter(kind=ComplaintEvent.Kind.CALLBACK).count() == 2

    owner.goto(track_url)
    assert owner.inner_text("#track-status") == "已结案"

    # 6. The manager's monthly report shows the call-back figures.
    page.context.clear_cookies()
    sign_in(page, live_server, "manager_sz", PASSWORD)
    page.goto(f"{live_server.url}/reports/")
    assert "1 / 1" in page.inner_text("#callback-coverage")
    assert "1 / 2" in page.inner_text("#callback-satisfaction")
    assert "1 / 1" in page.inner_text("#reopen-rate")

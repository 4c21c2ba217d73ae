import re

import pytest

from complaints.models import Complaint
from organization import roles
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    CustomerFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shenzhen():
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    UnitFactory(building=BuildingFactory(project=project, name="3栋"), number="1201")
    UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    return company


def test_find_a_customer_by_phone_tail_and_open_the_360_page(page, live_server, shenzhen):
    CustomerFactory(name="张伟", phone="13812345678", company=shenzhen)
    CustomerFactory(name="李娜", phone="13900001111", company=shenzhen)
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.click("nav a[href='/customers/']")
    page.fill("#id_q", "5678")
    page.click("#customer-search button[type=submit]")
    rows = page.locator("#customer-table tbody tr")
    assert rows.count() == 1
    assert "138****5678" in rows.inner_text()
    page.click("#customer-table >> text=张伟")
    page.locator("#profile").wait_for()
    assert page.inner_text("#customer-phone") == "138****5678"
    page.click("#unmask")
    assert page.inner_text("#customer-phone") == "13812345678"


def test_owner_files_staff_handle_owner_follows_and_rates(browser, page, phone_page, live_server, shenzhen):
    owner = phone_page
    owner.goto(f"{live_server.url}/complain/")
    owner.select_option("#id_project", label="四季花城")
    owner.select_option("#id_building", "3栋")  # a picker filled from the project
    owner.select_option("#id_unit_number", "1201")
    owner.fill("#id_contact_name", "王芳")
    owner.fill("#id_contact_phone", "136 0000 1111")
    owner.select_option("#id_category", "construction")
    owner.fill("#id_title", "卫生间天花板漏水")
    owner.fill("#id_description", "楼上卫生间漏水，天花板已经发霉。")
    owner.click("#public-complaint-form button[type=submit]")
    number = owner.inner_text("#complaint-number")
    assert re.fullmatch(r"TS\d{6}-\d{6}", number)
    track_url = owner.get_attribute("#track-link", "href")

    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.click("nav a[href='/complaints/']")
    page.click(f"#complaint-table >> text={number}")
    page.select_option("#id_assign_handler", label="陈晓丽")
    page.select_option("#id_assign_department", "engineering")
    page.click("form[action$='/assign/'] button[type=submit]")
    page.click("button[data-status=in_progress]")
    page.fill("#id_progress_note", "已安排维修师傅本周六上门检查防水层")
    page.check("#id_progress_visible_to_complainant")  # told to the complainant, not an internal note
    page.click("form[action$='/progress/'] button[type=submit]")
    page.fill("#id_resolve_note", "已更换防水层，闭水试验无渗漏")
    page.click("button[data-status=resolved]")
    assert page.inner_text("#complaint-status") == "已解决"

    owner.goto(track_url)
    assert owner.inner_text("#track-status") == "已解决"
    assert "已安排维修师傅本周六上门检查防水层" in owner.inner_text("#track-updates")
    owner.check("input[name=rating][value='5']")
    owner.fill("#id_comment", "处理及时，很满意")
    owner.click("#rating-form button[type=submit]")
    assert "5" in owner.inner_text("#track-rating")
    complaint = Complaint.objects.get(number=number)
    assert (complaint.rating, complaint.channel, complaint.customer.name) == (5, "online_form", "王芳")


def test_complete_a_callback_from_my_tasks(page, live_server, shenzhen):
    from datetime import timedelta

    from django.utils import timezone

    from customers.models import Communication
    from tests.factories import PurchaseFactory, UnitFactory
    from touchpoints import services
    from touchpoints.models import ServiceTask

    customer = CustomerFactory(name="赵敏", phone="13700002222", company=shenzhen)
    delivered = timezone.localdate() - timedelta(days=40)
    PurchaseFactory(
        customer=customer,
        unit=UnitFactory(building__project__company=shenzhen),
        contract_date=delivered - timedelta(days=200),
        delivery_date=delivered,
    )
    services.generate_delivery_work()

    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.click("nav a[href='/tasks/']")
    row = page.locator("#task-table tbody tr", has_text="交付满意度回访")
    assert "逾期" in row.inner_text()
    row.get_by_role("button", name="认领").click()
    page.locator(".message", has_text="已认领").wait_for()
    page.click("nav.tabs a[href='?show=assigned']")
    row = page.locator("#task-table tbody tr", has_text="交付满意度回访")
    row.locator("input[name=note]").fill("业主对交付质量满意")
    row.locator("select[name=outcome]").select_option(label="满意")
    row.locator("select[name=channel]").select_option(label="电话")
    row.get_by_role("button", name="已完成").click()
    page.locator(".message", has_text="赵敏").wait_for()
    callback = ServiceTask.objects.select_related("assignee").get(action__code="delivery_callback")
    assert callback.status == "done" and callback.assignee.username == "staff_sz"
    assert (callback.outcome, callback.channel) == ("satisfied", "phone")
    logged = Communication.objects.get(customer=customer)
    assert logged.content.endswith("业主对交付质量满意") and "［满意］" in logged.content

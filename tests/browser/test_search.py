"""The top bar's search in Chromium: "/" puts the cursor in the box, typing shows grouped
suggestions (ARIA combobox), ↓ and Enter open one, Esc closes them, Enter without a choice opens the
results page; on a phone the box stays usable while the menu is folded; the results page is axe clean
at 1366 and 390 pixels."""

import pytest
from playwright.sync_api import expect

from organization import roles
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    ComplaintFactory,
    CustomerFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

from .a11y import WIDTHS, axe_violations, describe, page_overflow
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def homes():
    shenzhen = CompanyFactory(name="深圳万科", city="深圳")
    beijing = CompanyFactory(name="北京万科", city="北京")
    project = ProjectFactory(company=shenzhen, name="四季花城", address="深圳市龙岗区")
    unit = UnitFactory(building=BuildingFactory(project=project, name="3栋"), number="1502")
    complaint = ComplaintFactory(project=project, unit=unit, number="TS202611-000123", title="卫生间渗漏水")
    elsewhere = ProjectFactory(company=beijing, name="城市花园")
    UnitFactory(building=BuildingFactory(project=elsewhere, name="3栋"), number="1502")
    ComplaintFactory(project=elsewhere, number="TS202611-000124")
    CustomerFactory(company=shenzhen, name="张伟", phone="13812345678")
    UserFactory(username="staff_sz", company=shenzhen, role=roles.FRONTLINE_STAFF)
    UserFactory(username="auditor", company=None, role=roles.AUDITOR)
    return {"project": project, "complaint": complaint}


def signed_in(page, live_server, username="staff_sz"):
    sign_in(page, live_server, username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")


def test_slash_type_arrow_enter(page, live_server, homes):
    signed_in(page, live_server)
    box = page.locator("#global-search-input")
    expect(box).to_have_attribute("role", "combobox")
    page.locator("main").click()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    assert box.input_value() == ""  # the "/" is not typed into the box

    page.keyboard.type("3栋1502")
    listbox = page.locator("#global-search-list")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    groups = listbox.locator("[role=group][data-group]")
    expect(groups).to_have_count(2)
    assert [groups.nth(i).get_attribute("data-group") for i in range(2)] == ["complaints", "units"]
    options = listbox.locator("[role=option]")
    expect(options.first).to_contain_text("TS202611-000123")
    assert "TS202611-000124" not in listbox.inner_text()  # another company's
    assert "城市花园" not in listbox.inner_text()

    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("ArrowDown")  # opens the same suggestions again
    expect(listbox).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/complaints/{homes['complaint'].pk}/")


def test_enter_without_a_choice_opens_the_results_page(page, live_server, homes):
    signed_in(page, live_server)
    page.keyboard.press("/")
    page.keyboard.type("张伟")
    expect(page.locator("#global-search-list [role=group][data-group=customers]")).to_be_visible()
    assert "138****5678" in page.locator("#global-search-list").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    expect(page.locator("#search-results section[data-group=customers]")).to_contain_text("张伟")
    expect(page.locator("#global-search-input")).to_have_value("张伟")


def test_slash_inside_a_field_is_a_slash(page, live_server, homes):
    signed_in(page, live_server)
    page.goto(f"{live_server.url}/customers/")
    field = page.locator("#customer-search input[name=q]")
    field.click()
    page.keyboard.type("a/b")
    assert field.input_value() == "a/b"
    expect(page.locator("#global-search-input")).not_to_be_focused()


def test_on_a_phone_the_box_stays_out_of_the_folded_menu(phone_page, live_server, homes):
    signed_in(phone_page, live_server)
    expect(phone_page.locator("#site-menu")).to_be_hidden()
    box = phone_page.locator("#global-search-input")
    expect(box).to_be_visible()
    box.tap()
    box.fill("四季")
    option = phone_page.locator("#global-search-list [role=group][data-group=projects] [role=option]").first
    expect(option).to_contain_text("四季花城")
    option.tap()
    phone_page.wait_for_url(f"**/projects/{homes['project'].pk}/")
    assert page_overflow(phone_page) == 0


def test_results_page_is_accessible_at_both_widths(browser, live_server, homes):
    problems = []
    for width, username in [(width, username) for width in WIDTHS for username in ("staff_sz", "auditor")]:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        signed_in(page, live_server, username)
        # results, the empty page, too short, none found, the auditor's phone-tail note
        for query in ("3栋1502", "张伟", "", "张", "不存在", "13812345678"):
            page.goto(f"{live_server.url}/search/?q={query}")
            where = f"/search/?q={query} as {username} at {width}px"
            violations = axe_violations(page)
            if violations:
                problems.append(f"{where}:\n{describe(violations)}")
            if page_overflow(page) > 0:
                problems.append(f"{where} scrolls sideways")
        page.goto(f"{live_server.url}/search/?q=3栋1502")
        page.locator("#global-search-input").fill("3栋1502 ")
        expect(page.locator("#global-search-list")).to_be_visible()
        violations = axe_violations(page)  # with the suggestions open
        if violations:
            problems.append(f"suggestions at {width}px:\n{describe(violations)}")
        context.close()
    assert not problems, "\n".join(problems)

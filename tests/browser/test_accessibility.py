"""Every staff page (for each role that uses it) and every public page, at 1366 and 390 pixels wide:
axe-core finds no serious or critical violation, nothing makes the page scroll sideways, chart text is
drawn at 11 pixels or more, and the zh-hans page shows no English or internal code. The top menu
folds behind a button on a phone; a wide table scrolls in its own box."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .a11y import (
    MIN_CHART_TEXT,
    WIDTHS,
    axe_violations,
    describe,
    page_overflow,
    smallest_chart_text,
    untranslated_words,
)
from .conftest import sign_in
from .pages import seed_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

USERNAMES = ["staff_sz", "manager_sz", "group_cr", "auditor"]


@pytest.fixture
def site(live_server):
    return seed_site()


def problems_on(
    browser, live_server, urls: dict[str, str], names: list[str], username: str | None
) -> list[str]:
    """What is wrong with each named page at each width, as lines a person can act on."""
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        if username:
            sign_in(page, live_server, username, PASSWORD)
            page.wait_for_url(f"{live_server.url}/")
        for name in names:
            where = f"{name} ({urls[name]}) at {width}px"
            response = page.goto(live_server.url + urls[name])
            if response.status != 200:
                problems.append(f"{where}: HTTP {response.status}")
                continue
            violations = axe_violations(page)
            if violations:
                problems.append(f"{where}: axe\n{describe(violations)}")
            overflow = page_overflow(page)
            if overflow > 0:
                problems.append(f"{where}: the page scrolls sideways by {overflow}px")
            smallest = smallest_chart_text(page)
            if smallest is not None and smallest < MIN_CHART_TEXT:
                problems.append(f"{where}: chart text drawn at {smallest:.1f}px")
            if width == WIDTHS[0]:  # the whole menu is visible at the wide width
                words = untranslated_words(page, allowed=USERNAMES)
                if words:
                    problems.append(f"{where}: not translated: {', '.join(words)}")
        context.close()
    return problems


@pytest.mark.parametrize("username", USERNAMES)
def test_staff_pages(browser, live_server, site, username):
    problems = problems_on(browser, live_server, site.urls, site.visits[username], username)
    assert not problems, "\n".join(problems)


def test_public_pages(browser, live_server, site):
    problems = problems_on(browser, live_server, site.urls, site.public, None)
    assert not problems, "\n".join(problems)


def test_the_menu_folds_behind_a_button_on_a_phone(browser, live_server, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server, "manager_sz", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    toggle = page.locator("#menu-toggle")
    menu = page.locator("#site-menu")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert toggle.locator(".badge").inner_text().startswith("3")  # the hot complaint's notifications
    assert not menu.is_visible()

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and menu.is_visible()
    page.get_by_role("link", name="客户投诉").click()
    page.wait_for_url("**/complaints/")
    assert not page.locator("#site-menu").is_visible()

    page.locator("#menu-toggle").click()
    page.keyboard.press("Escape")
    assert not page.locator("#site-menu").is_visible()
    assert page.evaluate("document.activeElement.id") == "menu-toggle"

    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("#site-menu").is_visible() and not page.locator("#menu-toggle").is_visible()
    context.close()


def test_a_wide_table_scrolls_in_its_own_box_that_the_keyboard_reaches(browser, live_server, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "manager_sz", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/customers/segments/")
    box = page.locator(".table-scroll")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == "各项目客户细分占比"
    assert page_overflow(page) == 0

    page.set_viewport_size({"width": 1366, "height": 900})
    expect(box).not_to_have_attribute("tabindex", "0")
    expect(box).not_to_have_attribute("role", "region")
    context.close()


@pytest.mark.parametrize("username", ["staff_sz", "manager_sz"])
def test_the_cost_ledger_and_the_possible_duplicates_are_checked(browser, live_server, site, username):
    """The complaint page with costs (a reversal, a back-charge moved on) and a possible duplicate is
    in the page list: both sections are on it, and axe finds nothing serious at either width."""
    assert "complaint-costs" in site.visits[username]
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + site.urls["complaint-costs"])
    assert page.locator("#costs tr[data-cost]").count() == 5
    assert page.locator("#duplicates li[data-duplicate]").count() == 1
    context.close()
    problems = problems_on(browser, live_server, site.urls, ["complaint-costs"], username)
    assert not problems, "\n".join(problems)

"""The home workbench in Chromium: each role's blocks at 1366 and 390 pixels with no serious or
critical axe violation and no sideways scrolling; a tile leads to the matching filtered list."""

import pytest

from tests.factories import PASSWORD

from .a11y import WIDTHS, axe_violations, describe, page_overflow
from .conftest import sign_in
from .pages import seed_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_BLOCK = {"staff_sz": "my-complaints", "manager_sz": "company-figures", "group_cr": "companies"}


@pytest.fixture
def site(live_server):
    return seed_site()


@pytest.mark.parametrize("username", list(FIRST_BLOCK))
def test_each_roles_home_at_both_widths(browser, live_server, site, username):
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, live_server, username, PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        first = page.locator("#workbench > section").first
        assert first.get_attribute("data-block") == FIRST_BLOCK[username]
        assert page.locator("#workbench-my-complaints").is_visible()
        violations = axe_violations(page)
        if violations:
            problems.append(f"{username} at {width}px: axe\n{describe(violations)}")
        overflow = page_overflow(page)
        if overflow > 0:
            problems.append(f"{username} at {width}px: the page scrolls sideways by {overflow}px")
        if width == 390:  # one column: the blocks stack
            boxes = [
                box for box in (s.bounding_box() for s in page.locator("#workbench > section").all()) if box
            ]
            assert len({round(box["x"]) for box in boxes}) == 1
        context.close()
    assert not problems, "\n".join(problems)


def test_a_tile_leads_to_the_matching_filtered_list(page, live_server, site):
    sign_in(page, live_server, "manager_sz", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    hot = page.locator('#workbench-company-figures [data-tile="open-hot"] a')
    with page.expect_navigation():
        hot.click()
    assert page.url.endswith("/complaints/?tier=hot")
    assert page.locator('select[name="tier"]').input_value() == "hot"


def test_the_group_centre_opens_a_companys_overdue_list(page, live_server, site):
    sign_in(page, live_server, "group_cr", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    row = page.locator("#workbench-companies tr[data-company]").first
    company = row.get_attribute("data-company")
    with page.expect_navigation():
        row.locator('[data-tile="overdue"] a').click()
    assert page.url.endswith(f"/complaints/?company={company}&urgency=overdue")

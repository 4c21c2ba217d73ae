"""The complaint work queue in Chromium: filter (mine, at risk), sort, save a view and reopen it,
bulk-assign two complaints through the confirmation step; axe at 1366 and 390 pixels."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint, Status
from organization import roles
from tests.factories import PASSWORD, CompanyFactory, ComplaintFactory, ProjectFactory, UserFactory

from .a11y import WIDTHS, axe_violations, describe, page_overflow
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(live_server):
    now = timezone.now()
    company = CompanyFactory(name="深圳万科", city="深圳")
    me = UserFactory(username="queue_me", company=company, role=roles.FRONTLINE_STAFF)
    colleague = UserFactory(
        username="queue_colleague", name="李同事", company=company, role=roles.FRONTLINE_STAFF
    )
    project = ProjectFactory(company=company, name="四季花城")

    def complaint(hours_ago, **fields):
        received_at = now - timedelta(hours=hours_ago)
        return ComplaintFactory(project=project, received_at=received_at, **fields)

    return {
        "me": me,
        "colleague": colleague,
        "mine_soon": complaint(
            150, handler=me, status=Status.ASSIGNED, escalates_at=now + timedelta(hours=10), title="外墙裂缝"
        ),
        "mine_later": complaint(20, handler=me, status=Status.ASSIGNED, escalates_at=now + timedelta(days=6)),
        "mine_mid": complaint(40, handler=me, status=Status.ASSIGNED, escalates_at=now + timedelta(days=5)),
        "free_1": complaint(3, escalates_at=now + timedelta(days=7)),
        "free_2": complaint(2, escalates_at=now + timedelta(days=7)),
    }


def rows(page) -> list[int]:
    return [
        int(pk)
        for pk in page.locator("#complaint-table tbody tr[data-complaint]").evaluate_all(
            "rows => rows.map(row => row.dataset.complaint)"
        )
    ]


def test_filter_sort_save_and_bulk_assign(page, live_server, desk):
    sign_in(page, live_server, "queue_me", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/complaints/")

    # Mine, then at risk (the chips above the table).
    page.click("a[data-view=mine]")
    page.wait_for_url("**/complaints/?mine=true")
    mine = {desk[key].pk for key in ("mine_soon", "mine_later", "mine_mid")}
    assert set(rows(page)) == mine
    page.click("a[data-view=at-risk]")
    page.wait_for_url("**/complaints/?urgency=at_risk&sort=escalation")
    assert rows(page) == [desk["mine_soon"].pk]

    # Mine, sorted by next escalation through the filter form.
    page.goto(f"{live_server.url}/complaints/?mine=true")
    page.select_option("#sort", "escalation")
    page.click("#filter-form button[type=submit]")
    page.wait_for_url("**sort=escalation**")
    assert rows(page) == [desk[key].pk for key in ("mine_soon", "mine_mid", "mine_later")]

    # Save this view, leave, reopen it from its chip.
    page.fill("#save-view input[name=view_name]", "我的升级顺序")
    page.click("#save-view button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/complaints/")
    chip = page.locator("[data-saved-view] a", has_text="我的升级顺序")
    chip.click()
    page.wait_for_url("**sort=escalation**")
    assert rows(page) == [desk[key].pk for key in ("mine_soon", "mine_mid", "mine_later")]

    # Bulk-assign the two unassigned complaints to a colleague, through the confirmation page.
    page.goto(f"{live_server.url}/complaints/?unassigned=true")
    assert set(rows(page)) == {desk["free_1"].pk, desk["free_2"].pk}
    page.check("#select-all")
    page.select_option("#bulk-bar select[name=action]", "assign")
    page.select_option("#bulk-bar select[name=to]", str(desk["colleague"].pk))
    page.click("#bulk-bar button[type=submit]")
    page.wait_for_selector("#bulk-confirm")
    assert page.locator("#bulk-complaints tr[data-complaint]").count() == 2
    assert not Complaint.objects.filter(handler=desk["colleague"]).exists()
    page.click("#bulk-apply")
    page.wait_for_selector("#bulk-outcomes")
    assert page.locator("tr[data-outcome=done]").count() == 2
    assert Complaint.objects.filter(handler=desk["colleague"]).count() == 2


@pytest.mark.parametrize("width", WIDTHS)
def test_the_queue_and_the_confirmation_pass_axe(browser, live_server, desk, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live_server, "queue_me", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    problems = []
    page.goto(f"{live_server.url}/complaints/")
    filters_open = page.locator("#queue-filters").evaluate("details => details.open")
    assert filters_open == (width > 700)  # folded away on a phone
    problems += axe_violations(page)
    assert page_overflow(page) == 0
    page.check(f"input[name=ids][value='{desk['free_1'].pk}']")
    page.select_option("#bulk-bar select[name=to]", str(desk["colleague"].pk))
    page.click("#bulk-bar button[type=submit]")
    page.wait_for_selector("#bulk-confirm")
    problems += axe_violations(page)
    assert page_overflow(page) == 0
    context.close()
    assert not problems, describe(problems)

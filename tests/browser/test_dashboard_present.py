"""The managers' dashboard and its print view, fit to present, in Chromium at 1366 and 390 pixels:
no serious or critical axe-core violation, no sideways scrolling, every chart drawn and visible with
text of 11 pixels or more, the header with company, month and generation time, tiers from major down."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Contractor, Repair
from organization import roles
from tests.factories import PASSWORD, CompanyFactory, ComplaintFactory, ProjectFactory, UserFactory

from .a11y import MIN_CHART_TEXT, WIDTHS, axe_violations, describe, page_overflow, smallest_chart_text
from .conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def october(live_server):
    company = CompanyFactory(name="深圳万科")
    project = ProjectFactory(company=company, name="四季花城")
    manager = UserFactory(username="manager_sz", company=company, role=roles.COMPANY_MANAGER)
    made = []
    for day, tier, category, reasons in (
        (2, "normal", "construction", []),
        (3, "normal", "property", []),
        (4, "important", "sales", ["second_complaint"]),
        (5, "hot", "construction", ["litigation_possible"]),
        (6, "major", "design", ["media_exposed"]),
    ):
        made.append(
            ComplaintFactory(
                project=project,
                tier=tier,
                category=category,
                tier_reasons=reasons,
                status="in_progress",
                received_at=datetime(2026, 10, day, 9, tzinfo=SHANGHAI),
            )
        )
    contractor = Contractor.objects.create(name="北京东方雨虹防水技术股份有限公司", kind="supplier")
    for complaint, held in ((made[0], True), (made[3], False)):
        Repair.objects.create(
            complaint=complaint,
            contractor=contractor,
            work="重做防水",
            started_on=date(2026, 10, 9),
            fixed_first_time=held,
            recorded_by=manager,
        )
    return made


def check_page(page, where: str) -> list[str]:
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(f"{where}: axe\n{describe(violations)}")
    overflow = page_overflow(page)
    if overflow > 0:
        problems.append(f"{where}: the page scrolls sideways by {overflow}px")
    smallest = smallest_chart_text(page)
    if smallest is None or smallest < MIN_CHART_TEXT:
        problems.append(f"{where}: chart text drawn at {smallest}px")
    charts = page.locator("svg.chart")
    if charts.count() < 4:
        problems.append(f"{where}: {charts.count()} charts")
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        if not chart.is_visible() or box is None or box["width"] < 200 or box["height"] < 20:
            problems.append(f"{where}: chart {chart.get_attribute('aria-label')[:40]} is not visible ({box})")
    if page.inner_text("#report-scope") != "深圳万科" or page.inner_text("#report-period") != "2026-10":
        problems.append(f"{where}: header {page.inner_text('#report-header')}")
    if len(page.inner_text("#report-generated")) != len("2026-10-05 09:00"):
        problems.append(f"{where}: generated at {page.inner_text('#report-generated')}")
    return problems


def test_the_dashboard_and_the_print_view_at_both_widths(browser, live_server, october):
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, live_server, "manager_sz", PASSWORD)
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/reports/?month=2026-10")
        problems += check_page(page, f"dashboard at {width}px")
        tiers = page.locator("#tier-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.tier)")
        if tiers != ["major", "hot", "important", "normal"]:
            problems.append(f"dashboard at {width}px: tiers in the order {tiers}")
        if page.locator("#contractors tbody tr").count() != 1:
            problems.append(f"dashboard at {width}px: contractor rows")

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"dashboard-present-{width}.png"), full_page=True)
        page.click("#report-print")
        page.wait_for_url("**/reports/print/**")
        problems += check_page(page, f"print view at {width}px")
        page.emulate_media(media="print")
        if page.locator("svg.chart").first.bounding_box() is None:
            problems.append(f"print view at {width}px: charts not drawn for print")
        page.emulate_media(media="screen")
        page.screenshot(path=str(SCREENSHOTS / f"dashboard-present-print-{width}.png"), full_page=True)
        context.close()
    assert not problems, "\n".join(problems)

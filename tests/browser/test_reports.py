import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from organization import roles
from tests.factories import PASSWORD, CompanyFactory, ComplaintFactory, ProjectFactory, UserFactory

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_and_the_xlsx_download(page, live_server):
    company = CompanyFactory(name="深圳万科")
    project = ProjectFactory(company=company, name="四季花城")
    shanghai = ZoneInfo("Asia/Shanghai")
    for day, tier in ((3, "normal"), (9, "hot"), (15, "major")):
        ComplaintFactory(project=project, tier=tier, received_at=datetime(2026, 10, day, 9, tzinfo=shanghai))
    UserFactory(username="manager_sz", company=company, role=roles.COMPANY_MANAGER)

    sign_in(page, live_server, "manager_sz", PASSWORD)
    page.click("nav a[href='/reports/']")
    page.fill("input[name=month]", "2026-10")
    page.click("#report-filters button[type=submit]")
    page.locator("#report-counts").wait_for()
    assert "3" in page.inner_text("#report-counts .card >> nth=0")
    assert page.locator("svg.chart").count() >= 2
    assert page.locator("#escalated tbody tr").count() == 2

    with page.expect_download() as download:
        page.click("#export-xlsx")
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[6][:2] == ("新增", 3)  # after the header lines (report, company, month, generated at)
    by_tier = list(workbook["按等级"].iter_rows(min_row=7, max_col=2, values_only=True))
    assert by_tier == [("重大", 1), ("热点", 1), ("重要", 0), ("一般", 1)]

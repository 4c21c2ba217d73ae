"""The report fit to present: the same header (company, month, generated at in Beijing time) on the
dashboard, the print view, every XLSX sheet, the CSV and the e-mailed snapshot; tiers from major down;
charts in the print view and native charts in the XLSX; file names; the contractor statistics."""

import csv
import io
import re
from datetime import UTC, date, datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from complaints import reports, rules
from complaints.models import TIER_ORDER, Contractor, Repair, ReportSnapshot
from complaints.reports import snapshots
from core import outbox
from core.exports import content_disposition
from tests.factories import ComplaintFactory, ProjectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 17:30 UTC on 2 November is 01:30 on 3 November in Shanghai: a header in UTC would show the wrong day.
GENERATED = datetime(2026, 11, 2, 17, 30, tzinfo=UTC)
GENERATED_LOCAL = "2026-11-03 01:30"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def october(company_a, company_b, staff_a):
    """Company A in October 2026: one complaint of every tier (two normal), a repair by each of two
    contractors; company B: one major complaint (never in company A's report)."""
    project = ProjectFactory(company=company_a, name="四季花城")
    made = {
        "normal": ComplaintFactory(
            project=project, tier="normal", category="construction", received_at=at(2)
        ),
        "normal2": ComplaintFactory(project=project, tier="normal", category="property", received_at=at(3)),
        "important": ComplaintFactory(
            project=project, tier="important", tier_reasons=["second_complaint"], received_at=at(4)
        ),
        "hot": ComplaintFactory(
            project=project, tier="hot", tier_reasons=["litigation_possible"], received_at=at(5)
        ),
        "major": ComplaintFactory(
            project=project, tier="major", tier_reasons=["media_exposed"], received_at=at(6)
        ),
        "b": ComplaintFactory(project=ProjectFactory(company=company_b), tier="major", received_at=at(7)),
    }
    good = Contractor.objects.create(name="甲总包", kind="contractor")
    weak = Contractor.objects.create(name="乙防水", kind="supplier")
    for complaint, contractor, first_time in (
        (made["normal"], good, True),
        (made["major"], weak, False),
        (made["major"], weak, True),
    ):
        Repair.objects.create(
            complaint=complaint,
            contractor=contractor,
            work="修补",
            started_on=date(2026, 10, 8),
            fixed_first_time=first_time,
            recorded_by=staff_a,
        )
    return made


@pytest.fixture
def generated_at(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: GENERATED)


def test_tier_order_is_the_rank_from_the_top():
    assert TIER_ORDER == ("major", "hot", "important", "normal")
    assert list(TIER_ORDER) == sorted(rules.TIER_RANK, key=rules.TIER_RANK.__getitem__, reverse=True)


def test_content_disposition_has_a_utf8_name_and_an_ascii_fallback():
    header = content_disposition(
        "客户投诉月报_深圳万科_2026-10.xlsx", fallback='complaint"report_2026-10.xlsx'
    )
    plain, encoded = header.split("; filename*=")
    assert plain == 'attachment; filename="complaint_report_2026-10.xlsx"'
    assert encoded.startswith("UTF-8''") and unquote(encoded[7:]) == "客户投诉月报_深圳万科_2026-10.xlsx"


def _file_name(response) -> tuple[str, str]:
    disposition = response["Content-Disposition"]
    fallback = re.search(r'filename="([^"]*)"', disposition).group(1)
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
    return unquote(encoded), fallback


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_file_names_in_chinese_and_english(client, october, manager_a, group_user, fmt):
    client.force_login(manager_a)
    url = reverse("reports-export", args=[fmt])
    with translation.override("zh-hans"):
        prefix, group = translation.gettext("complaint-report"), translation.gettext("Group")
    assert group == "集团"
    assert _file_name(client.get(url, {"month": "2026-10"})) == (
        f"{prefix}_深圳万科_2026-10.{fmt}",
        f"complaint-report_2026-10.{fmt}",
    )
    english = client.get(url, {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _file_name(english)[0] == f"complaint-report_深圳万科_2026-10.{fmt}"

    client.force_login(group_user)
    assert _file_name(client.get(url, {"month": "2026-10"}))[0] == f"{prefix}_集团_2026-10.{fmt}"
    assert _file_name(client.get(url, {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en")) == (
        f"complaint-report_Group_2026-10.{fmt}",
        f"complaint-report_group_2026-10.{fmt}",
    )
    region = client.get(url, {"month": "2026-10", "region": october["major"].company.region_id})
    assert _file_name(region)[0] == f"{prefix}_{october['major'].company.region.name}_2026-10.{fmt}"


def test_headers_show_company_month_and_local_generation_time(client, october, manager_a, generated_at):
    client.force_login(manager_a)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    for name in ("reports", "reports-print"):
        page = client.get(reverse(name), {"month": "2026-10"}, **english).content.decode()
        assert 'id="report-scope">深圳万科<' in page
        assert 'id="report-period">2026-10<' in page
        assert f">{GENERATED_LOCAL}</time>" in page
        assert "Monthly complaint report" in page and "Generated at (Beijing time)" in page

    workbook = load_workbook(
        io.BytesIO(
            client.get(reverse("reports-export", args=["xlsx"]), {"month": "2026-10"}, **english).content
        )
    )
    expected = [
        ("Monthly complaint report",),
        ("Company", "深圳万科"),
        ("Month", "2026-10"),
        ("Generated at (Beijing time)", GENERATED_LOCAL),
    ]
    for sheet in workbook.worksheets:
        rows = [
            tuple(value for value in row if value is not None)
            for row in sheet.iter_rows(max_row=5, values_only=True)
        ]
        assert rows[:4] == expected, sheet.title
        assert rows[4] == ()

    text = client.get(reverse("reports-export", args=["csv"]), {"month": "2026-10"}, **english).content
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert [tuple(line) for line in lines[:4]] == expected


def test_the_group_header_names_the_whole_group(client, october, group_user):
    client.force_login(group_user)
    page = client.get(reverse("reports"), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-scope="group"' in page and 'id="report-scope">All companies of the group<' in page


def test_tiers_are_ordered_major_first_everywhere(client, october, manager_a):
    client.force_login(manager_a)
    page = client.get(reverse("reports"), {"month": "2026-10"}).content.decode()
    table = page[page.index('id="tier-table"') :].split("</table>")[0]
    assert re.findall(r'data-tier="(\w+)"', table) == list(TIER_ORDER)
    escalated = page[page.index('id="escalated"') :].split("</table>")[0]
    assert re.findall(r'data-tier="(\w+)"', escalated) == ["major", "hot", "important"]
    # The trend chart's legend lists the tiers in the same order.
    trend = page[page.index('id="trend-chart"') :].split("</svg>")[0]
    legend = re.findall(r'dx="16"[^>]*>([^<]+)</text>', trend)
    with translation.override("zh-hans"):
        assert legend == [
            str(translation.gettext(label)) for label in ("Major", "Hot", "Important", "Normal")
        ]

    workbook = load_workbook(
        io.BytesIO(
            client.get(
                reverse("reports-export", args=["xlsx"]), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en"
            ).content
        )
    )
    assert list(workbook["By tier"].iter_rows(min_row=7, values_only=True)) == [
        ("Major", 1),
        ("Hot", 1),
        ("Important", 1),
        ("Normal", 2),
    ]
    text = client.get(
        reverse("reports-export", args=["csv"]), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode("utf-8-sig")
    tiers = text[text.index("By tier") :].split("\r\n\r\n")[0].splitlines()
    assert tiers[2:] == ["Major,1", "Hot,1", "Important,1", "Normal,2"]


def test_xlsx_has_native_charts_and_the_contractor_sheet(client, october, manager_a):
    client.force_login(manager_a)
    response = client.get(
        reverse("reports-export", args=["xlsx"]), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    share, tiers = workbook["By category"], workbook["By tier"]
    assert [type(chart).__name__ for chart in share._charts] == ["PieChart"]
    assert [type(chart).__name__ for chart in tiers._charts] == ["BarChart"]
    # Next to their data: the table takes columns A–C (A–B for tiers), the chart starts two columns on.
    assert share._charts[0].anchor._from.col == 4 and tiers._charts[0].anchor._from.col == 3
    assert list(share.iter_rows(min_row=6, max_row=6, values_only=True)) == [
        ("Item", "Complaints", "Share (%)")
    ]

    contractors = workbook["Contractor quality and repairs"]
    rows = list(contractors.iter_rows(min_row=6, values_only=True))
    assert rows[0][:2] == ("Rank", "Contractor or supplier")
    assert [row[:8] for row in rows[1:]] == [
        (1, "甲总包", "Contractor", 1, 1, 1, 0, 100),
        (2, "乙防水", "Supplier", 1, 2, 1, 1, 50),
    ]
    [chart] = contractors._charts  # the first-time fix rate by contractor (names in column B)
    assert chart.series[0].cat.numRef.f == "'Contractor quality and repairs'!$B$7:$B$8"
    assert chart.series[0].val.numRef.f == "'Contractor quality and repairs'!$H$7:$H$8"


def test_the_print_view_shows_the_dashboards_charts(client, october, manager_a):
    client.force_login(manager_a)
    dashboard = client.get(reverse("reports"), {"month": "2026-10"}).content.decode()
    printed = client.get(reverse("reports-print"), {"month": "2026-10"}).content.decode()
    chart_labels = re.compile(r'<svg class="chart [^"]*" role="img" aria-label="([^":]+)')
    assert set(chart_labels.findall(printed)) == set(chart_labels.findall(dashboard))
    # Trend, tiers, categories and contractors; companies only where there are several to compare.
    assert len(chart_labels.findall(printed)) == 4
    assert 'font-size="1' in printed and not re.search(r'font-size="([0-9]|10)"', printed)


def test_the_dashboard_shows_the_contractor_statistics(client, october, manager_a, company_b):
    client.force_login(manager_a)
    page = client.get(reverse("reports"), {"month": "2026-10"}).content.decode()
    section = page[page.index('id="contractors"') :].split("</table>")[0]
    assert section.index("甲总包") < section.index("乙防水")
    assert len(re.findall(r"data-contractor=", section)) == 2
    # Another month has no repairs: the section says so.
    empty = client.get(reverse("reports"), {"month": "2026-09"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No repairs were recorded in this period." in empty


def test_the_emailed_snapshot_has_the_header_tiers_and_contractors(
    october, company_a, manager_a, generated_at
):
    manager_a.email = "manager@example.com"
    manager_a.save()
    with translation.override("en"):
        for snapshot in snapshots.generate(ReportSnapshot.Kind.MONTHLY, reports.Period.month(2026, 10)):
            snapshots.email_once(snapshot)
    outbox.deliver_pending()
    [message] = mail.outbox
    assert message.subject == "Monthly complaint report · 深圳万科 · 2026-10"
    body = message.body
    assert "Company: 深圳万科\nMonth: 2026-10\n" in body
    assert f"Generated at (Beijing time): {GENERATED_LOCAL}" in body
    tiers = body[body.index("== By tier ==") :].split("\n\n")[0].splitlines()[1:]
    assert tiers == ["Major: 1", "Hot: 1", "Important: 1", "Normal: 2"]
    escalated = body[body.index("== Major, hot and important ==") :]
    assert escalated.index(october["major"].number) < escalated.index(october["hot"].number)
    assert october["b"].number not in body
    contractors = body[body.index("== Contractor quality and repairs ==") :]
    assert "1. 甲总包 (Contractor): Repairs 1, Repeat repairs 0, First-time fix rate (%) 100.0" in contractors
    assert "2. 乙防水 (Supplier)" in contractors
    assert f"/reports/?month=2026-10&company={company_a.pk}" in body

"""Report figures against hand-counted fixtures."""

import io
from datetime import UTC, datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from complaints import reports
from complaints.models import Complaint, ComplaintEvent, Contractor, Repair, ReportSnapshot
from complaints.reports import snapshots as report_snapshots
from core import outbox
from core.models import Job
from tests.conftest import api_as
from tests.factories import PASSWORD, ComplaintFactory, ProjectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10, month: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def october(company_a, company_b):
    """Company A: five complaints in October 2026, one in September, one in October 2025;
    company B: two in October (never counted for company A)."""
    project = ProjectFactory(company=company_a, name="四季花城")
    other = ProjectFactory(company=company_b, name="城市花园")
    made = {
        # resolved in 10 h after a 2 h first response, closed, rated 5
        "a1": ComplaintFactory(
            project=project,
            category="construction",
            tier="normal",
            status="closed",
            received_at=at(2),
            first_response_at=at(2, 12),
            resolved_at=at(2, 20),
            closed_at=at(3),
            rating=5,
        ),
        # resolved in 30 h, closed, rated 2
        "a2": ComplaintFactory(
            project=project,
            category="construction",
            tier="hot",
            status="closed",
            tier_reasons=["media_possible"],
            received_at=at(5),
            first_response_at=at(5, 14),
            resolved_at=at(6, 16),
            closed_at=at(7),
            rating=2,
        ),
        # still open at the end of October, major, with a plan
        "a3": ComplaintFactory(
            project=project,
            category="design",
            tier="major",
            status="in_progress",
            tier_reasons=["media_exposed"],
            received_at=at(10),
            first_response_at=at(10, 11),
            deadline=at(20),
        ),
        # received at the very end of October (Shanghai time), never answered
        "a4": ComplaintFactory(
            project=project,
            category="property",
            tier="important",
            status="received",
            received_at=datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI),
        ),
        # received in October, resolved in November
        "a5": ComplaintFactory(
            project=project,
            category="design",
            tier="normal",
            status="resolved",
            received_at=at(28),
            first_response_at=at(28, 18),
            resolved_at=at(3, month=11),
        ),
        "a_sep": ComplaintFactory(
            project=project,
            category="sales",
            status="closed",
            received_at=at(20, month=9),
            resolved_at=at(25, month=9),
            closed_at=at(26, month=9),
        ),
        "a_last_year": ComplaintFactory(project=project, category="sales", received_at=at(15, year=2025)),
        "b1": ComplaintFactory(project=other, category="construction", tier="major", received_at=at(3)),
        "b2": ComplaintFactory(project=other, category="construction", received_at=at(4)),
    }
    ComplaintEvent.objects.create(complaint=made["a3"], kind="plan", note="更换外立面石材", deadline=at(20))
    return made


OCTOBER = reports.Period.month(2026, 10)


def company_report(company):
    return reports.complaint_report(Complaint.objects.filter(company=company), OCTOBER)


def test_counts_and_comparisons(october, company_a):
    report = company_report(company_a)
    # Open at the end of October: a3, a4, a5 (resolved in November) and last October's, never resolved.
    assert report["counts"] == {"new": 5, "resolved": 2, "closed": 2, "open_at_end": 4}
    assert report["previous"] == {"label": "2026-09", "new": 1, "resolved": 1, "closed": 1, "open_at_end": 1}
    assert report["year_before"]["new"] == 1
    assert report["by_category"] == {"construction": 2, "design": 2, "property": 1}
    assert report["by_tier"] == {"major": 1, "hot": 1, "important": 1, "normal": 2}
    assert list(report["by_tier"]) == ["major", "hot", "important", "normal"]


def test_response_and_resolution_percentiles(october, company_a):
    report = company_report(company_a)
    # First responses of October complaints: 2 h, 4 h, 1 h, 8 h (a4 has none) → sorted 1, 2, 4, 8;
    # nearest rank: the median is the 2nd value, the 90th percentile the 4th.
    assert report["first_response"] == {"count": 4, "median_hours": 2.0, "p90_hours": 8.0}
    # Resolved in October: 10 h and 30 h.
    assert report["resolution"] == {"count": 2, "median_hours": 10.0, "p90_hours": 30.0}


def test_satisfaction_overdue_and_the_escalated_list(october, company_a):
    report = company_report(company_a)
    assert report["satisfaction"] == {"rated": 2, "average": 3.5, "satisfied_percent": 50.0}
    # Unresolved at the end of October and overdue (rules.urgency): a3, past its 20 October plan
    # deadline, and last October's complaint, open for a year (a month is the limit, whatever the tier).
    assert report["overdue"] == 2
    escalated = [(row["number"], row["tier"]) for row in report["escalated"]]
    assert escalated == [
        (october["a3"].number, "major"),
        (october["a2"].number, "hot"),
        (october["a4"].number, "important"),
    ]
    major = report["escalated"][0]
    assert major["current_plan"] == "更换外立面石材"
    assert major["reason_labels"] == ["已被媒体曝光"]
    assert major["days_open"] == 21  # 10 October to the end of October


def test_an_empty_month(october, company_a):
    report = reports.complaint_report(
        Complaint.objects.filter(company=company_a), reports.Period.month(2024, 2)
    )
    assert report["counts"] == {"new": 0, "resolved": 0, "closed": 0, "open_at_end": 0}
    assert report["first_response"]["median_hours"] is None
    assert report["satisfaction"] == {"rated": 0, "average": None, "satisfied_percent": None}
    assert report["escalated"] == []


def test_a_month_with_only_open_complaints(company_a):
    project = ProjectFactory(company=company_a)
    for day in (3, 4):
        ComplaintFactory(project=project, received_at=at(day, month=6))
    report = reports.complaint_report(Complaint.objects.all(), reports.Period.month(2026, 6))
    assert report["counts"] == {"new": 2, "resolved": 0, "closed": 0, "open_at_end": 2}
    assert report["resolution"]["count"] == 0


def test_weeks_and_category_share(october, company_a):
    week = reports.Period.parse_week("2026-W41")  # 5–11 October 2026
    report = reports.complaint_report(Complaint.objects.filter(company=company_a), week)
    assert report["counts"]["new"] == 2  # a2 (5th) and a3 (10th)
    share = reports.category_share(Complaint.objects.filter(company=company_a), at(1), at(1, month=11))
    assert share[0]["percent"] == 40.0


def test_contractor_statistics_rank_by_first_time_fixes(october, company_a, staff_a):
    good = Contractor.objects.create(name="甲总包")
    weak = Contractor.objects.create(name="乙防水")
    Repair.objects.create(
        complaint=october["a1"],
        contractor=good,
        work="x",
        started_on=at(3).date(),
        fixed_first_time=True,
        recorded_by=staff_a,
    )
    Repair.objects.create(
        complaint=october["a2"],
        contractor=weak,
        work="x",
        started_on=at(6).date(),
        fixed_first_time=False,
        recorded_by=staff_a,
    )
    Repair.objects.create(
        complaint=october["a2"],
        contractor=weak,
        work="x",
        started_on=at(8).date(),
        fixed_first_time=True,
        recorded_by=staff_a,
    )
    rows = reports.contractor_statistics(Complaint.objects.filter(company=company_a), OCTOBER)
    assert [
        (r["name"], r["complaints"], r["repairs"], r["first_time_fix_rate"], r["rank"]) for r in rows
    ] == [("甲总包", 1, 1, 100.0, 1), ("乙防水", 1, 2, 50.0, 2)]


def test_api_is_scoped_and_validates(october, company_a, company_b, manager_a):
    client = api_as(manager_a)
    body = client.get("/api/v1/reports/complaints/monthly/?month=2026-10").json()
    assert body["counts"]["new"] == 5
    assert set(body["by_company"]) == {"深圳万科"}
    assert (
        client.get(f"/api/v1/reports/complaints/monthly/?month=2026-10&company={company_b.pk}").status_code
        == 404
    )
    assert client.get("/api/v1/reports/complaints/monthly/?month=2026-13").status_code == 400
    assert client.get("/api/v1/reports/complaints/weekly/?week=2026-W41").json()["counts"]["new"] == 2
    assert client.get("/api/v1/reports/complaints/weekly/?week=W41").status_code == 400
    assert client.get("/api/v1/reports/complaints/contractors/?month=2026-10").json()["contractors"] == []


def test_snapshots_are_idempotent_and_emailed_once(october, company_a, manager_a):
    manager_a.email = "manager@example.com"
    manager_a.save()
    report_snapshots.generate(ReportSnapshot.Kind.MONTHLY, OCTOBER)
    Complaint.objects.filter(pk=october["a4"].pk).delete()
    snapshots = report_snapshots.generate(ReportSnapshot.Kind.MONTHLY, OCTOBER)
    assert ReportSnapshot.objects.count() == len(snapshots)
    company = ReportSnapshot.objects.get(scope="company", scope_id=company_a.pk)
    assert company.data["counts"]["new"] == 4  # replaced, not duplicated
    for snapshot in snapshots:
        report_snapshots.email_once(snapshot)
        report_snapshots.email_once(snapshot)
    outbox.deliver_pending()  # the e-mail goes through the core outbox
    assert [message.to for message in mail.outbox] == [["manager@example.com"]]


def test_the_scheduled_run_covers_the_previous_month(october, company_a):
    assert report_snapshots.run_scheduled(ReportSnapshot.Kind.MONTHLY, today=at(1, month=11).date()) > 0
    assert set(ReportSnapshot.objects.values_list("period", flat=True)) == {"2026-10"}


def test_command(october, company_a, capsys):
    from django.core.management import CommandError, call_command

    call_command("complaint_report", "--month", "2026-10", "--company", str(company_a.pk))
    assert "新增 5" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("complaint_report", "--month", "October")


def test_dashboard_and_exports(client, october, manager_a):
    client.login(username=manager_a.username, password=PASSWORD)
    page = client.get(reverse("reports"), {"month": "2026-10"}).content.decode()
    assert "<svg" in page and october["a3"].number in page
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("reports-export", args=["xlsx"]), {"month": "2026-10"}).content)
    )
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[6][:2] == ("新增", 5)  # after the four header lines, an empty row and the column names
    csv_text = client.get(reverse("reports-export", args=["csv"]), {"month": "2026-10"}).content.decode(
        "utf-8-sig"
    )
    assert "新增,5,1,1" in csv_text
    assert client.get(reverse("reports-print"), {"month": "2026-10"}).status_code == 200


def test_dashboard_outside_scope_is_404(client, october, manager_a, company_b):
    client.login(username=manager_a.username, password=PASSWORD)
    assert client.get(reverse("reports"), {"month": "2026-10", "company": company_b.pk}).status_code == 404


def test_a_custom_period_report_runs_as_a_job_with_progress(
    client, october, manager_a, django_capture_on_commit_callbacks, eager_celery
):
    client.login(username=manager_a.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports-custom"), {"first_day": "2026-10-01", "last_day": "2026-10-31"}
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    status = client.get(reverse("job-status", args=[job.pk])).json()
    assert (status["status"], status["percent"], status["total"], status["processed"]) == ("done", 100, 2, 2)
    download = client.get(reverse("job-download", args=[job.pk]))
    # Named like the monthly export, in the user's language, with an ASCII fallback.
    disposition = unquote(download["Content-Disposition"])
    assert "filename*=UTF-8''客户投诉月报_深圳万科_" in disposition
    assert 'filename="complaint-report_' in disposition
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == ["全部", "深圳万科"]
    rows = list(workbook["全部"].iter_rows(values_only=True))
    assert rows[0][0] == "客户投诉报表" and rows[1][:2] == ("公司", "深圳万科")
    assert rows[7][:2] == ("新增", 5)


@pytest.mark.parametrize(
    ("first_day", "last_day"),
    [("2026-10-31", "2026-10-01"), ("2020-01-01", "2026-10-01"), ("2099-01-01", "2099-02-01")],
)
def test_bad_custom_periods_are_refused(client, october, manager_a, first_day, last_day):
    client.login(username=manager_a.username, password=PASSWORD)
    response = client.post(
        reverse("reports-custom"), {"first_day": first_day, "last_day": last_day}, follow=True
    )
    assert response.status_code == 200
    assert not Job.objects.exists()
    assert len(list(response.context["messages"])) == 1


def test_dashboard_by_region_and_the_custom_period_form(client, october, group_user, company_a, company_b):
    client.login(username=group_user.username, password=PASSWORD)
    page = client.get(reverse("reports"), {"month": "2026-10", "region": company_a.region_id})
    assert page.context["report"]["counts"]["new"] == 5
    assert set(page.context["report"]["by_company"]) == {"深圳万科"}
    assert 'name="first_day"' in page.content.decode()
    api = api_as(group_user).get(
        f"/api/v1/reports/complaints/monthly/?month=2026-10&region={company_b.region_id}"
    )
    assert api.json()["counts"]["new"] == 2
    assert api.json()["category_share"] == [{"category": "construction", "count": 2, "percent": 100.0}]


def test_a_region_outside_scope_is_404(client, october, manager_a, company_b):
    client.login(username=manager_a.username, password=PASSWORD)
    assert (
        client.get(reverse("reports"), {"month": "2026-10", "region": company_b.region_id}).status_code == 404
    )
    assert (
        api_as(manager_a)
        .get(f"/api/v1/reports/complaints/monthly/?month=2026-10&region={company_b.region_id}")
        .status_code
        == 404
    )


def test_exports_neutralise_formulas_and_show_local_time(client, october, manager_a):
    """A title typed as a formula stays text; the last update is Shanghai time to the minute;
    tier and status are labels in the user's language."""
    a3 = october["a3"]
    Complaint.objects.filter(pk=a3.pk).update(title='=HYPERLINK("http://evil.example","点我")')
    a3.events.filter(kind="plan").update(at=datetime(2026, 10, 21, 5, 7, 9, 123456, tzinfo=UTC))
    client.login(username=manager_a.username, password=PASSWORD)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("reports-export", args=["xlsx"]), {"month": "2026-10"}).content)
    )
    sheet = next(s for s in workbook.worksheets if s.title == "重大、热点和重要投诉")
    row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == a3.number)
    assert row[3] == '\'=HYPERLINK("http://evil.example","点我")'
    assert (row[4], row[6], row[9]) == ("重大", "处理中", "2026-10-21 13:07")
    csv_text = client.get(
        reverse("reports-export", args=["csv"]), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode("utf-8-sig")
    line = next(line for line in csv_text.splitlines() if line.startswith(a3.number))
    assert "'=HYPERLINK" in line
    assert ",Major,Already exposed by the media,In progress," in line
    assert line.endswith(",2026-10-21 13:07")


def test_a_zero_figure_shows_as_zero_not_as_missing(client, company_a, manager_a):
    received = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    ComplaintFactory(
        project=ProjectFactory(company=company_a), received_at=received, first_response_at=received
    )
    client.login(username=manager_a.username, password=PASSWORD)
    page = client.get(reverse("reports"), {"month": "2026-10"}).content.decode()
    card = page[page.index('id="first-response"') :].split("</strong>")[0]
    assert card.endswith("<strong>0.0")

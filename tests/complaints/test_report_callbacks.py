"""Call-back coverage, satisfaction at call-back, the reopen rate and first-response times in the
monthly report, against a small data set counted by hand, through the report API, page and export."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from complaints import reports
from complaints.models import Complaint, ComplaintEvent
from tests.conftest import api_as
from tests.factories import PASSWORD, ComplaintFactory, ProjectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHLY = "/api/v1/reports/complaints/monthly/"


@pytest.fixture(autouse=True)
def site_language():
    """Some requests here ask for English; the next test starts in the site language again."""
    yield
    translation.deactivate()


def at(day: int, hour: int = 10, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def event(complaint, when, kind, to_value="", from_value=""):
    made = ComplaintEvent.objects.create(
        complaint=complaint, kind=kind, to_value=to_value, from_value=from_value
    )
    ComplaintEvent.objects.filter(pk=made.pk).update(at=when)  # ``at`` is set on insert


def resolve(complaint, when):
    event(complaint, when, "status", "resolved", "in_progress")


def reopen(complaint, when):
    event(complaint, when, "status", "in_progress", "resolved")


def call_back(complaint, when, outcome):
    event(complaint, when, "callback", outcome)


@pytest.fixture
def october(company_a, company_b):
    project = ProjectFactory(company=company_a)
    made = {
        # first response after 2 h; resolved 3 Oct, satisfied at the call-back on 4 Oct
        "c1": ComplaintFactory(project=project, received_at=at(2), first_response_at=at(2, 12)),
        # 4 h; resolved 6 Oct, unreachable 7 Oct, unhappy 8 Oct and reopened, resolved again 20 Oct,
        # satisfied at a call-back in November (counts for coverage, not for October's satisfaction)
        "c2": ComplaintFactory(project=project, received_at=at(5), first_response_at=at(5, 14)),
        # 24 h; resolved 12 Oct, never called back
        "c3": ComplaintFactory(project=project, received_at=at(10), first_response_at=at(11)),
        # 1 h; resolved in September, satisfied at a call-back on 1 Oct (October's satisfaction only)
        "c4": ComplaintFactory(project=project, received_at=at(28, month=9), first_response_at=at(28, 11, 9)),
        # received in October, answered 1 h later but resolved never
        "c5": ComplaintFactory(project=project, received_at=at(15), first_response_at=at(15, 11)),
        # received in October, never answered
        "c6": ComplaintFactory(project=project, received_at=at(20)),
        # another company: resolved and unhappy in October, never counted for company A
        "b1": ComplaintFactory(project=ProjectFactory(company=company_b), received_at=at(3)),
    }
    resolve(made["c1"], at(3))
    call_back(made["c1"], at(4), "satisfied")
    resolve(made["c2"], at(6))
    call_back(made["c2"], at(7), "unreachable")
    call_back(made["c2"], at(8), "not_satisfied")
    reopen(made["c2"], at(8, 11))
    resolve(made["c2"], at(20))
    call_back(made["c2"], at(2, month=11), "satisfied")
    resolve(made["c3"], at(12))
    resolve(made["c4"], at(29, month=9))
    call_back(made["c4"], at(1), "satisfied")
    resolve(made["b1"], at(5))
    call_back(made["b1"], at(6), "not_satisfied")
    reopen(made["b1"], at(6, 11))
    return made


COMPANY_A_OCTOBER = {
    "resolved": 3,  # c1, c2 (twice, counted once), c3
    "called_back": 2,  # c1, c2
    "coverage_percent": 66.7,
    "reopened": 1,  # c2
    "reopen_percent": 33.3,
    "calls": 4,  # c4 1 Oct, c1 4 Oct, c2 7 and 8 Oct
    "answered": 3,  # not the unreachable one
    "satisfied": 2,
    "satisfied_percent": 66.7,
}


def test_the_report_api_gives_the_call_back_figures_and_response_times(october, manager_a):
    body = api_as(manager_a).get(MONTHLY, {"month": "2026-10"}).json()
    assert body["callbacks"] == COMPANY_A_OCTOBER
    # First responses of October's complaints: 2, 4, 24 and 1 hours (c6 none; c4 is September's).
    # Nearest rank of 1, 2, 4, 24: the median is the 2nd, the 90th percentile the 4th.
    assert body["first_response"] == {"count": 4, "median_hours": 2.0, "p90_hours": 24.0}


def test_the_figures_are_scoped_like_the_rest_of_the_report(
    october, company_a, company_b, group_user, staff_b
):
    group = api_as(group_user)
    everything = group.get(MONTHLY, {"month": "2026-10"}).json()["callbacks"]
    assert (everything["resolved"], everything["reopened"], everything["answered"]) == (4, 2, 4)
    only_a = group.get(MONTHLY, {"month": "2026-10", "company": company_a.pk}).json()["callbacks"]
    assert only_a == COMPANY_A_OCTOBER
    company_b_view = api_as(staff_b).get(MONTHLY, {"month": "2026-10"}).json()["callbacks"]
    assert company_b_view == {
        "resolved": 1,
        "called_back": 1,
        "coverage_percent": 100.0,
        "reopened": 1,
        "reopen_percent": 100.0,
        "calls": 1,
        "answered": 1,
        "satisfied": 0,
        "satisfied_percent": 0.0,
    }


def test_a_month_without_call_backs_has_no_percentages(october, company_a):
    figures = reports.complaint_report(
        Complaint.objects.filter(company=company_a), reports.Period.month(2026, 6)
    )
    assert figures["callbacks"] == {
        "resolved": 0,
        "called_back": 0,
        "coverage_percent": None,
        "reopened": 0,
        "reopen_percent": None,
        "calls": 0,
        "answered": 0,
        "satisfied": 0,
        "satisfied_percent": None,
    }


def test_the_figures_take_a_fixed_number_of_queries(october, company_a):
    base = Complaint.objects.filter(company=company_a)
    with CaptureQueriesContext(connection) as few:
        reports.queries.callback_figures(base, reports.Period.month(2026, 10))
    for n in range(10):
        complaint = ComplaintFactory(project=october["c1"].project, received_at=at(21))
        resolve(complaint, at(22))
        call_back(complaint, at(23), "satisfied" if n % 2 else "unreachable")
    with CaptureQueriesContext(connection) as more:
        figures = reports.queries.callback_figures(base, reports.Period.month(2026, 10))
    assert len(few) == len(more) == 2
    assert (figures["resolved"], figures["called_back"], figures["calls"]) == (13, 12, 14)


def test_the_page_and_the_export_show_them(client, october, manager_a):
    client.login(username=manager_a.username, password=PASSWORD)
    page = client.get(reverse("reports"), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    coverage = page.split('id="callback-coverage"')[1].split("</div></div>")[0]
    assert "Call-back coverage (%)" in coverage and "66.7" in coverage and "2 / 3" in coverage
    assert "33.3" in page.split('id="reopen-rate"')[1].split("</div></div>")[0]
    assert "2 / 3" in page.split('id="callback-satisfaction"')[1].split("</div></div>")[0]
    export = client.get(
        reverse("reports-export", args=["xlsx"]), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True)
        if row and row[0]
    }
    assert rows["Call-back coverage (%)"] == 66.7
    assert rows["Satisfied at call-back (%)"] == 66.7
    assert rows["Reopened after resolving (%)"] == 33.3
    assert rows["Median first response (hours)"] == 2.0
    assert rows["90th percentile first response (hours)"] == 24.0
    csv = client.get(reverse("reports-export", args=["csv"]), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Call-back coverage (%),66.7" in csv.content.decode("utf-8-sig")

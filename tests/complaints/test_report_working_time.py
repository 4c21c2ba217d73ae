"""The monthly report's response compliance in working time and time paused per handler (issue 19),
against complaints around National Day 2026 on the group's default calendar (1–7 October off,
Saturday 10 October a 调休 working day)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import reports
from complaints.models import Complaint, ComplaintPause
from complaints.reports import response
from complaints.reports.periods import Period
from complaints.services import ownership
from tests.factories import ComplaintFactory, ProjectFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = Period.month(2026, 10)


def at(day: int, hour: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def october(company_a, staff_a):
    project = ProjectFactory(company=company_a)

    def made(received, responded):
        return ComplaintFactory(
            project=project, handler=staff_a, received_at=received, first_response_at=responded
        )

    made(at(9, 12), at(10, 11))  # Friday noon → the 调休 Saturday 11:00: 23 h, in time
    made(at(10, 12), at(12, 13))  # 调休 Saturday noon → Monday 13:00: Sunday is off, 25 h, late
    made(at(1, 10), at(8, 20))  # on the holiday: the clock starts on the 8th, in time
    paused = made(at(13, 10), at(19, 9))  # paused three days after an hour: in time
    ComplaintPause.objects.create(
        complaint=paused,
        handler=staff_a,
        reason="owner_unavailable",
        note="业主出差",
        paused_at=at(13, 11),
        paused_by=staff_a,
        resumed_at=at(16, 11),
    )
    ownership.refresh_after_pause(paused)  # what the pause service does after a pause and a resume
    made(at(20, 10), None)  # never answered: late at the month's end
    return project


def test_response_compliance_in_working_time(october, company_a, staff_a):
    report = reports.complaint_report(Complaint.objects.filter(company=company_a), OCTOBER)
    # First responses in office hours (08:30–18:00): 8.5, 10.5, 9.5 and 8.5 (the pause left out).
    assert report["response_in_working_time"] == {
        "in_time": 3,
        "late": 2,
        "pending": 0,
        "in_time_percent": 60.0,
        "median_first_response_working_hours": 8.5,
    }
    assert report["paused_by_handler"] == [
        {"handler": staff_a.pk, "name": str(staff_a), "pauses": 1, "hours": 72.0}
    ]


def test_the_dashboard_shows_them(client, october, manager_a):
    client.force_login(manager_a)
    page = client.get(reverse("reports"), {"month": "2026-10"}).content.decode()
    assert 'id="reply-in-working-time"' in page and "<strong>60.0</strong>" in page
    assert 'id="paused-by-handler"' in page and "72.0" in page


def test_working_time_in_the_report_reads_no_query_per_complaint(october, company_a, staff_a):
    base = Complaint.objects.filter(company=company_a)
    response.response_in_working_time(base, OCTOBER)  # the calendars are cached from here on
    with CaptureQueriesContext(connection) as five:
        response.response_in_working_time(base, OCTOBER)
    for day in range(21, 31):
        ComplaintFactory(
            project=october, handler=staff_a, received_at=at(day, 9), first_response_at=at(day, 15)
        )
    with CaptureQueriesContext(connection) as fifteen:
        response.response_in_working_time(base, OCTOBER)
    # The complaints and their pauses (the calendars come from the cache, the working hours from
    # the settings).
    assert len(five) == len(fifteen) == 2

"""The monthly report's response compliance in working time and time paused per handler (issue 19),
against complaints around National Day 2026 on the group's default calendar (1–7 October off,
Saturday 10 October a 调休 working day)."""

import random
import statistics
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import reports, rules
from complaints.models import Complaint, ComplaintPause
from complaints.reports import response
from complaints.reports.periods import Period
from complaints.services import ownership
from organization.models import CalendarDay
from organization.selectors import working_calendars
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


def per_complaint(base, period: Period, now: datetime) -> dict:
    """The figures as the report computed them before they were kept on the complaints: every
    complaint and its pauses in Python, on the calendars in force. The oracle of the SQL figures."""
    now = min(now, period.end)
    received = list(
        base.filter(received_at__gte=period.start, received_at__lt=period.end).values_list(
            "pk", "company_id", "received_at", "first_response_at"
        )
    )
    pauses = defaultdict(list)
    for complaint_id, paused_at, resumed_at in ComplaintPause.objects.values_list(
        "complaint_id", "paused_at", "resumed_at"
    ):
        pauses[complaint_id].append((paused_at, resumed_at))
    calendars = working_calendars({row[1] for row in received})
    hours = ownership.working_hours()
    answers, durations = [], []
    for pk, company_id, received_at, first_response_at in received:
        working_day = calendars.for_company(company_id).is_working_day
        answers.append(
            rules.replied_in_time(
                received_at=received_at,
                first_response_at=first_response_at,
                now=now,
                pauses=pauses[pk],
                tz=hours.tz,
                working_day=working_day,
            )
        )
        if first_response_at is not None:
            elapsed = rules.working_time_between(
                received_at, first_response_at, hours=hours, working_day=working_day
            )
            paused = rules.working_time_paused(
                pauses[pk], until=first_response_at, hours=hours, working_day=working_day
            )
            durations.append(max(elapsed - paused, timedelta(0)))
    in_time, late = answers.count(True), answers.count(False)
    median = statistics.median_low(durations) if durations else None
    return {
        "in_time": in_time,
        "late": late,
        "pending": answers.count(None),
        "in_time_percent": round(100 * in_time / (in_time + late), 1) if in_time + late else None,
        "median_first_response_working_hours": (
            None if median is None else round(median.total_seconds() / 3600, 1)
        ),
    }


@pytest.fixture
def varied(company_a, company_b, staff_a):
    """120 complaints of two companies from late September to early November (company_b works no
    调休 Saturday), most answered, a third paused once or twice, some still paused, some paused only
    after their first response."""
    CalendarDay.objects.create(company=company_b, day=at(10, 0).date(), working=False)
    draw = random.Random(19)
    projects = [ProjectFactory(company=company_a), ProjectFactory(company=company_b)]
    start = at(25, 0, month=9)
    for _ in range(120):
        received = start + timedelta(minutes=draw.randrange(45 * 24 * 60))
        responded = received + timedelta(minutes=draw.randrange(5 * 24 * 60)) if draw.random() < 0.7 else None
        complaint = ComplaintFactory(
            project=draw.choice(projects), received_at=received, first_response_at=responded
        )
        if draw.random() < 0.35:
            paused_at = received
            for last in range(draw.randint(1, 2), 0, -1):
                paused_at += timedelta(minutes=draw.randrange(1, 3 * 24 * 60))
                running = last == 1 and draw.random() < 0.3
                held = timedelta(minutes=draw.randrange(1, 4 * 24 * 60))
                ComplaintPause.objects.create(
                    complaint=complaint,
                    handler=staff_a,
                    reason="owner_unavailable",
                    note="业主出差",
                    paused_at=paused_at,
                    paused_by=staff_a,
                    resumed_at=None if running else paused_at + held,
                )
                paused_at += held
            ownership.refresh_after_pause(complaint)


@pytest.mark.parametrize("now", [at(9, 12), at(20, 15), at(31, 23), at(20, 9, month=11)])
def test_the_figures_equal_the_per_complaint_computation(varied, now):
    base = Complaint.objects.all()
    figures = response.response_in_working_time(base, OCTOBER, now=now)
    assert figures == per_complaint(base, OCTOBER, now)
    assert figures["in_time"] and figures["late"] and figures["pending"]  # the set exercises each


def test_the_queries_do_not_grow_with_the_complaints(varied, company_a):
    base = Complaint.objects.all()
    response.response_in_working_time(base, OCTOBER)  # the calendars are cached from here on
    with CaptureQueriesContext(connection) as before:
        response.response_in_working_time(base, OCTOBER)
    ComplaintFactory.create_batch(
        20, project__company=company_a, received_at=at(12, 9), first_response_at=at(12, 15)
    )
    with CaptureQueriesContext(connection) as after:
        response.response_in_working_time(base, OCTOBER)
    assert len(before) == len(after) == 2  # the counts in one aggregate, and the median

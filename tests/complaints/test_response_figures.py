"""The report's response figures kept on each complaint (issue 19): when the 24-hour reply on working
days falls due (``reply_due_at``) and the first response's working time (``first_response_working_seconds``),
set at intake, at the first response and at each pause and resume, on the group's default calendar
around National Day 2026 (1–7 October off, Saturday 10 October a 调休 working day); and the migration
that fills them for the complaints received before."""

from datetime import datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from complaints import services
from complaints.models import Complaint, ComplaintPause, Status
from complaints.reports import response
from complaints.reports.periods import Period
from organization.models import CalendarDay
from tests.factories import ComplaintFactory, ProjectFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
backfill = import_module("complaints.migrations.0028_backfill_response_figures").backfill


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    """Sets what ``timezone.now()`` answers, for the services that stamp the present."""
    moment = {}
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment["now"])

    def set_to(when: datetime) -> None:
        moment["now"] = when

    return set_to


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a)


def received(project, staff, when: datetime) -> Complaint:
    intake = services.Intake(
        project=project,
        channel="hotline",
        category="construction",
        title="卫生间渗漏水",
        description="楼上卫生间渗水",
        received_at=when,
    )
    return services.complaint_create(intake=intake, received_by=staff)


def figures(complaint: Complaint) -> tuple:
    complaint.refresh_from_db()
    return complaint.reply_due_at, complaint.first_response_working_seconds


def test_intake_sets_the_reply_due_across_the_holiday(clock, project, staff_a):
    clock(at(9, 30, 12, 5))
    complaint = received(project, staff_a, at(9, 30, 12))
    assert figures(complaint) == (at(10, 8, 12), None)


def test_intake_on_a_make_up_saturday(clock, project, staff_a):
    clock(at(10, 9, 12, 5))
    complaint = received(project, staff_a, at(10, 9, 12))
    assert figures(complaint) == (at(10, 10, 12), None)  # the 调休 Saturday counts


def test_a_companys_own_day_off_counts_from_intake(clock, project, company_a, staff_a):
    CalendarDay.objects.create(company=company_a, day=at(10, 10, 0).date(), working=False)
    clock(at(10, 9, 12, 5))
    complaint = received(project, staff_a, at(10, 9, 12))
    assert figures(complaint) == (at(10, 12, 12), None)


def test_pause_resume_and_first_response_set_the_figures(clock, project, staff_a):
    clock(at(9, 29, 12))
    complaint = received(project, staff_a, at(9, 29, 12))
    assert figures(complaint) == (at(9, 30, 12), None)

    clock(at(9, 29, 14))
    services.complaint_pause(complaint=complaint, reason="third_party", note="等物业公司报价", by=staff_a)
    assert figures(complaint) == (None, None)  # the clock stands still: no due moment while paused

    clock(at(9, 29, 20))
    services.complaint_resume(complaint=complaint, note="报价已到", by=staff_a)
    assert figures(complaint) == (at(9, 30, 18), None)  # six hours later

    clock(at(9, 30, 10))
    services.complaint_add_progress(
        complaint=complaint, note="已联系业主", visible_to_complainant=True, by=staff_a
    )
    # Office hours (08:30–18:00): 12:00–14:00 on the 29th (paused from 14:00) and 08:30–10:00.
    assert figures(complaint) == (at(9, 30, 18), 3.5 * 3600)

    clock(at(9, 30, 11))
    services.complaint_add_progress(
        complaint=complaint, note="再次联系", visible_to_complainant=True, by=staff_a
    )
    assert figures(complaint) == (at(9, 30, 18), 3.5 * 3600)  # only the first response counts


def test_answered_while_paused(clock, project, staff_a):
    clock(at(9, 29, 9))
    complaint = received(project, staff_a, at(9, 29, 9))
    clock(at(9, 29, 10))
    services.complaint_pause(complaint=complaint, reason="owner_unavailable", note="业主出差", by=staff_a)
    clock(at(9, 29, 15))
    services.complaint_assign(complaint=complaint, handler=staff_a, department="", deadline=None, by=staff_a)
    assert figures(complaint) == (None, 3600)  # in time: answered while the clock stood still
    assert response.response_in_working_time(
        Complaint.objects.filter(pk=complaint.pk), Period.month(2026, 9), now=at(9, 29, 16)
    ) == {
        "in_time": 1,
        "late": 0,
        "pending": 0,
        "in_time_percent": 100.0,
        "median_first_response_working_hours": 1.0,
    }


def test_a_pause_after_the_due_moment_does_not_move_it(clock, project, staff_a):
    clock(at(9, 29, 9))
    complaint = received(project, staff_a, at(9, 29, 9))
    clock(at(10, 8, 9))
    services.complaint_pause(complaint=complaint, reason="owner_unavailable", note="业主出差", by=staff_a)
    assert figures(complaint) == (at(9, 30, 9), None)
    clock(at(10, 9, 9))
    assert services.resume_due(as_of=at(10, 9, 9)) == 0  # the sweep: nothing due yet
    clock(at(10, 30, 9))
    assert services.resume_due(as_of=at(10, 30, 9)) == 1  # the 15-working-day limit
    assert figures(complaint) == (at(9, 30, 9), None)
    assert complaint.response_paused_since is None


def test_the_backfill_fills_what_the_services_would(company_a, company_b, staff_a):
    CalendarDay.objects.create(company=company_b, day=at(10, 10, 0).date(), working=False)
    answered = ComplaintFactory(
        project__company=company_a, received_at=at(10, 9, 17), first_response_at=at(10, 12, 10)
    )
    paused = ComplaintFactory(
        project__company=company_a, received_at=at(9, 29, 12), first_response_at=at(9, 30, 10)
    )
    ComplaintPause.objects.create(
        complaint=paused,
        handler=staff_a,
        reason="third_party",
        note="等报价",
        paused_at=at(9, 29, 14),
        paused_by=staff_a,
        resumed_at=at(9, 29, 20),
    )
    running = ComplaintFactory(
        project__company=company_a, received_at=at(9, 29, 12), status=Status.IN_PROGRESS
    )
    ComplaintPause.objects.create(
        complaint=running,
        handler=staff_a,
        reason="third_party",
        note="等报价",
        paused_at=at(9, 29, 14),
        paused_by=staff_a,
    )
    own_calendar = ComplaintFactory(project__company=company_b, received_at=at(10, 9, 12))
    Complaint.objects.update(reply_due_at=None, first_response_working_seconds=None)

    backfill(apps, None)

    assert {complaint.pk: figures(complaint) for complaint in (answered, paused, running, own_calendar)} == {
        # Friday 17:00 → Monday 10:00 in office hours: 1 h, the 调休 Saturday 9.5 h, 1.5 h.
        answered.pk: (at(10, 10, 17), 12 * 3600),
        paused.pk: (at(9, 30, 18), 3.5 * 3600),
        running.pk: (None, None),
        own_calendar.pk: (at(10, 12, 12), None),  # company_b works no Saturday 10 October
    }

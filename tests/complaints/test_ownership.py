"""Intake that someone owns (the duty handler, who is told) and the reminder sweep (each occurrence
once, nothing before it is due)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints import rules, services, tasks
from complaints.models import Complaint, ComplaintEvent, Notification, Status
from complaints.services import ownership
from core.models import OutboundMessage
from organization import roles
from organization.selectors import working_calendar
from tests.factories import ProjectFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def recent_weekday_morning() -> datetime:
    """10:00 Beijing time on a weekday two to four days ago: old enough for every clock to have run
    out by now, young enough that no tier clock (one week) has."""
    day = timezone.localdate() - timedelta(days=2)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=SHANGHAI)


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


@pytest.fixture
def colleague_a(company_a):
    return UserFactory(username="colleague_a", company=company_a, role=roles.FRONTLINE_STAFF)


def intake(project, **overrides) -> services.Intake:
    values = {
        "project": project,
        "channel": "online_form",
        "category": "construction",
        "title": "卫生间渗漏水",
        "description": "楼上卫生间渗水到我家天花板",
        "route_to_duty_handler": True,
    }
    return services.Intake(**{**values, **overrides})


def three_working_days_after(at: datetime, complaint) -> datetime:
    """The owner-update clock: three days counted on the company's working days."""
    return rules.add_working_time(
        at,
        rules.OWNER_UPDATE_WITHIN,
        hours=rules.whole_days(ownership.working_hours().tz),
        working_day=working_calendar(complaint.company_id).is_working_day,
    )


def told(user, complaint) -> int:
    return Notification.objects.filter(user=user, complaint=complaint).count()


# --- Intake -------------------------------------------------------------------------------------


def test_a_public_complaint_goes_to_the_duty_handler_and_the_company_staff_hear_of_it(
    project, staff_a, colleague_a, manager_a, group_user, auditor, integrator_a, staff_b
):
    staff_a.email, colleague_a.email = "duty@example.com", "colleague@example.com"
    staff_a.save()
    colleague_a.save()
    project.duty_handler = staff_a
    project.save()
    complaint = services.complaint_create(intake=intake(project))
    assert (complaint.status, complaint.handler, complaint.first_responder) == ("assigned", staff_a, staff_a)
    assert complaint.first_response_at is None  # nobody has responded yet; the clock is not stopped
    event = complaint.events.get(kind=ComplaintEvent.Kind.STATUS)
    assert (event.from_value, event.to_value, event.by, event.visible_to_complainant) == (
        "received",
        "assigned",
        None,
        True,
    )
    assert project.name in event.note and str(staff_a) in event.note
    # The duty handler, and every colleague who may handle the company's complaints, once each.
    assert [told(user, complaint) for user in (staff_a, colleague_a, manager_a)] == [1, 1, 1]
    assert [told(user, complaint) for user in (group_user, auditor, integrator_a, staff_b)] == [0, 0, 0, 0]
    # Only the person who must act gets the e-mail copy.
    assert list(
        OutboundMessage.objects.filter(topic="staff_notification").values_list("recipient", flat=True)
    ) == ["duty@example.com"]
    assert complaint.assign_due_at is None
    assert complaint.owner_update_due_at == three_working_days_after(event.at, complaint)


def test_without_a_duty_handler_the_managers_are_told_and_it_stays_unassigned(
    project, staff_a, manager_a, group_user
):
    received = recent_weekday_morning()
    complaint = services.complaint_create(intake=intake(project, received_at=received))
    assert (complaint.status, complaint.handler) == ("received", None)
    routed = complaint.events.get(kind=ComplaintEvent.Kind.ROUTED)
    assert project.name in routed.note and not routed.visible_to_complainant
    assert [told(user, complaint) for user in (manager_a, staff_a, group_user)] == [1, 0, 0]
    assert complaint.assign_due_at == received + timedelta(hours=2)  # a weekday morning


def test_a_duty_handler_who_may_no_longer_handle_complaints_is_passed_over(project, staff_a, manager_a):
    project.duty_handler = staff_a
    project.save()
    staff_a.is_active = False
    staff_a.save()
    complaint = services.complaint_create(intake=intake(project))
    assert (complaint.status, complaint.handler) == ("received", None)
    assert str(staff_a) in complaint.events.get(kind=ComplaintEvent.Kind.ROUTED).note
    assert told(manager_a, complaint) == 1


def test_a_complaint_staff_take_in_person_is_theirs_not_the_duty_handlers(
    project, staff_a, colleague_a, manager_a
):
    project.duty_handler = colleague_a
    project.save()
    complaint = services.complaint_create(
        intake=intake(project, channel="hotline", route_to_duty_handler=False), received_by=staff_a
    )
    assert (complaint.status, complaint.handler, complaint.first_responder) == ("received", None, staff_a)
    assert Notification.objects.count() == 0
    assert not complaint.events.filter(kind=ComplaintEvent.Kind.ROUTED).exists()
    assert complaint.assign_due_at is not None  # the first-response clock runs all the same


# --- The reminder sweep -------------------------------------------------------------------------


def reminders(complaint, clock=None):
    events = ComplaintEvent.objects.filter(complaint=complaint, kind=ComplaintEvent.Kind.REMINDER)
    return events.filter(to_value=clock) if clock else events


def test_not_assigned_in_two_working_hours_tells_the_managers_once_and_not_before(project, manager_a):
    complaint = services.complaint_create(intake=intake(project, received_at=recent_weekday_morning()))
    due = complaint.assign_due_at
    assert services.remind_due(as_of=due - timedelta(seconds=1)) == 0
    assert not reminders(complaint).exists()
    assert services.remind_due(as_of=due) == 1
    assert services.remind_due(as_of=due + timedelta(minutes=1)) == 0  # the next minute's sweep
    assert tasks.remind_due() == 0  # the beat task: now is long after, nothing new
    reminder = reminders(complaint).get()
    assert (reminder.to_value, reminder.deadline, reminder.visible_to_complainant) == ("assign", due, False)
    assert told(manager_a, complaint) == 2  # at intake (no duty handler), then the reminder
    complaint.refresh_from_db()
    assert complaint.assign_due_at is None


def test_assigning_in_time_stops_the_first_response_clock(project, staff_a, manager_a):
    complaint = services.complaint_create(intake=intake(project, received_at=recent_weekday_morning()))
    due = complaint.assign_due_at
    services.complaint_assign(
        complaint=complaint, handler=staff_a, department="engineering", deadline=None, by=staff_a
    )
    complaint.refresh_from_db()
    assert complaint.assign_due_at is None
    assert services.remind_due(as_of=due + timedelta(hours=1)) == 0
    assert not reminders(complaint, "assign").exists()


def test_the_sweep_checks_before_it_reminds(project, staff_a):
    """A column left behind (set before the complaint was assigned) is corrected, never obeyed."""
    complaint = services.complaint_create(intake=intake(project, received_at=recent_weekday_morning()))
    due = complaint.assign_due_at
    services.complaint_assign(
        complaint=complaint, handler=staff_a, department="engineering", deadline=None, by=staff_a
    )
    Complaint.objects.filter(pk=complaint.pk).update(assign_due_at=due)
    assert services.remind_due(as_of=due) == 0
    complaint.refresh_from_db()
    assert complaint.assign_due_at is None


def assigned(project, handler, *, deadline=None):
    complaint = services.complaint_create(intake=intake(project, route_to_duty_handler=False))
    return services.complaint_assign(
        complaint=complaint, handler=handler, department="engineering", deadline=deadline, by=handler
    )


def test_a_passed_plan_deadline_tells_the_handler_and_the_managers_once(project, staff_a, manager_a):
    complaint = assigned(project, staff_a)
    deadline = timezone.now() + timedelta(hours=4)
    services.complaint_add_plan(complaint=complaint, measures="更换防水层", deadline=deadline, by=staff_a)
    complaint.refresh_from_db()
    assert complaint.plan_due_at == deadline
    assert services.remind_due(as_of=deadline - timedelta(seconds=1)) == 0
    assert services.remind_due(as_of=deadline) == 1
    assert services.remind_due(as_of=deadline) == 0
    assert (told(staff_a, complaint), told(manager_a, complaint)) == (1, 1)
    # A new deadline is a new occurrence.
    later = deadline + timedelta(days=2)
    services.complaint_add_plan(complaint=complaint, measures="再次施工", deadline=later, by=staff_a)
    complaint.refresh_from_db()
    assert complaint.plan_due_at == later
    assert services.remind_due(as_of=later) == 1
    assert [r.deadline for r in reminders(complaint, "plan").order_by("deadline")] == [deadline, later]


def test_three_silent_days_remind_the_handler_and_an_update_the_owner_sees_starts_again(
    project, staff_a, manager_a
):
    complaint = assigned(project, staff_a)
    last = ownership.last_update_at(complaint)
    complaint.refresh_from_db()
    assert complaint.owner_update_due_at == three_working_days_after(last, complaint)

    services.complaint_add_progress(
        complaint=complaint, note="内部沟通", visible_to_complainant=False, by=staff_a
    )
    complaint.refresh_from_db()
    assert complaint.owner_update_due_at == three_working_days_after(last, complaint)  # the owner saw nothing

    services.complaint_add_progress(
        complaint=complaint, note="已联系施工方", visible_to_complainant=True, by=staff_a
    )
    complaint.refresh_from_db()
    due = complaint.owner_update_due_at
    assert due == three_working_days_after(ownership.last_update_at(complaint), complaint)
    # Later, or the same when both updates fell on a day off (both run from the next working day).
    assert due >= three_working_days_after(last, complaint)

    assert services.remind_due(as_of=due - timedelta(seconds=1)) == 0
    assert services.remind_due(as_of=due) == 1
    assert services.remind_due(as_of=due + timedelta(days=1)) == 0  # once per silence
    assert (told(staff_a, complaint), told(manager_a, complaint)) == (1, 0)
    complaint.refresh_from_db()
    assert complaint.owner_update_due_at is None
    # The sweep ran days ahead; in real time the next update comes after the reminder, so its due
    # moment is a new one even when both fall on the same days off (same weekend, same next Monday).
    reminders(complaint, "owner_update").update(deadline=due - timedelta(days=7))
    services.complaint_add_progress(
        complaint=complaint, note="已安排维修", visible_to_complainant=True, by=staff_a
    )
    complaint.refresh_from_db()
    assert complaint.owner_update_due_at is not None


def test_the_owners_own_files_are_not_an_update_they_were_given(project, staff_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints import attachments

    complaint = assigned(project, staff_a)
    before = ownership.last_update_at(complaint)
    photo = SimpleUploadedFile("leak.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    attachments.attachment_add(complaint=complaint, files=[photo])
    assert ownership.last_update_at(complaint) == before


def test_a_handled_complaint_has_no_clocks(project, staff_a):
    complaint = assigned(project, staff_a, deadline=timezone.now() + timedelta(days=1))
    assert complaint.plan_due_at is not None
    for status in ("in_progress", "resolved"):
        complaint = services.complaint_transition(
            complaint=complaint, status=status, note="已修复" if status == "resolved" else "", by=staff_a
        )
    assert (complaint.assign_due_at, complaint.plan_due_at, complaint.owner_update_due_at) == (
        None,
        None,
        None,
    )
    assert services.remind_due(as_of=timezone.now() + timedelta(days=30)) == 0


def test_a_reminder_occurrence_cannot_be_recorded_twice(project, staff_a):
    complaint = assigned(project, staff_a)
    moment = timezone.now()
    ComplaintEvent.objects.create(complaint=complaint, kind="reminder", to_value="plan", deadline=moment)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintEvent.objects.create(complaint=complaint, kind="reminder", to_value="plan", deadline=moment)
    # Another clock or another moment is another occurrence.
    ComplaintEvent.objects.create(
        complaint=complaint, kind="reminder", to_value="owner_update", deadline=moment
    )
    ComplaintEvent.objects.create(
        complaint=complaint, kind="reminder", to_value="plan", deadline=moment + timedelta(seconds=1)
    )


def test_two_sweeps_over_the_same_stale_row_remind_once(project, staff_a, manager_a, monkeypatch):
    """The second sweep loaded the row before the first one wrote: the unique key stops it."""
    complaint = services.complaint_create(intake=intake(project, received_at=recent_weekday_morning()))
    stale = Complaint.objects.get(pk=complaint.pk)
    due = complaint.assign_due_at
    assert ownership.remind(Complaint.objects.get(pk=complaint.pk), now=due) == 1
    original = ownership._due_times
    # As if it had computed its due times before the first sweep recorded the reminder.
    monkeypatch.setattr(
        ownership, "_due_times", lambda c, calendar=None: original(c, calendar) | {"assign": due}
    )
    assert ownership.remind(stale, now=due) == 0
    assert reminders(complaint, "assign").count() == 1
    assert told(manager_a, complaint) == 2  # intake, one reminder


def test_beat_runs_the_sweep_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["complaint-reminders"]
    assert (entry["task"], entry["schedule"]) == ("complaints.tasks.remind_due", 60.0)
    assert tasks.remind_due.name == "complaints.tasks.remind_due"


def test_working_hours_come_from_the_settings(settings):
    settings.COMPLAINT_WORKING_HOURS = {"start": "09:00", "end": "17:30", "timezone": "Asia/Shanghai"}
    hours = ownership.working_hours()
    assert (hours.start, hours.end, str(hours.tz)) == (time(9), time(17, 30), "Asia/Shanghai")


def test_status_assigned_by_intake_is_a_real_assignment(project, staff_a):
    project.duty_handler = staff_a
    project.save()
    complaint = services.complaint_create(intake=intake(project))
    complaint = services.complaint_transition(complaint=complaint, status=Status.IN_PROGRESS, by=staff_a)
    assert complaint.status == "in_progress"


def test_the_command_runs_the_same_sweep(project, manager_a):
    from io import StringIO

    from django.core.management import CommandError, call_command

    complaint = services.complaint_create(intake=intake(project, received_at=recent_weekday_morning()))
    before = (complaint.assign_due_at - timedelta(minutes=1)).isoformat()
    out = StringIO()
    call_command("remind_complaints", as_of=before, stdout=out)
    assert " 0 " in out.getvalue()  # 已发送 0 条投诉提醒。
    call_command("remind_complaints", stdout=out)
    assert reminders(complaint, "assign").count() == 1
    with pytest.raises(CommandError):
        call_command("remind_complaints", as_of="yesterday")

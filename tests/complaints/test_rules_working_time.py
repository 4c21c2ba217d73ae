"""Working time on the company's calendar (public holidays, 调休, nights) and the pause of the response
clock: pure rules, one row per case. The calendar is the 2026 State Council schedule around National
Day: Sunday 20 September and Saturday 10 October are working days, 1–7 October are off."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints import rules
from organization.rules import CompanyCalendars, WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = rules.WorkingHours(start=time(8, 30), end=time(18, 0), tz=SHANGHAI)
DAYS = rules.whole_days(SHANGHAI)
NATIONAL_DAY = WorkingCalendar(
    {
        **{date(2026, 10, day): False for day in (1, 2, 5, 6, 7)},
        date(2026, 9, 20): True,  # 调休 Sunday
        date(2026, 10, 10): True,  # 调休 Saturday
    }
)
WORKING = NATIONAL_DAY.is_working_day


def bj(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 30), True),  # an ordinary Wednesday
        (date(2026, 10, 1), False),  # a public holiday on a Thursday
        (date(2026, 10, 3), False),  # a weekend inside the holiday
        (date(2026, 10, 10), True),  # 调休 Saturday
        (date(2026, 9, 20), True),  # 调休 Sunday
        (date(2026, 10, 11), False),  # an ordinary Sunday
    ],
)
def test_the_calendar_knows_holidays_and_make_up_days(day, working):
    assert NATIONAL_DAY.is_working_day(day) is working


def test_a_companys_days_override_the_groups():
    calendars = CompanyCalendars(NATIONAL_DAY, {7: NATIONAL_DAY.overridden_by({date(2026, 10, 10): False})})
    assert calendars.for_company(7).is_working_day(date(2026, 10, 10)) is False
    assert calendars.for_company(8).is_working_day(date(2026, 10, 10)) is True  # the group's default
    assert calendars.for_company(7).is_working_day(date(2026, 10, 1)) is False  # the rest inherited


@pytest.mark.parametrize(
    ("start", "duration", "hours", "expected"),
    [
        # Office hours (08:30–18:00): the night does not count …
        (bj(9, 29, 17), timedelta(hours=2), OFFICE, bj(9, 30, 9, 30)),
        # … nor the holiday: Wednesday 30 September 17:00 + 2 h → Thursday 8 October 09:30.
        (bj(9, 30, 17), timedelta(hours=2), OFFICE, bj(10, 8, 9, 30)),
        (bj(10, 3, 12), timedelta(hours=2), OFFICE, bj(10, 8, 10, 30)),  # received during the holiday
        # The 调休 Saturday is a working day: Friday 9 October 17:00 + 2 h → Saturday 09:30.
        (bj(10, 9, 17), timedelta(hours=2), OFFICE, bj(10, 10, 9, 30)),
        (bj(9, 19, 10), timedelta(hours=1), OFFICE, bj(9, 20, 9, 30)),  # Saturday → 调休 Sunday
        # Whole working days (the 24-hour reply): nights count, holidays do not.
        (bj(9, 29, 20), timedelta(hours=24), DAYS, bj(9, 30, 20)),
        (bj(9, 30, 12), timedelta(hours=24), DAYS, bj(10, 8, 12)),
        (bj(10, 9, 12), timedelta(hours=24), DAYS, bj(10, 10, 12)),  # through the 调休 Saturday
        (bj(10, 10, 12), timedelta(hours=24), DAYS, bj(10, 12, 12)),  # past an ordinary Sunday
    ],
)
def test_add_working_time_on_the_calendar(start, duration, hours, expected):
    assert rules.add_working_time(start, duration, hours=hours, working_day=WORKING) == expected


@pytest.mark.parametrize(
    ("start", "end", "hours", "expected"),
    [
        (bj(9, 29, 17), bj(9, 30, 9, 30), OFFICE, timedelta(hours=2)),  # over a night
        (bj(9, 30, 17), bj(10, 8, 9, 30), OFFICE, timedelta(hours=2)),  # over the holiday
        (bj(10, 9, 17), bj(10, 10, 9, 30), OFFICE, timedelta(hours=2)),  # into the 调休 Saturday
        (bj(10, 10, 17), bj(10, 12, 9, 30), OFFICE, timedelta(hours=2)),  # over an ordinary Sunday
        (bj(10, 2, 9), bj(10, 4, 18), OFFICE, timedelta(0)),  # inside the holiday
        (bj(9, 30, 12), bj(10, 8, 12), DAYS, timedelta(hours=24)),
        (bj(9, 30, 12), bj(9, 30, 11), DAYS, timedelta(0)),  # end before start
        (bj(9, 29, 20), bj(9, 29, 23), OFFICE, timedelta(0)),  # a night alone
    ],
)
def test_working_time_between(start, end, hours, expected):
    assert rules.working_time_between(start, end, hours=hours, working_day=WORKING) == expected
    if expected:  # the two are inverses
        assert rules.add_working_time(start, expected, hours=hours, working_day=WORKING) <= end


@pytest.mark.parametrize(
    ("pauses", "expected"),
    [
        ([], bj(9, 29, 13)),
        # A pause before the clock ran out moves the due time by the working time it took.
        ([(bj(9, 29, 10), bj(9, 29, 12))], bj(9, 29, 15)),
        ([(bj(9, 29, 10), None)], None),  # still paused: the clock is stopped
        ([(bj(9, 28, 9), bj(9, 28, 10))], bj(9, 29, 13)),  # resumed before the clock started
        ([(bj(9, 29, 14), bj(9, 29, 15))], bj(9, 29, 13)),  # began after the due time
        # Paused 10:00 until after the holiday: 1 h before the pause, 3 h from 8 Oct 09:00.
        ([(bj(9, 29, 10), bj(10, 8, 9))], bj(10, 8, 12)),
    ],
)
def test_paused_time_is_left_out_of_the_response_clock(pauses, expected):
    assert (
        rules.add_working_time_unpaused(
            bj(9, 29, 9), timedelta(hours=4), pauses=pauses, hours=OFFICE, working_day=WORKING
        )
        == expected
    )


def test_working_time_paused_counts_only_working_hours():
    pauses = [(bj(9, 29, 17), bj(9, 30, 9)), (bj(9, 30, 17), None)]
    # 1.5 h (17:00–18:00, 08:30–09:00), then 1 h on the 30th and nothing of the holiday.
    assert rules.working_time_paused(pauses, until=bj(10, 5), hours=OFFICE, working_day=WORKING) == timedelta(
        hours=2, minutes=30
    )


@pytest.mark.parametrize(
    ("first_response_at", "now", "pauses", "in_time"),
    [
        (bj(10, 8, 11), bj(10, 9), [], True),  # received 30 Sep noon: the holiday does not count
        (bj(10, 8, 13), bj(10, 9), [], False),
        (None, bj(10, 8, 11), [], None),  # unanswered, still within the promise
        (None, bj(10, 8, 13), [], False),
        (bj(10, 9, 13), bj(10, 10), [(bj(9, 30, 13), bj(10, 9, 12))], True),  # paused for the owner
        (None, bj(10, 20), [(bj(9, 30, 13), None)], None),  # still paused: not late
    ],
)
def test_the_24_hour_reply_on_working_days(first_response_at, now, pauses, in_time):
    assert (
        rules.replied_in_time(
            received_at=bj(9, 30, 12),
            first_response_at=first_response_at,
            now=now,
            pauses=pauses,
            tz=SHANGHAI,
            working_day=WORKING,
        )
        is in_time
    )


@pytest.mark.parametrize(
    ("received_at", "pauses", "due"),
    [
        (bj(9, 29, 12), [], bj(9, 30, 12)),  # an ordinary Tuesday: 24 hours later
        (bj(9, 30, 12), [], bj(10, 8, 12)),  # across the holiday (1–7 October off)
        (bj(10, 3, 12), [], bj(10, 9, 0)),  # received on the holiday: the clock starts on the 8th
        (bj(10, 9, 12), [], bj(10, 10, 12)),  # Friday noon → the 调休 Saturday noon
        (bj(10, 10, 12), [], bj(10, 12, 12)),  # the 调休 Saturday → Monday: Sunday is off
        (bj(9, 29, 12), [(bj(9, 29, 14), bj(9, 29, 20))], bj(9, 30, 18)),  # a 6-hour pause added
        (bj(9, 29, 12), [(bj(9, 30, 10), bj(10, 8, 10))], bj(10, 8, 12)),  # paused over the holiday
        (bj(9, 29, 12), [(bj(9, 30, 13), None)], bj(9, 30, 12)),  # paused after it fell due
        (bj(9, 29, 12), [(bj(9, 29, 14), None)], None),  # still paused: the clock stands still
    ],
)
def test_when_the_24_hour_reply_falls_due(received_at, pauses, due):
    assert rules.reply_due(received_at=received_at, pauses=pauses, tz=SHANGHAI, working_day=WORKING) == due


@pytest.mark.parametrize(
    ("received_at", "first_response_at", "pauses", "hours"),
    [
        (bj(9, 29, 9), None, [], None),  # not answered yet
        (bj(9, 29, 9), bj(9, 29, 11, 30), [], 2.5),  # within office hours
        (bj(9, 29, 17), bj(9, 30, 9), [], 1.5),  # the night does not count (17–18, 08:30–09)
        (bj(9, 30, 17), bj(10, 8, 9), [], 1.5),  # nor the holiday
        (bj(10, 9, 17), bj(10, 10, 9), [], 1.5),  # the 调休 Saturday counts
        (bj(10, 10, 17), bj(10, 12, 9), [], 1.5),  # the Sunday after it does not
        (bj(9, 29, 9), bj(9, 29, 15), [(bj(9, 29, 10), bj(9, 29, 12))], 4),  # a pause left out
        (bj(9, 29, 9), bj(9, 29, 15), [(bj(9, 29, 14), None)], 5),  # paused when answered
        (bj(9, 29, 9), bj(9, 29, 15), [(bj(9, 29, 16), bj(9, 29, 17))], 6),  # a pause after it
        (bj(9, 29, 9), bj(9, 29, 9), [], 0),  # answered at once
    ],
)
def test_the_first_response_in_working_time(received_at, first_response_at, pauses, hours):
    seconds = rules.first_response_working_seconds(
        received_at=received_at,
        first_response_at=first_response_at,
        pauses=pauses,
        hours=OFFICE,
        working_day=WORKING,
    )
    assert seconds == (None if hours is None else hours * 3600)


# --- Pause limits --------------------------------------------------------------------------------


def test_the_pause_limit_is_fifteen_working_days():
    # Paused Monday 28 September 10:00: 28–30 Sep (3), 8–10 Oct (3, the 10th is 调休), 12–16 (5), 19–22 (4).
    assert rules.pause_limit(bj(9, 28, 10), tz=SHANGHAI, working_day=WORKING) == bj(10, 23, 10)


@pytest.mark.parametrize(
    ("until", "approved", "needs_approval", "resumes_at"),
    [
        (None, False, False, bj(10, 23, 10)),  # no date: the limit resumes it
        (bj(10, 5), False, False, bj(10, 5)),  # a date within the limit
        (bj(10, 23, 10), False, False, bj(10, 23, 10)),  # exactly the limit
        (bj(10, 23, 11), False, True, bj(10, 23, 10)),  # past it: unapproved, resumed at the limit
        (bj(11, 30), True, True, bj(11, 30)),  # approved: the date holds
        (None, True, False, None),  # approved without a date: until someone resumes it
    ],
)
def test_pause_limits(until, approved, needs_approval, resumes_at):
    paused_at = bj(9, 28, 10)
    assert (
        rules.pause_needs_approval(paused_at=paused_at, until=until, tz=SHANGHAI, working_day=WORKING)
        is needs_approval
    )
    assert (
        rules.pause_resume_due(
            paused_at=paused_at, until=until, approved=approved, tz=SHANGHAI, working_day=WORKING
        )
        == resumes_at
    )

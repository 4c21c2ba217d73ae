"""Pure rules of intake ownership, mass complaints and second complaints, one row per case."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints import rules
from complaints.rules import TierFacts

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = rules.WorkingHours(start=time(8, 30), end=time(18, 0), tz=SHANGHAI)
TWO_HOURS = timedelta(hours=2)


def bj(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Beijing time in November 2026 (the 23rd is a Monday, the 27th a Friday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


# --- Working hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (bj(27, 17, 0), TWO_HOURS, bj(30, 9, 30)),  # Friday 17:00 + 2 h → Monday 09:30
        (bj(23, 7, 0), TWO_HOURS, bj(23, 10, 30)),  # before 08:30: the clock starts at opening
        (bj(23, 8, 30), TWO_HOURS, bj(23, 10, 30)),  # exactly at opening
        (bj(28, 11, 0), TWO_HOURS, bj(30, 10, 30)),  # Saturday → Monday
        (bj(29, 23, 59), TWO_HOURS, bj(30, 10, 30)),  # late Sunday → Monday
        (bj(23, 18, 0), TWO_HOURS, bj(24, 10, 30)),  # exactly 18:00: nothing left of Monday
        (bj(23, 16, 0), TWO_HOURS, bj(23, 18, 0)),  # ends exactly at closing, same day
        (bj(23, 16, 30), TWO_HOURS, bj(24, 9, 0)),  # 1.5 h on Monday, 0.5 h on Tuesday
        (bj(23, 20, 0), TWO_HOURS, bj(24, 10, 30)),  # evening → next morning
        (bj(23, 9, 0), timedelta(hours=19), bj(25, 9, 0)),  # 9.5 working hours a day
        (bj(27, 10, 0), timedelta(0), bj(27, 10, 0)),
        (bj(28, 10, 0), timedelta(0), bj(30, 8, 30)),
    ],
)
def test_add_working_time(start, duration, expected):
    assert rules.add_working_time(start, duration, hours=HOURS) == expected


def test_working_time_accepts_utc_and_keeps_the_moment():
    friday_17_beijing = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert rules.add_working_time(friday_17_beijing, TWO_HOURS, hours=HOURS) == bj(30, 9, 30)


def test_non_working_days_are_a_parameter_for_the_holiday_calendar():
    holidays = {date(2026, 11, 30)}  # say Monday were a public holiday

    def working_day(day: date) -> bool:
        return rules.is_weekday(day) and day not in holidays

    assert rules.add_working_time(bj(27, 17, 0), TWO_HOURS, hours=HOURS, working_day=working_day) == bj(
        1, 9, 30, month=12
    )
    # 调休: a Saturday that is a working day counts when the calendar says so.
    assert rules.add_working_time(bj(28, 10, 0), TWO_HOURS, hours=HOURS, working_day=lambda day: True) == bj(
        28, 12, 0
    )


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(ValueError):
        rules.add_working_time(bj(23, 9, 0), TWO_HOURS, hours=HOURS, working_day=lambda day: False)


# --- Reminder due times -------------------------------------------------------------------------

RECEIVED = bj(27, 17, 0)
DEADLINE = bj(30, 12, 0)
UPDATED = bj(28, 9, 0)


def due(status="received", *, deadline=DEADLINE, last_update_at=UPDATED, fired=()):
    return rules.reminder_due_times(
        status=status,
        received_at=RECEIVED,
        deadline=deadline,
        last_update_at=last_update_at,
        fired=fired,
        hours=HOURS,
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # The owner update counts three working days: Saturday's update runs from Monday 00:00.
        (due(), {"assign": bj(30, 9, 30), "plan": DEADLINE, "owner_update": bj(3, 0, month=12)}),
        (due("assigned"), {"assign": None, "plan": DEADLINE, "owner_update": bj(3, 0, month=12)}),
        (
            due("awaiting_customer", deadline=None),
            {"assign": None, "plan": None, "owner_update": bj(3, 0, month=12)},
        ),
        (  # Friday 17:00: 7 h of Friday, Monday, Tuesday, 17 h of Wednesday
            due("in_progress", last_update_at=None),
            {"assign": None, "plan": DEADLINE, "owner_update": bj(2, 17, month=12)},
        ),
        (due("resolved"), {"assign": None, "plan": None, "owner_update": None}),
        (due("closed"), {"assign": None, "plan": None, "owner_update": None}),
        # An occurrence that already fired is not due again; a new deadline is a new occurrence.
        (
            due("in_progress", fired={("plan", DEADLINE), ("owner_update", bj(3, 0, month=12))}),
            {"assign": None, "plan": None, "owner_update": None},
        ),
        (
            due("in_progress", fired={("plan", DEADLINE - timedelta(days=1))}),
            {"assign": None, "plan": DEADLINE, "owner_update": bj(3, 0, month=12)},
        ),
        (due(fired={("assign", bj(30, 9, 30))})["assign"], None),
    ],
)
def test_reminder_due_times(case, expected):
    assert case == expected


# --- Mass complaints ----------------------------------------------------------------------------


def facts(**overrides) -> TierFacts:
    base = {
        "litigation": "none",
        "media": "none",
        "complainant_count": 1,
        "same_issue_complainants": 1,
        "unresolved_for": timedelta(0),
        "second_complaint": False,
        "needs_outside_support": False,
    }
    return TierFacts(**{**base, **overrides})


@pytest.mark.parametrize(
    ("group", "tier"),
    [
        (10, "major"),
        (25, "major"),
        (9, "normal"),  # nine is no mass complaint (hot comes from same_issue_complainants)
        (1, "normal"),
    ],
)
def test_ten_complainants_in_an_issue_group_make_it_major(group, tier):
    assert rules.tier_for(facts(issue_group_complainants=group))[0] == tier
    assert ("same_issue_10_complainants" in rules.tier_for(facts(issue_group_complainants=group))[1]) is (
        tier == "major"
    )


START = datetime(2026, 11, 1, tzinfo=UTC)


def at(days: float) -> datetime:
    return START + timedelta(days=days)


@pytest.mark.parametrize(
    ("members", "peak"),
    [
        ([], 0),
        ([(at(0), "a")], 1),
        ([(at(0), "a"), (at(1), "a"), (at(2), "a")], 1),  # one owner three times is one complainant
        ([(at(day), f"owner{day}") for day in range(10)], 10),
        ([(at(day * 3), f"owner{day}") for day in range(10)], 10),  # day 0 … day 27: one month
        ([(at(0), "a"), (at(30), "b")], 2),  # exactly 30 days apart: inside
        ([(at(0), "a"), (at(30.01), "b")], 1),  # just over: never together
        # Ten owners over two months: the busiest month holds six of them.
        ([(at(day * 6), f"owner{day}") for day in range(10)], 6),
        # Unsorted input; repeat complainants inside the busiest window count once.
        ([(at(5), "b"), (at(0), "a"), (at(6), "a"), (at(40), "c"), (at(41), "d")], 2),
    ],
)
def test_peak_complainants_within_a_month(members, peak):
    assert rules.peak_complainants(members) == peak


@pytest.mark.parametrize(
    ("follows", "reopen_count", "second"),
    [(False, 0, False), (True, 0, True), (False, 1, True), (True, 2, True)],
)
def test_a_reopened_complaint_is_a_second_complaint(follows, reopen_count, second):
    assert rules.is_second_complaint(follows=follows, reopen_count=reopen_count) is second
    tier = rules.tier_for(facts(second_complaint=second))[0]
    assert tier == ("important" if second else "normal")


@pytest.mark.parametrize(
    ("status", "reopenable"), [("resolved", True), ("closed", True), ("in_progress", False)]
)
def test_only_handled_complaints_reopen(status, reopenable):
    assert rules.can_reopen(status) is reopenable


# --- Follows ------------------------------------------------------------------------------------

NEW = datetime(2026, 11, 30, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("same_customer", "same_unit", "same_category", "handled_at", "reason"),
    [
        (True, False, True, NEW - timedelta(days=10), "same_customer"),
        (False, True, True, NEW - timedelta(days=10), "same_unit"),
        (True, True, True, NEW - timedelta(days=10), "same_customer"),  # the owner wins over the unit
        (True, False, True, NEW - timedelta(days=90), "same_customer"),  # exactly 90 days: inside
        (True, False, True, NEW - timedelta(days=90, seconds=1), None),  # just outside
        (True, False, False, NEW - timedelta(days=10), None),  # another category
        (False, False, True, NEW - timedelta(days=10), None),  # someone else, somewhere else
        (True, False, True, None, None),  # never handled
        (True, False, True, NEW + timedelta(minutes=1), None),  # handled after the new one came in
    ],
)
def test_follows_window(same_customer, same_unit, same_category, handled_at, reason):
    assert (
        rules.follows_reason(
            same_customer=same_customer,
            same_unit=same_unit,
            same_category=same_category,
            handled_at=handled_at,
            received_at=NEW,
        )
        == reason
    )


@pytest.mark.parametrize(
    ("current", "rules_tier", "set_by_manager", "after"),
    [
        ("important", "normal", False, "normal"),  # the link was the only reason: it falls
        ("important", "important", False, "important"),  # reopened or outside support: stays
        ("important", "normal", True, "important"),  # a manager set it: only a manager moves it
        ("hot", "normal", False, "hot"),  # hot came from other rules (a clock that ran): stays
        ("major", "important", False, "major"),
        ("normal", "normal", False, "normal"),
    ],
)
def test_unlinking_takes_away_only_what_the_link_gave(current, rules_tier, set_by_manager, after):
    assert (
        rules.tier_after_unlink(current=current, rules_tier=rules_tier, set_by_manager=set_by_manager)
        == after
    )

"""The rules of DOMAIN.md that generate 6+2 work, as pure functions."""

from __future__ import annotations

import calendar
import hashlib
import math
from datetime import date, timedelta

from customers.rules import RUN_IN_YEARS, owner_phase

DELIVERY_CALLBACK_WITHIN = timedelta(days=30)  # every delivered unit gets a satisfaction call-back
HOME_VISIT_SHARE = 0.10  # home visits to at least 10% of delivered units …
HOME_VISIT_MAX = 60  # … and at most 60 households …
HOME_VISIT_MONTHS = 6  # … within six calendar months of delivery (not 183 days: February is short)
FOUR_YEAR_INTERVAL_YEARS = 4  # 四年之约: visit every owner again every four years
FOUR_YEAR_LEAD = timedelta(days=30)  # the visit is planned a month ahead


# Call-backs and visits are completed with what happened: the owner's outcome and how they were
# reached. Other actions (greetings, open days, contract explanations) record neither.
OUTCOME_ACTIONS = frozenset({"delivery_callback", "periodic_callback", "home_visit", "four_year_visit"})
OUTCOMES = ("satisfied", "not_satisfied", "unreachable")
CHANNELS = ("phone", "visit", "message")
# Only rows completed before outcomes were recorded carry this; nobody can choose it.
NOT_RECORDED = "not_recorded"


def needs_outcome(action_code: str) -> bool:
    return action_code in OUTCOME_ACTIONS


def outcome_problem(action_code: str, *, outcome: str, channel: str) -> str | None:
    """Why completing an action of ``action_code`` with this outcome and channel is refused (a code),
    or None. A call-back or visit needs both; any other action takes neither."""
    if needs_outcome(action_code):
        return None if outcome in OUTCOMES and channel in CHANNELS else "outcome_required"
    return None if not outcome and not channel else "outcome_not_expected"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (or earlier); a day the month lacks becomes its
    last day: 31 August + 6 months is 28 February, or 29 in a leap year."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def home_visit_due(delivered_on: date) -> date:
    return add_months(delivered_on, HOME_VISIT_MONTHS)


def delivered_since(today: date, months: int = HOME_VISIT_MONTHS) -> date:
    """The earliest delivery date whose ``months``-month date is not yet past on ``today``
    (deliveries from then on still have their six months running)."""
    since = add_months(today, -months)
    return since if add_months(since, months) >= today else since + timedelta(days=1)


def home_visit_target(delivered_units: int) -> int:
    return min(math.ceil(HOME_VISIT_SHARE * delivered_units), HOME_VISIT_MAX)


def _stable_order(unit_id: int) -> str:
    return hashlib.sha256(f"home-visit:{unit_id}".encode()).hexdigest()


def home_visit_sample(delivered_unit_ids: list[int], already_sampled: set[int]) -> list[int]:
    """Units to add to a project's home-visit sample so that it reaches its target, never beyond.

    The order is a stable hash of the unit id: running the rule again picks the same units.
    """
    missing = home_visit_target(len(delivered_unit_ids)) - len(already_sampled)
    if missing <= 0:
        return []
    candidates = sorted((uid for uid in delivered_unit_ids if uid not in already_sampled), key=_stable_order)
    return candidates[:missing]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def four_year_rounds_due(delivered_on: date, today: date) -> list[tuple[int, date]]:
    """(round, due date) of every four-year visit that is due or within the planning lead."""
    rounds = []
    number = 1
    while True:
        due = add_years(delivered_on, FOUR_YEAR_INTERVAL_YEARS * number)
        if due - FOUR_YEAR_LEAD > today:
            return rounds
        rounds.append((number, due))
        number += 1


# 嘘寒问暖: owners in 磨合期 (customers.rules.owner_phase "run_in") get a call-back every three
# months after moving in, the others one a year on the anniversary of moving in. The phase is read on
# the call-back's due date, so a change of customers.rules.RUN_IN_YEARS changes the schedule with it.
PERIODIC_RUN_IN_MONTHS = 3
PERIODIC_SETTLED_MONTHS = 12
PERIODIC_LEAD = timedelta(days=14)  # generated two weeks before it is due …
PERIODIC_CATCH_UP = timedelta(days=14)  # … and still generated when beat missed a fortnight
PERIODIC_PREFIX = "periodic-"


def _periodic_occasion(moved_in_on: date, months: int) -> tuple[str, date] | None:
    due = add_months(moved_in_on, months)
    if owner_phase(moved_in_on, due) == "run_in":
        if months % PERIODIC_RUN_IN_MONTHS == 0:
            return f"{PERIODIC_PREFIX}q{months // PERIODIC_RUN_IN_MONTHS}", due
        return None
    if months % PERIODIC_SETTLED_MONTHS == 0:
        return f"{PERIODIC_PREFIX}y{months // PERIODIC_SETTLED_MONTHS}", due
    return None


def periodic_months(up_to: int) -> list[int]:
    """Month counts after moving in at which a periodic call-back may fall (quarterly in the
    run-in years, yearly after)."""
    run_in = RUN_IN_YEARS * 12
    return [
        m
        for m in range(PERIODIC_RUN_IN_MONTHS, up_to + 1, PERIODIC_RUN_IN_MONTHS)
        if m <= run_in or m % PERIODIC_SETTLED_MONTHS == 0
    ]


def periodic_callbacks_due(moved_in_on: date | None, start: date, end: date) -> list[tuple[str, date]]:
    """(occasion, due date) of the owner's periodic call-backs due from ``start`` to ``end``: the
    occasion names the period ("periodic-q2": the second quarter in 磨合期, "periodic-y3": the
    third year), so each period has one call-back."""
    if moved_in_on is None:
        return []
    up_to = (end.year - moved_in_on.year) * 12 + end.month - moved_in_on.month + 1
    found = []
    for months in periodic_months(up_to):
        occasion = _periodic_occasion(moved_in_on, months)
        if occasion is not None and start <= occasion[1] <= end:
            found.append(occasion)
    return found


def periodic_due_on(moved_in_on: date, occasion: str) -> date | None:
    """The due date of a periodic call-back's occasion for this move-in date (after a correction)."""
    period = occasion.removeprefix(PERIODIC_PREFIX)
    kind, number = period[:1], period[1:]
    if not number.isdigit():
        return None
    step = {"q": PERIODIC_RUN_IN_MONTHS, "y": PERIODIC_SETTLED_MONTHS}.get(kind)
    return add_months(moved_in_on, step * int(number)) if step else None


def moved_in_ranges(start: date, end: date, earliest: date) -> list[tuple[date, date]]:
    """Ranges of move-in dates that may have a periodic call-back due from ``start`` to ``end``
    (a few days wider, as month ends clamp): the sweep reads them over the indexed move-in date,
    then ``periodic_callbacks_due`` decides exactly."""
    slack = timedelta(days=3)
    up_to = (end.year - earliest.year) * 12 + end.month - earliest.month + 1
    return [
        (add_months(start, -months) - slack, add_months(end, -months) + slack)
        for months in periodic_months(up_to)
    ]


def birth_dates_celebrated_on(today: date, oldest_year: int = 1900) -> list[date]:
    """Every birth date whose birthday falls on ``today``: the same month and day in every year,
    and on 28 February of a common year also 29 February of the leap years. The list feeds an
    ``IN`` over the indexed birth date, so no scan of all customers is needed."""
    days = []
    for year in range(oldest_year, today.year + 1):
        try:
            days.append(today.replace(year=year))
        except ValueError:  # 29 February of a common year: nobody was born then
            continue
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        days.extend(date(year, 2, 29) for year in range(oldest_year, today.year + 1) if calendar.isleap(year))
    return days


# The main Chinese holidays of the greeting calendar: (name, date). The lunar ones (春节, 端午节,
# 中秋节) move every year; the group centre adds later years and corrects dates in the admin.
_LUNAR_HOLIDAYS = {
    "春节": ["2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03", "2031-01-23"],
    "端午节": ["2026-06-19", "2027-06-09", "2028-05-28", "2029-06-16", "2030-06-05", "2031-06-24"],
    "中秋节": ["2026-09-25", "2027-09-15", "2028-10-03", "2029-09-22", "2030-09-12", "2031-10-01"],
}
_SOLAR_HOLIDAYS = {"元旦": (1, 1), "国庆节": (10, 1)}


def default_holidays(first_year: int = 2026, last_year: int = 2031) -> list[tuple[str, date]]:
    holidays = [(name, date.fromisoformat(day)) for name, days in _LUNAR_HOLIDAYS.items() for day in days]
    holidays += [
        (name, date(year, month, day))
        for name, (month, day) in _SOLAR_HOLIDAYS.items()
        for year in range(first_year, last_year + 1)
    ]
    return sorted(holidays, key=lambda holiday: holiday[1])

"""The rules of DOMAIN.md that generate 6+2 work, as pure functions."""

from __future__ import annotations

import hashlib
import math
from datetime import date, timedelta

DELIVERY_CALLBACK_WITHIN = timedelta(days=30)  # every delivered unit gets a satisfaction call-back
HOME_VISIT_SHARE = 0.10  # home visits to at least 10% of delivered units …
HOME_VISIT_MAX = 60  # … and at most 60 households …
HOME_VISIT_WITHIN = timedelta(days=183)  # … within six months of delivery
FOUR_YEAR_INTERVAL_YEARS = 4  # 四年之约: visit every owner again every four years
FOUR_YEAR_LEAD = timedelta(days=30)  # the visit is planned a month ahead


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

"""The survey rules as pure functions: scales, sampling, stages, the roll-up of the indicator tree,
reminders and the scorecard arithmetic."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from customers import rules as customer_rules

SCALE_MIN = 1  # every rating scale starts at 1 …
SCALE_MAX_LIMIT = 10  # … and ends at 2 to 10 (5 by default; 10 for "would you recommend")
SAMPLE_SIZE_MAX = 5000
DEFAULT_EXCLUDE_MONTHS = 12  # nobody is asked twice within a year
LOW_SCORE = 70.0  # indicators under this score (0–100) are proposed for an improvement plan
REMINDER_AFTER = timedelta(days=3)  # an unanswered link is reminded three days after it was sent …
MAX_REMINDERS = 2  # … and again three days later, then no more
TOKEN_BYTES = 32


# --- The indicator tree ---------------------------------------------------------------------------
PARENT_LEVEL = {"assessment": None, "direction": "assessment", "operation": "direction"}


def level_problem(level: str, parent_level: str | None) -> str | None:
    """Assessment indicators are roots; a direction hangs under an assessment, an operation under a
    direction."""
    if PARENT_LEVEL.get(level, "?") == parent_level:
        return None
    return "root_has_parent" if level == "assessment" else "wrong_parent_level"


LEVEL_MESSAGES = {
    "root_has_parent": _("An assessment indicator is at the top of the tree: leave the parent empty."),
    "wrong_parent_level": _(
        "A direction belongs under an assessment indicator, an operation under a direction."
    ),
}


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def value_problem(value: int | None, scale_max: int) -> str | None:
    """None when the value is on the scale 1..scale_max, else a code naming what is wrong."""
    if value is None:
        return "missing"
    if not isinstance(value, int) or isinstance(value, bool):
        return "not_a_number"
    if value < SCALE_MIN or value > scale_max:
        return "out_of_scale"
    return None


def normalise(value: int, scale_max: int) -> float:
    """A value on 1..scale_max as 0–100 (1 → 0, scale_max → 100), so that scales can be averaged."""
    return round(100 * (value - SCALE_MIN) / (scale_max - SCALE_MIN), 4)


# --- Stages -------------------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def stage_of(customer_stage: str, moved_in_on: date | None, today: date) -> str | None:
    """The survey stage of a customer: buyer (准业主), or the owner phase; None for prospects."""
    if customer_stage == "buyer":
        return "buyer"
    if customer_stage == "owner":
        return customer_rules.owner_phase(moved_in_on, today)
    return None


def moved_in_range(stage: str, today: date) -> tuple[date | None, date | None]:
    """(after, on_or_before) bounds of ``moved_in_on`` for an owner stage, matching
    ``customers.rules.owner_phase``: run_in is (today-1y, today], settled (today-3y, today-1y], ..."""
    one = customer_rules.years_ago(today, customer_rules.RUN_IN_YEARS)
    three = customer_rules.years_ago(today, customer_rules.SETTLED_YEARS)
    return {"run_in": (one, today), "settled": (three, one), "long_time": (None, three)}[stage]


# --- Sampling -----------------------------------------------------------------------------------
def _stable_order(plan_key: str, customer_id: int) -> str:
    return hashlib.sha256(f"survey:{plan_key}:{customer_id}".encode()).hexdigest()


def sample(candidates: Iterable[int], size: int, *, recently_surveyed: set[int], plan_key: str) -> list[int]:
    """Up to ``size`` customers, never one surveyed recently, in a stable pseudo-random order
    (a hash of the plan and the customer): drawing again for the same plan picks the same people."""
    eligible = {cid for cid in candidates if cid not in recently_surveyed}
    return sorted(eligible, key=lambda cid: _stable_order(plan_key, cid))[:size]


# --- Roll-up ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    total: float  # the sum of normalised answer scores
    count: int

    @property
    def mean(self) -> float | None:
        return round(self.total / self.count, 2) if self.count else None


def roll_up(parents: Mapping[int, int | None], direct: Mapping[int, Score]) -> dict[int, Score]:
    """Each indicator's score over every answer to a question mapped to it or to any indicator below
    it (answer-weighted). ``parents`` maps every indicator to its parent; ``direct`` holds the SQL
    sums and counts of answers per indicator."""
    result = {
        node: Score(direct[node].total, direct[node].count) if node in direct else Score(0.0, 0)
        for node in parents
    }
    for node, score in direct.items():
        seen = {node}
        parent = parents.get(node)
        while parent is not None and parent not in seen:  # a cycle cannot loop forever
            seen.add(parent)
            current = result[parent]
            result[parent] = Score(current.total + score.total, current.count + score.count)
            parent = parents.get(parent)
    return result


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None:
        return None
    return round(current - previous, 2)


# --- Reminders ----------------------------------------------------------------------------------
def next_reminder(*, sent_at: datetime, reminders_sent: int, closes_at: datetime) -> datetime | None:
    """When the next reminder of an unanswered link is due; None once enough were sent or the window
    closes before it."""
    if reminders_sent >= MAX_REMINDERS:
        return None
    due = sent_at + REMINDER_AFTER * (reminders_sent + 1)
    return due if due < closes_at else None


# --- Improvement plans ----------------------------------------------------------------------------
OPEN_PLAN_STATUSES = ("open", "in_progress")


def is_overdue(*, deadline: date, status: str, today: date) -> bool:
    return status in OPEN_PLAN_STATUSES and deadline < today


# --- Scorecard ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Weights:
    satisfaction: int
    complaint_handling: int
    loyalty: int
    profit: int


def weights_problem(weights: Weights) -> str | None:
    parts = (weights.satisfaction, weights.complaint_handling, weights.loyalty, weights.profit)
    if any(part < 0 for part in parts):
        return "negative"
    if sum(parts) != 100:
        return "sum_not_100"
    if weights.satisfaction <= weights.profit:
        return "profit_above_satisfaction"
    return None


def customer_score(
    weights: Weights, *, satisfaction: float | None, handling_rate: float | None, loyalty: float | None
) -> float | None:
    """The customer part of the scorecard (0–100): the weighted mean of the three figures that are
    known, the weights renormalised over them; profit is scored by finance, not here."""
    parts = [
        (weights.satisfaction, satisfaction),
        (weights.complaint_handling, handling_rate),
        (weights.loyalty, loyalty),
    ]
    known = [(weight, value) for weight, value in parts if value is not None and weight]
    total_weight = sum(weight for weight, _value in known)
    if not total_weight:
        return None
    return round(sum(weight * value for weight, value in known) / total_weight, 1)

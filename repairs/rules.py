"""Warranty repairs (报修): pure rules. Whether a repair is under warranty or a paid service, when a
repair becomes a complaint, and when its follow-up call is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from complaints.rules import add_years

# Warranty periods by part (保修期), keyed by the top-level defect type's code; installed after every
# migrate and then edited by the group centre in the admin (``WarrantyPeriod``). 主体结构 is covered
# for the structure's design life (50 years for housing); 防水 five years; 电气, 给排水 and the other
# fitted parts two years. A part without a period (规划设计) is not repaired under warranty.
STRUCTURE_DESIGN_LIFE_YEARS = 50
DEFAULT_WARRANTY_YEARS: dict[str, int] = {
    "ST": STRUCTURE_DESIGN_LIFE_YEARS,
    "WP": 5,
    "EL": 2,
    "PL": 2,
    "DW": 2,
    "FN": 2,
    "PA": 2,
}

# A repair becomes a complaint when the owner asks, when it needed a redo this many times, or when
# the contractor missed this many appointments.
REDO_LIMIT = 2
MISSED_LIMIT = 2

# The follow-up call (维修后跟进确认效果) is due this long after the contractor reports a fix.
FOLLOW_UP_AFTER = timedelta(days=3)


@dataclass(frozen=True)
class Coverage:
    warranty: bool
    ends_on: date | None  # None: not delivered yet, or no period for the part


def coverage(*, years: int | None, delivered_on: date | None, reported_on: date) -> Coverage:
    """Warranty or paid service for a defect of a part covered ``years`` (None: not covered) in a
    home handed over on ``delivered_on`` (None: not yet, so still the developer's), reported on
    ``reported_on``. The period runs to the day before the anniversary: the anniversary is paid."""
    if years is None:
        return Coverage(warranty=False, ends_on=None)
    if delivered_on is None:
        return Coverage(warranty=True, ends_on=None)
    ends_on = add_years(delivered_on, years) - timedelta(days=1)
    return Coverage(warranty=reported_on <= ends_on, ends_on=ends_on)


class ConversionReason:
    OWNER_ASKED = "owner_asked"
    REDONE = "redone"
    MISSED = "missed"


def conversion_reason(*, owner_asks: bool, not_fixed_visits: int, missed_visits: int) -> str | None:
    """Why a repair must become a complaint now, or None while it stays a repair."""
    if owner_asks:
        return ConversionReason.OWNER_ASKED
    if not_fixed_visits >= REDO_LIMIT:
        return ConversionReason.REDONE
    if missed_visits >= MISSED_LIMIT:
        return ConversionReason.MISSED
    return None

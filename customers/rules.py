"""Pure rules about customers: phone numbers, ID numbers, masking, age, owner phase, segments.

No database access here; every function is tested on its own (tests/customers/test_rules.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

# --- Phones -------------------------------------------------------------------------------
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
PHONE_TAIL_LENGTH = 4


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """A mainland mobile number as 11 digits: separators and the +86 / 0086 prefix removed."""
    phone = _PHONE_SEPARATORS.sub("", str(raw or "")).strip()
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
            break
    if phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    if not MOBILE_PATTERN.match(phone):
        raise InvalidPhone(raw)
    return phone


def phone_tail(phone: str) -> str:
    return phone[-PHONE_TAIL_LENGTH:]


def phone_search_problem(query: str, *, full_numbers_allowed: bool) -> str | None:
    """Digits search the end of the phone. A role that may not see full numbers searches by the last
    four only: otherwise narrowing the digits one by one would confirm a whole number it may not see."""
    if not query.isdigit():
        return None
    if len(query) < PHONE_TAIL_LENGTH:
        return _("Enter at least the last 4 digits of the phone.")
    if len(query) > PHONE_TAIL_LENGTH and not full_numbers_allowed:
        return _("Search by the last 4 digits of the phone.")
    return None


def mask_phone(phone: str) -> str:
    """138****5678: operator prefix and the last four digits, which staff use to confirm identity."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


# --- ID numbers (居民身份证号码, GB 11643) ------------------------------------------------------
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


class InvalidIdNumber(ValueError):
    pass


def normalise_id_number(raw: str) -> str:
    """An 18-character resident ID number, upper-case X, with a valid check digit and birth date."""
    value = str(raw or "").strip().upper()
    if not ID_PATTERN.match(value):
        raise InvalidIdNumber(raw)
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK_CHARS[total % 11] != value[17]:
        raise InvalidIdNumber(raw)
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber(raw) from exc
    return value


def id_check_char(first_17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def mask_id_number(value: str) -> str:
    """The region code's first four and the last four characters; the birth date is hidden."""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


# --- Age and owner phase -------------------------------------------------------------------------
OLDEST_AGE = 120


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def birth_date_problem(birth_date: date, today: date) -> str | None:
    if birth_date > today:
        return str(_("The birth date is in the future."))
    if age_on(birth_date, today) > OLDEST_AGE:
        return str(_("The birth date is more than %(years)s years ago.") % {"years": OLDEST_AGE})
    return None


RUN_IN_YEARS = 1  # 磨合期: the first year after moving in
SETTLED_YEARS = 3  # 稳定期: one to three years; after that 老业主


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def owner_phase(moved_in_on: date | None, today: date) -> str | None:
    """run_in (磨合期) < 1 year since moving in ≤ settled (稳定期) < 3 years ≤ long_time (老业主)."""
    if moved_in_on is None:
        return None
    if moved_in_on > years_ago(today, RUN_IN_YEARS):
        return "run_in"
    if moved_in_on > years_ago(today, SETTLED_YEARS):
        return "settled"
    return "long_time"


# --- Segments (客户细分) --------------------------------------------------------------------
YOUNG_PROFESSIONAL_MAX_AGE = 35


@dataclass(frozen=True)
class HouseholdFacts:
    age: int | None
    children_count: int  # children aged 0–17 in the household
    elderly_at_home: bool
    income_band: str  # low / middle / high / very_high, or "" when unknown
    purchase_motive: str  # school / environment / status / price / convenience / investment, or ""


@dataclass(frozen=True)
class SegmentSuggestion:
    segment: str
    reasons: tuple[str, ...]


def suggest_segment(facts: HouseholdFacts) -> SegmentSuggestion | None:
    """The five segments of DOMAIN.md, first matching rule wins; None when nothing is known.

    The order follows what drives the purchase most strongly: status (富贵之家) before the
    elderly (健康养老) before school-age children (望子成龙) before budget (务实之家), and
    young professionals (社会新锐) only when no household driver applies.
    """
    if facts.purchase_motive == "status" or facts.income_band == "very_high":
        reasons = []
        if facts.income_band == "very_high":
            reasons.append("very_high_income")
        if facts.purchase_motive == "status":
            reasons.append("status_motive")
        return SegmentSuggestion("affluent", tuple(reasons))
    if facts.elderly_at_home or facts.purchase_motive == "environment":
        reasons = ["elderly_at_home"] if facts.elderly_at_home else []
        if facts.purchase_motive == "environment":
            reasons.append("environment_motive")
        return SegmentSuggestion("health_elderly", tuple(reasons))
    if facts.children_count > 0 or facts.purchase_motive == "school":
        reasons = ["children_0_17"] if facts.children_count > 0 else []
        if facts.purchase_motive == "school":
            reasons.append("school_motive")
        return SegmentSuggestion("family_children", tuple(reasons))
    if facts.purchase_motive in {"price", "convenience"} or facts.income_band == "low":
        reasons = (
            [f"{facts.purchase_motive}_motive"] if facts.purchase_motive in {"price", "convenience"} else []
        )
        if facts.income_band == "low":
            reasons.append("low_income")
        return SegmentSuggestion("pragmatic", tuple(reasons))
    if facts.age is not None and facts.age < YOUNG_PROFESSIONAL_MAX_AGE:
        return SegmentSuggestion("young_professional", ("young_without_children",))
    return None

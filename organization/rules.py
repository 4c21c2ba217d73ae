"""How owners and staff write buildings and units, read the same way everywhere (the public form's
building field, global search): 「4」「4栋」「4号楼」「４栋」 are one building, and 「3栋1502」 is unit
1502 of building 3. Pure functions; the queries build on ``building_name_variants``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

# The words a building number is written with, longest first so that 「号楼」 wins over 「号」.
BUILDING_SUFFIXES = ("号楼", "栋", "幢", "座", "号", "楼")
_SUFFIX = "|".join(BUILDING_SUFFIXES)
_BUILDING = re.compile(rf"^(?:第)?(?P<key>[0-9A-Za-z]+)\s*(?:{_SUFFIX})?$")
_UNIT_REFERENCE = re.compile(
    rf"^(?:第)?(?P<building>[0-9A-Za-z]+)\s*(?:(?:{_SUFFIX})\s*-?|-|\s)\s*(?P<unit>[0-9]{{3,5}})\s*(?:室|房|号)?$"
)


def _plain(text: str) -> str:
    """Full-width digits, letters and dashes as ASCII (「４栋」 → 「4栋」), outer spaces gone."""
    return unicodedata.normalize("NFKC", text).strip().replace("－", "-").replace("—", "-")


def building_key(text: str) -> str:
    """The number a building name stands for (「4号楼」 → "4", 「a座」 → "A"); a name that is not a
    number with a suffix (「会所」) is its own key, spaces removed."""
    plain = _plain(text)
    match = _BUILDING.match(plain)
    if match is None:
        return re.sub(r"\s+", "", plain)
    return match["key"].upper()


def building_name_variants(key: str) -> list[str]:
    """The names a building of ``key`` may be stored under, for an indexed ``name__in`` lookup."""
    return [key, *(f"{key}{suffix}" for suffix in BUILDING_SUFFIXES)]


def parse_unit_reference(text: str) -> tuple[str, str] | None:
    """(building key, unit number) from how people write a home: 「3栋1502」, 「3号楼1502室」,
    「3-1502」, 「３栋 1502」. None when the text is not one."""
    match = _UNIT_REFERENCE.match(_plain(text))
    if match is None:
        return None
    return match["building"].upper(), match["unit"]


_UNIT_SUFFIX = re.compile(r"(?:室|房|号)$")


def unit_number_key(text: str) -> str:
    """A unit number as stored: full-width digits as ASCII, no spaces, no 「室」 (「１５０２ 室」 → 1502)."""
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return _UNIT_SUFFIX.sub("", plain).upper()


# --- Working-day calendars -------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingCalendar:
    """Monday to Friday, except the days in ``exceptions`` (date → working): public holidays off and
    make-up working weekends (调休) on. Built once per request or sweep from one query
    (``organization.selectors.working_calendars``) and handed to the clocks' pure rules."""

    exceptions: Mapping[date, bool] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        return self.exceptions.get(day, day.weekday() < 5)

    def overridden_by(self, days: Mapping[date, bool]) -> WorkingCalendar:
        """This calendar with a company's own days on top (a company's day wins over the group's)."""
        return WorkingCalendar({**self.exceptions, **days})


@dataclass(frozen=True)
class CompanyCalendars:
    """The group's default calendar and each company's with its own days on top, as one value."""

    default: WorkingCalendar = field(default_factory=WorkingCalendar)
    companies: Mapping[int, WorkingCalendar] = field(default_factory=dict)

    def for_company(self, company_id: int | None) -> WorkingCalendar:
        return self.companies.get(company_id, self.default)

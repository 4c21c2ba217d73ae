"""Global search (core.search): complaints by number, and the complaints of a home (「3栋1502」).
Registered in ComplaintsConfig.ready().

Numbers are ``TS<year><month>-<6-digit sequence>`` (services.intake). Staff read them off a letter,
a text or the phone, so the box takes them as people say them:

- the whole number, with or without ``TS`` and the zeros: ``TS202612-000123``, ``202612-000123``,
  ``202612-123`` → that complaint (an exact lookup on the unique number);
- the start of a number, as it is typed: ``TS2026``, ``TS202612-``, ``TS202612-0001`` → numbers
  starting with it (a prefix on the unique number's index), newest first;
- the sequence alone, 3 to 6 digits (``000123``, ``123``: "my complaint is number 123") → that
  sequence in each of the last ``TAIL_MONTHS`` months, an exact ``IN`` of twelve numbers. A
  ``%123`` suffix search would read every number; a complaint older than a year is found by its
  whole number.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import search
from organization.models import Unit
from organization.search import unit_condition

from .models import Complaint

TAIL_MONTHS = 12
NUMBER_PREFIX = "TS"
SEQUENCE_DIGITS = 6
_WHOLE = re.compile(r"^(?:TS)?(?P<month>\d{6})-(?P<sequence>\d{1,6})$")
_START = re.compile(r"^(?:TS\d{1,6}|(?:TS)?\d{6}-)$")
_TAIL = re.compile(r"^\d{3,6}$")


@dataclass(frozen=True)
class NumberQuery:
    exact: tuple[str, ...] = ()
    prefix: str = ""


def _number(month: str, sequence: int) -> str:
    return f"{NUMBER_PREFIX}{month}-{sequence:0{SEQUENCE_DIGITS}d}"


def recent_months(today: date, count: int = TAIL_MONTHS) -> list[str]:
    """``YYYYMM`` of this month and the ``count - 1`` before it, newest first."""
    index = today.year * 12 + today.month - 1
    return [f"{(index - back) // 12:04d}{(index - back) % 12 + 1:02d}" for back in range(count)]


def read_number(text: str, today: date) -> NumberQuery | None:
    """What a complaint number typed in the search box asks for; None when the text is no number."""
    plain = unicodedata.normalize("NFKC", text).replace(" ", "").upper()
    if match := _WHOLE.match(plain):
        sequence = match["sequence"]
        exact = (_number(match["month"], int(sequence)),)
        if len(sequence) < SEQUENCE_DIGITS:  # still being typed: 「TS202612-0001」 may become 000123
            return NumberQuery(exact=exact, prefix=f"{NUMBER_PREFIX}{match['month']}-{sequence}")
        return NumberQuery(exact=exact)
    if _START.match(plain):
        return NumberQuery(prefix=plain if plain.startswith(NUMBER_PREFIX) else NUMBER_PREFIX + plain)
    if _TAIL.match(plain) and int(plain):
        return NumberQuery(exact=tuple(_number(month, int(plain)) for month in recent_months(today)))
    return None


def _row(complaint: Complaint) -> search.SearchRow:
    place = complaint.project.name
    if complaint.unit is not None:
        place = f"{place} {complaint.unit.building.name} {complaint.unit.number}"
    return search.SearchRow(
        label=complaint.number,
        detail=" · ".join([complaint.title, place, complaint.get_status_display()]),
        url=reverse("complaint-detail", args=[complaint.pk]),
    )


def _prefix_condition(prefix: str) -> Q:
    condition = Q(number__startswith=prefix)  # PostgreSQL: the number's varchar_pattern_ops index
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case, so it cannot use an index; the same prefix as a range of the
        # unique index (binary order: exact for these ASCII numbers) can.
        condition &= Q(number__gte=prefix, number__lt=prefix + "\x7f")
    return condition


def search_complaints(request, query: str):
    user = request.user
    if not user.has_perm("complaints.view_complaint"):
        return
    number = read_number(query, timezone.localdate())
    home = unit_condition(query)
    if number is None and home is None:
        return
    # Whole numbers and homes name a handful of complaints: found by id through the number's unique
    # index and the unit's index, then scoped. As a plain filter beside the scope's company a planner
    # without statistics (SQLite before ANALYZE) would walk the company's complaints instead.
    named = [
        found
        for found in (
            Q(number__in=number.exact) if number is not None and number.exact else None,
            Q(unit__in=Unit.objects.filter(home).values("pk")) if home is not None else None,
        )
        if found is not None
    ]
    conditions = []
    if named:
        conditions.append(Q(pk__in=Complaint.objects.filter(reduce(operator.or_, named)).values("pk")))
    if number is not None and number.prefix:
        conditions.append(_prefix_condition(number.prefix))
    complaints = (
        Complaint.objects.visible_to(user)
        .filter(reduce(operator.or_, conditions))
        .select_related("project", "unit__building")
        .order_by("-number")  # numbers run with the month and the sequence: newest first, by the index
    )
    rows, _more = search.first_rows(complaints, _row)
    yield search.SearchGroup(key="complaints", title=_("Complaints"), rows=rows, order=10)

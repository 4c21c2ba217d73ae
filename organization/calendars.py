"""Working-day calendars (issue 19 §1): the group's default calendar (rows without a company, loaded
from the State Council's schedule by migration 0008) and a company's own days on top of it. The group
centre (``organization.change_calendarday``) sets and removes days on the calendar page and through
``/api/v1/calendars/``; the clocks read them through ``selectors.working_calendars`` (one query, then
the cache for a minute; every edit forgets it).

- ``calendar_day_set`` writes one day (a holiday off or a 调休 working day) of the group's calendar
  (``company=None``) or of a visible company's; setting a day that is already there changes it.
- ``calendar_day_remove`` takes a day off the calendar: the company falls back to the group's day,
  the group to the plain week.
- ``calendars_for(user, year)`` lists the group's calendar and the visible companies' with their days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.scoping import scope_for

from . import access
from .models import CalendarDay, Company
from .selectors import CALENDAR_CACHE_KEY

EDIT_CALENDARS = "organization.change_calendarday"


@dataclass
class Calendar:
    company: Company | None  # None: the group's default calendar
    days: list[CalendarDay] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.company.name if self.company else str(_("Group default"))


def _forget_cached_days() -> None:
    """Now, for this process's next read, and after the commit, for a read that raced the write."""
    cache.delete(CALENDAR_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CALENDAR_CACHE_KEY))


def _company_for(by, company: Company | None) -> Company | None:
    """The calendar a write goes to: the group's (only for a group-level user) or a visible company's."""
    if company is None:
        if not scope_for(by).all_companies:
            raise DomainError(_("Only the group centre edits the group's calendar."), code="group_calendar")
        return None
    return access.write_company_for(by, company)


@transaction.atomic
def calendar_day_set(*, by, company: Company | None, day: date, working: bool, name: str = "") -> CalendarDay:
    company = _company_for(by, company)
    calendar_day, _created = CalendarDay.objects.update_or_create(
        company=company, day=day, defaults={"working": working, "name": name}
    )
    _forget_cached_days()
    return calendar_day


@transaction.atomic
def calendar_day_remove(*, by, company: Company | None, day: date) -> bool:
    """Whether there was such a day."""
    company = _company_for(by, company)
    deleted, _rows = CalendarDay.objects.filter(company=company, day=day).delete()
    _forget_cached_days()
    return bool(deleted)


def calendars_for(user, year: int | None = None) -> list[Calendar]:
    """The group's calendar, then each visible company's (with its own days, possibly none), in two
    queries."""
    companies = list(Company.objects.visible_to(user).order_by("name"))
    days = CalendarDay.objects.filter(company__isnull=True) | CalendarDay.objects.visible_to(user)
    if year is not None:
        days = days.filter(day__year=year)
    calendars = {None: Calendar(None), **{company.pk: Calendar(company) for company in companies}}
    for calendar_day in days.order_by("day"):
        if calendar_day.company_id in calendars:
            calendars[calendar_day.company_id].days.append(calendar_day)
    return list(calendars.values())

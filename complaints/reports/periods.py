"""The period a report covers: a month, an ISO week, or any run of days, with the period before it
and the same period a year earlier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive
    label: str
    kind: str  # month / week

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        zone = timezone.get_current_timezone()
        start = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        return cls(start, end, f"{year}-{month:02d}", "month")

    @classmethod
    def parse_month(cls, text: str) -> Period:
        year, month = (int(part) for part in text.split("-"))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise ValueError(text)
        return cls.month(year, month)

    @classmethod
    def iso_week(cls, year: int, week: int) -> Period:
        zone = timezone.get_current_timezone()
        monday = date.fromisocalendar(year, week, 1)
        start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
        return cls(start, start + timedelta(days=7), f"{year}-W{week:02d}", "week")

    @classmethod
    def parse_week(cls, text: str) -> Period:
        year, week = text.upper().split("-W")
        return cls.iso_week(int(year), int(week))

    @classmethod
    def custom(cls, start: datetime, end: datetime) -> Period:
        last_day = (end - timedelta(days=1)).date()
        return cls(start, end, f"{start.date():%Y-%m-%d}~{last_day:%Y-%m-%d}", "custom")

    def previous(self) -> Period:
        """The period just before: the previous month or week, or as many days before a custom period."""
        if self.kind == "month":
            year, month = self.start.year, self.start.month
            return Period.month(year - (month == 1), 12 if month == 1 else month - 1)
        if self.kind == "week":
            iso = (self.start - timedelta(days=7)).isocalendar()
            return Period.iso_week(iso.year, iso.week)
        return Period.custom(self.start - (self.end - self.start), self.start)

    def year_before(self) -> Period:
        if self.kind == "month":
            return Period.month(self.start.year - 1, self.start.month)
        if self.kind == "week":
            iso = self.start.isocalendar()
            return Period.iso_week(iso.year - 1, min(iso.week, 52))
        return Period.custom(_a_year_earlier(self.start), _a_year_earlier(self.end))


def _a_year_earlier(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)

"""The report's response figures in working time (issue 19): whether each complaint received in the
period was answered within the 24-hour reply on working days (``rules.REPLY_WITHIN``, paused time left
out), its median first response in working hours, and the time the response clock stood paused per
handler. At most three queries whatever the number of complaints: the complaints' times, their
pauses, and the calendars of their companies (``organization.selectors.working_calendars``, cached)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from organization.selectors import working_calendars

from .. import rules
from ..models import ComplaintPause
from ..services.ownership import working_hours
from .periods import Period


def _hours(duration: timedelta) -> float:
    return round(duration.total_seconds() / 3600, 1)


def response_in_working_time(base: QuerySet, period: Period, now: datetime | None = None) -> dict:
    now = min(now or timezone.now(), period.end)
    received = list(
        base.filter(received_at__gte=period.start, received_at__lt=period.end).values_list(
            "pk", "company_id", "received_at", "first_response_at"
        )
    )
    pauses = defaultdict(list)
    for complaint_id, paused_at, resumed_at in ComplaintPause.objects.filter(
        complaint_id__in=[row[0] for row in received]
    ).values_list("complaint_id", "paused_at", "resumed_at"):
        pauses[complaint_id].append((paused_at, resumed_at))
    calendars = working_calendars({row[1] for row in received})
    hours = working_hours()
    in_time = late = pending = 0
    durations = []
    for pk, company_id, received_at, first_response_at in received:
        working_day = calendars.for_company(company_id).is_working_day
        answer = rules.replied_in_time(
            received_at=received_at,
            first_response_at=first_response_at,
            now=now,
            pauses=pauses[pk],
            tz=hours.tz,
            working_day=working_day,
        )
        in_time += answer is True
        late += answer is False
        pending += answer is None
        if first_response_at is not None:
            elapsed = rules.working_time_between(
                received_at, first_response_at, hours=hours, working_day=working_day
            )
            paused = rules.working_time_paused(
                pauses[pk], until=first_response_at, hours=hours, working_day=working_day
            )
            durations.append(max(elapsed - paused, timedelta(0)))
    judged = in_time + late
    median = statistics.median_low(durations) if durations else None
    return {
        "in_time": in_time,
        "late": late,
        "pending": pending,
        "in_time_percent": round(100 * in_time / judged, 1) if judged else None,
        "median_first_response_working_hours": None if median is None else _hours(median),
    }


def paused_by_handler(base: QuerySet, period: Period, now: datetime | None = None) -> list[dict]:
    """Time the response clock stood paused within the period, per handler (at the pause), most first."""
    now = min(now or timezone.now(), period.end)
    rows = ComplaintPause.objects.filter(
        Q(resumed_at__isnull=True) | Q(resumed_at__gt=period.start),
        complaint__in=base,
        paused_at__lt=period.end,
    ).values_list("handler_id", "handler__name", "handler__username", "paused_at", "resumed_at")
    totals: dict = {}
    names: dict = {}
    for handler_id, name, username, paused_at, resumed_at in rows:
        count, duration = totals.get(handler_id, (0, timedelta(0)))
        held = max(min(resumed_at or now, now) - max(paused_at, period.start), timedelta(0))
        totals[handler_id] = (count + 1, duration + held)
        names[handler_id] = name or username or ""
    ordered = sorted(totals.items(), key=lambda item: item[1][1], reverse=True)
    return [
        {"handler": handler_id, "name": names[handler_id], "pauses": count, "hours": _hours(duration)}
        for handler_id, (count, duration) in ordered
    ]

"""The report's response figures in working time (issue 19): whether each complaint received in the
period was answered within the 24-hour reply on working days (``rules.REPLY_WITHIN``, paused time
left out), its median first response in working hours, and the time the response clock stood paused
per handler.

The first two are SQL aggregations over columns the services keep on each complaint, so the report
costs the same two queries and no Python per complaint at a million rows: ``reply_due_at`` (when the
reply falls due, paused time added, ``rules.reply_due``; set at intake and at each pause or resume,
NULL while a running pause stops the clock) and ``first_response_working_seconds``
(``rules.first_response_working_seconds``, set with the first response). Each was fixed with the
company's calendar in force when it was computed: entering next year's holidays does not rewrite past
months (docs/ARCHITECTURE.md, "The pause")."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.utils import timezone

from ..models import ComplaintPause
from .percentiles import nearest_ranks
from .periods import Period


def _hours(duration: timedelta) -> float:
    return round(duration.total_seconds() / 3600, 1)


def response_in_working_time(base: QuerySet, period: Period, now: datetime | None = None) -> dict:
    """In time: answered by the due moment (or while a pause stopped the clock); late: answered after
    it, or unanswered past it at ``now`` (the period's end for a past period); pending: unanswered and
    not yet due. The median is the nearest-rank one (``statistics.median_low``)."""
    now = min(now or timezone.now(), period.end)
    received = base.filter(received_at__gte=period.start, received_at__lt=period.end)
    answered, unanswered = Q(first_response_at__isnull=False), Q(first_response_at__isnull=True)
    no_due = Q(reply_due_at__isnull=True)
    figures = received.aggregate(
        in_time=Count("pk", filter=answered & (no_due | Q(first_response_at__lte=F("reply_due_at")))),
        late=Count(
            "pk",
            filter=(answered & Q(first_response_at__gt=F("reply_due_at")))
            | (unanswered & Q(reply_due_at__lt=now)),
        ),
        pending=Count("pk", filter=unanswered & (no_due | Q(reply_due_at__gte=now))),
        timed=Count("first_response_working_seconds"),
    )
    _timed, (median,) = nearest_ranks(
        received.filter(first_response_working_seconds__isnull=False),
        F("first_response_working_seconds"),
        shares=(0.5,),
        output_field=IntegerField(),
        count=figures["timed"],
    )
    in_time, late = figures["in_time"], figures["late"]
    judged = in_time + late
    return {
        "in_time": in_time,
        "late": late,
        "pending": figures["pending"],
        "in_time_percent": round(100 * in_time / judged, 1) if judged else None,
        "median_first_response_working_hours": None if median is None else _hours(timedelta(seconds=median)),
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

"""Complaint reports, aggregated in the database: memory grows with the number of groups, not rows.

Every function takes a base queryset that is already scoped (``Complaint.objects.visible_to(user)``
for people, a company or region filter for the scheduled snapshots) and a period.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .. import rules, selectors
from ..models import TIER_ORDER, TIER_REASON_LABELS, ComplaintCost, ComplaintEvent, Repair, Status, Tier
from . import response
from .percentiles import nearest_ranks
from .periods import Period

ESCALATED_TIERS = tuple(tier for tier in TIER_ORDER if tier != Tier.NORMAL)  # major, hot, important
SATISFIED_MIN_RATING = 4
PROGRESS_LIST_LIMIT = 500


def counts(base: QuerySet, period: Period) -> dict:
    """New, resolved, closed in the period, and still open (not resolved) at its end."""
    return {
        "new": base.filter(received_at__gte=period.start, received_at__lt=period.end).count(),
        "resolved": base.filter(resolved_at__gte=period.start, resolved_at__lt=period.end).count(),
        "closed": base.filter(closed_at__gte=period.start, closed_at__lt=period.end).count(),
        # Received before the end minus resolved before the end (a complaint is resolved after it is
        # received): two index range counts instead of a scan for "unresolved or resolved later".
        "open_at_end": base.filter(received_at__lt=period.end).count()
        - base.filter(resolved_at__lt=period.end).count(),
    }


def _grouped(queryset: QuerySet, field: str) -> dict[str, int]:
    rows = queryset.values(field).annotate(n=Count("id")).order_by()
    return {str(row[field]): row["n"] for row in rows}


def _percentiles(queryset: QuerySet, start_field: str, end_field: str) -> dict:
    """Median and 90th percentile of end − start in hours, nearest-rank (the value at rank ⌈q·n⌉)."""
    count, (median, p90) = nearest_ranks(
        queryset.filter(**{f"{end_field}__isnull": False}),
        F(end_field) - F(start_field),
        shares=(0.5, 0.9),
        output_field=DurationField(),
    )
    return {
        "count": count,
        "median_hours": None if median is None else _hours(median),
        "p90_hours": None if p90 is None else _hours(p90),
    }


def _hours(value: timedelta) -> float:
    return round(value.total_seconds() / 3600, 1)


def _satisfaction(queryset: QuerySet) -> dict:
    rated = queryset.filter(rating__isnull=False)
    summary = rated.aggregate(
        rated=Count("id"),
        average=Avg("rating"),
        satisfied=Count("id", filter=Q(rating__gte=SATISFIED_MIN_RATING)),
    )
    share = round(100 * summary["satisfied"] / summary["rated"], 1) if summary["rated"] else None
    average = round(summary["average"], 2) if summary["average"] is not None else None
    return {"rated": summary["rated"], "average": average, "satisfied_percent": share}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def callback_figures(base: QuerySet, period: Period) -> dict:
    """Call-backs (回访) and reopening, counted from the complaints' events in SQL.

    - coverage: of the complaints resolved in the period (a resolve event in it), those called back
      after that resolve, whenever the call-back came;
    - satisfaction at call-back: of the call-backs made in the period that reached the complainant,
      the satisfied ones (``unreachable`` is no answer);
    - reopen rate: of the complaints resolved in the period, those reopened after that resolve.
    """
    events = ComplaintEvent.objects.filter(complaint__in=base)
    in_period = Q(at__gte=period.start, at__lt=period.end)
    after_resolve = ComplaintEvent.objects.filter(complaint=OuterRef("complaint"), at__gte=OuterRef("at"))
    reopening = Q(
        kind=ComplaintEvent.Kind.STATUS, from_value__in=rules.HANDLED_STATUSES, to_value=Status.IN_PROGRESS
    )
    # The Exists go straight into the aggregates' filters: as annotations, Django drops them when it
    # wraps a DISTINCT aggregate in a subquery, and the filter would read a column that is not there.
    resolved = events.filter(in_period, kind=ComplaintEvent.Kind.STATUS, to_value=Status.RESOLVED).aggregate(
        resolved=Count("complaint", distinct=True),
        called_back=Count(
            "complaint", distinct=True, filter=Exists(after_resolve.filter(kind=ComplaintEvent.Kind.CALLBACK))
        ),
        reopened=Count("complaint", distinct=True, filter=Exists(after_resolve.filter(reopening))),
    )
    calls = events.filter(in_period, kind=ComplaintEvent.Kind.CALLBACK).aggregate(
        calls=Count("id"),
        answered=Count("id", filter=Q(to_value__in=rules.ANSWERED_OUTCOMES)),
        satisfied=Count("id", filter=Q(to_value=rules.SATISFIED)),
    )
    return {
        **resolved,
        "coverage_percent": _percent(resolved["called_back"], resolved["resolved"]),
        "reopen_percent": _percent(resolved["reopened"], resolved["resolved"]),
        **calls,
        "satisfied_percent": _percent(calls["satisfied"], calls["answered"]),
    }


def resolved_in_time(resolved: QuerySet) -> dict:
    """Of the complaints resolved in the period, how many in time (``selectors.resolved_in_time_q``:
    our deadlines and, for a government referral, the authority's too)."""
    figures = resolved.aggregate(
        resolved=Count("id"), in_time=Count("id", filter=selectors.resolved_in_time_q())
    )
    return {**figures, "in_time_percent": _percent(figures["in_time"], figures["resolved"])}


def government_figures(base: QuerySet, period: Period) -> dict:
    """Government referrals (12345, housing bureau, city platforms), in SQL: how many came in the
    period; of those resolved in it, how many by the authority's deadline (``rules.on_time``'s SQL
    twin); of the authority's verdicts given in it, how many sent the complaint back."""
    referrals = base.filter(channel=rules.GOVERNMENT)
    received = referrals.filter(received_at__gte=period.start, received_at__lt=period.end).count()
    resolved = referrals.filter(resolved_at__gte=period.start, resolved_at__lt=period.end).aggregate(
        resolved=Count("id"),
        on_time=Count("id", filter=Q(resolved_at__lte=F("external_deadline"))),
    )
    verdicts = ComplaintEvent.objects.filter(
        complaint__in=referrals,
        kind=ComplaintEvent.Kind.EXTERNAL_VERDICT,
        at__gte=period.start,
        at__lt=period.end,
    ).aggregate(verdicts=Count("id"), sent_back=Count("id", filter=Q(to_value=rules.SENT_BACK)))
    return {
        "received": received,
        **resolved,
        "on_time_percent": _percent(resolved["on_time"], resolved["resolved"]),
        **verdicts,
        "sent_back_percent": _percent(verdicts["sent_back"], verdicts["verdicts"]),
    }


def progress_list(base: QuerySet, period: Period) -> list[dict]:
    """Every major, hot and important complaint open at some point in the period, with its plan
    and last update (two correlated subqueries, no per-row queries)."""
    events = ComplaintEvent.objects.filter(complaint=OuterRef("pk")).order_by("-at", "-id")
    rows = (
        base.filter(tier__in=ESCALATED_TIERS, received_at__lt=period.end)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.start))
        .alias(tier_rank=_tier_rank())
        .annotate(
            current_plan=Subquery(events.filter(kind=ComplaintEvent.Kind.PLAN).values("note")[:1]),
            last_update=Subquery(events.values("at")[:1]),
        )
        .order_by("-tier_rank", "received_at")
        .values(
            "id",
            "number",
            "project__name",
            "company__name",
            "title",
            "tier",
            "tier_reasons",
            "status",
            "received_at",
            "resolved_at",
            "current_plan",
            "last_update",
        )
    )
    now = min(timezone.now(), period.end)
    result = []
    for row in rows[:PROGRESS_LIST_LIMIT]:
        until = row["resolved_at"] or now
        result.append(
            {
                **row,
                "reason_labels": [str(TIER_REASON_LABELS.get(code, code)) for code in row["tier_reasons"]],
                "tier_label": str(Tier(row["tier"]).label),
                "days_open": max((until - row["received_at"]).days, 0),
            }
        )
    return result


def _tier_rank() -> Case:
    return Case(
        *(When(tier=tier, then=Value(rank)) for tier, rank in rules.TIER_RANK.items()),
        output_field=IntegerField(),
    )


def complaint_report(base: QuerySet, period: Period) -> dict:
    """The monthly (or weekly) complaint report (客户投诉月报) for one scope and period."""
    received = base.filter(received_at__gte=period.start, received_at__lt=period.end)
    resolved = base.filter(resolved_at__gte=period.start, resolved_at__lt=period.end)
    closed = base.filter(closed_at__gte=period.start, closed_at__lt=period.end)
    overdue_at = min(timezone.now(), period.end)
    by_category = _grouped(received, "category")
    return {
        "period": {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "counts": counts(base, period),
        "previous": {"label": period.previous().label, **counts(base, period.previous())},
        "year_before": {"label": period.year_before().label, **counts(base, period.year_before())},
        "by_category": by_category,
        "category_share": _shares(by_category),
        "by_tier": _in_tier_order(_grouped(received, "tier")),
        "by_channel": _grouped(received, "channel"),
        "by_status": _grouped(received, "status"),
        "by_company": _grouped(received, "company__name"),
        "by_project": [
            {
                "project": row["project_id"],
                "name": row["project__name"],
                "company": row["company__name"],
                "count": row["n"],
            }
            for row in received.values("project_id", "project__name", "company__name")
            .annotate(n=Count("id"))
            .order_by("-n")
        ],
        "first_response": _percentiles(received, "received_at", "first_response_at"),
        # Issue 19: the 24-hour reply on working days, paused time left out; pauses per handler.
        "response_in_working_time": response.response_in_working_time(base, period),
        "paused_by_handler": response.paused_by_handler(base, period),
        "resolution": _percentiles(resolved, "received_at", "resolved_at"),
        "resolved_in_time": resolved_in_time(resolved),
        # Unresolved and overdue at the period's end (or now): ``rules.urgency``'s SQL twin.
        "overdue": base.filter(selectors.overdue_q(overdue_at)).count(),
        "satisfaction": _satisfaction(closed),
        "costs": cost_statistics(base, period),
        "callbacks": callback_figures(base, period),
        "government": government_figures(base, period),
        "escalated": progress_list(base, period),
    }


def _in_tier_order(counts: dict[str, int]) -> dict[str, int]:
    """Every tier, major first, zeros included (tables and charts list tiers in this order)."""
    return {tier: counts.get(tier, 0) for tier in TIER_ORDER}


def monthly_trend(base: QuerySet, months: int = 12, today: date | None = None) -> list[dict]:
    """New complaints per month and tier for the last ``months`` months (one GROUP BY)."""
    today = today or timezone.localdate()
    first = Period.month(today.year, today.month)
    for _ in range(months - 1):
        first = first.previous()
    rows = (
        base.filter(received_at__gte=first.start)
        .annotate(month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
        .values("month", "tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    trend: dict[str, dict[str, int]] = {}
    period = first
    for _ in range(months):
        trend[period.label] = dict.fromkeys(rules.TIER_RANK, 0)
        period = Period.month(period.end.year, period.end.month)
    for row in rows:
        label = (
            timezone.localtime(row["month"]).strftime("%Y-%m")
            if timezone.is_aware(row["month"])
            else (row["month"].strftime("%Y-%m"))
        )
        if label in trend:
            trend[label][row["tier"]] = row["n"]
    return [{"month": label, **tiers, "total": sum(tiers.values())} for label, tiers in trend.items()]


def category_share(base: QuerySet, start: datetime, end: datetime) -> list[dict]:
    """Each category's share of complaints received in [start, end) (e.g. January–June)."""
    return _shares(_grouped(base.filter(received_at__gte=start, received_at__lt=end), "category"))


def _shares(counts: dict[str, int]) -> list[dict]:
    total = sum(counts.values())
    return [
        {"category": category, "count": n, "percent": round(100 * n / total, 1)}
        for category, n in sorted(counts.items(), key=lambda item: -item[1])
    ]


def contractor_statistics(base: QuerySet, period: Period) -> list[dict]:
    """Monthly construction-quality repairs per contractor/supplier (月度质量投诉及返修统计), ranked by
    first-time fix rate, then fewest repeat repairs."""
    rows = (
        Repair.objects.filter(
            complaint__in=base, started_on__gte=period.start.date(), started_on__lt=period.end.date()
        )
        .values("contractor_id", "contractor__name", "contractor__kind")
        .annotate(
            complaints=Count("complaint", distinct=True),
            repairs=Count("id"),
            first_time_fixes=Count("id", filter=Q(fixed_first_time=True)),
            repeats=Count("id", filter=Q(fixed_first_time=False)),
        )
        .order_by()
    )
    result = []
    for row in rows:
        judged = row["first_time_fixes"] + row["repeats"]
        result.append(
            {
                "contractor": row["contractor_id"],
                "name": row["contractor__name"],
                "kind": row["contractor__kind"],
                "complaints": row["complaints"],
                "repairs": row["repairs"],
                "fixed_first_time": row["first_time_fixes"],
                "repeat_repairs": row["repeats"],
                "first_time_fix_rate": round(100 * row["first_time_fixes"] / judged, 1) if judged else None,
            }
        )
    result.sort(key=lambda row: (-(row["first_time_fix_rate"] or 0), row["repeat_repairs"], row["name"]))
    for rank, row in enumerate(result, start=1):
        row["rank"] = rank
    return result


# --- What complaints cost (issue 19 §5) ----------------------------------------------------------


def _money(value) -> str:
    return f"{value or 0:.2f}"


def _cost_sums() -> dict:
    """``rules.cost_totals`` in SQL: spent (goodwill and repairs), back-charged, recovered (deducted)."""
    back_charge = Q(kind=rules.BACK_CHARGE)
    return {
        "spent": Sum("amount", filter=Q(kind__in=rules.SPENT_KINDS)),
        "back_charged": Sum("amount", filter=back_charge),
        "recovered": Sum("amount", filter=back_charge & Q(state=rules.DEDUCTED)),
    }


def _cost_row(row: dict, **names) -> dict:
    recovered = row["recovered"] or 0
    return {
        **names,
        "spent": _money(row["spent"]),
        "back_charged": _money(row["back_charged"]),
        "recovered": _money(recovered),
        "net": _money((row["spent"] or 0) - recovered),
    }


def cost_statistics(base: QuerySet, period: Period) -> dict:
    """Cost ledger entries recorded in the period on the scope's complaints (reversals included, so
    a corrected entry nets to zero), summed in SQL: totals, and by project, category and contractor
    (back-charges only name one). Amounts are strings with two decimals (the stored snapshot is JSON).
    ``recovered``: back-charges deducted from what the contractor is paid."""
    entries = ComplaintCost.objects.filter(
        complaint__in=base, recorded_at__gte=period.start, recorded_at__lt=period.end
    )
    totals = entries.aggregate(**_cost_sums())
    by_project = (
        entries.values("complaint__project_id", "complaint__project__name")
        .annotate(**_cost_sums())
        .order_by("complaint__project__name")
    )
    by_category = (
        entries.values("complaint__category").annotate(**_cost_sums()).order_by("complaint__category")
    )
    by_contractor = (
        entries.filter(kind=rules.BACK_CHARGE)
        .values("contractor_id", "contractor__name")
        .annotate(**_cost_sums())
        .order_by("contractor__name")
    )
    return {
        "totals": _cost_row(totals),
        "by_project": [
            _cost_row(row, project=row["complaint__project_id"], name=row["complaint__project__name"])
            for row in by_project
        ],
        "by_category": [_cost_row(row, category=row["complaint__category"]) for row in by_category],
        "by_contractor": [
            _cost_row(row, contractor=row["contractor_id"], name=row["contractor__name"])
            for row in by_contractor
        ],
    }

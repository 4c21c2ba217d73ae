"""The complaint blocks of the home workbench (core.workbench), registered in ComplaintsConfig.ready().

Lists: my open complaints by time to the next escalation, the unassigned ones, open risk signals and
call-backs due; each one query with a LIMIT over a partial index of unresolved complaints (or of
call-backs owed). Tiles: the company's figures (managers) and the same per company (group centre),
each figure one aggregate grouped by company; this month's figures are kept a few minutes
(``month_figures``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import workbench
from organization.models import Company

from . import rules, selectors
from .choices import TIER_ORDER
from .models import Complaint, ComplaintEvent, RiskSignal, Status
from .reports.percentiles import PercentileDisc
from .reports.periods import Period
from .reports.queries import SATISFIED_MIN_RATING

HANDLE = "complaints.change_complaint"
# Company managers and the group centre look after the whole scope; frontline staff after their own.
WHOLE_SCOPE = "complaints.lower_tier"
MONTH_FIGURES_SECONDS = 10 * 60


# --- pure helpers (table-tested) ---------------------------------------------------------------


def tier_tiles(counts: dict[str, int], link: str) -> list[dict]:
    """One tile per tier, highest first, zero where no complaint is open; ``link`` is the list URL's
    query without the tier."""
    return [
        {
            "tier": tier.value,
            "label": tier.label,
            "count": counts.get(tier.value, 0),
            "url": _url("complaint-list", link, tier=tier.value),
        }
        for tier in TIER_ORDER
    ]


def nearest_rank_median(sorted_values: list[timedelta]) -> float | None:
    """The report's median (nearest rank: the value at rank ⌈n/2⌉), in hours."""
    if not sorted_values:
        return None
    return round(sorted_values[math.ceil(0.5 * len(sorted_values)) - 1].total_seconds() / 3600, 1)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _url(name: str, base_query: str = "", **params) -> str:
    query = "&".join(part for part in (base_query, urlencode(params)) if part)
    return reverse(name) + (f"?{query}" if query else "")


def this_month(now: datetime) -> Period:
    local = timezone.localtime(now)
    return Period.month(local.year, local.month)


# --- lists -------------------------------------------------------------------------------------


def _open(user):
    return Complaint.objects.visible_to(user).filter(resolved_at__isnull=True)


def my_complaints(user, now: datetime) -> dict:
    """Open complaints the user handles, the next to escalate first (no escalation ahead: last)."""
    complaints = (
        _open(user)
        .filter(handler=user)
        .select_related("project")
        .order_by(F("escalates_at").asc(nulls_last=True), "received_at", "id")
    )
    return {**workbench.limited(complaints), "all_url": _url("complaint-list", mine=1, sort="escalation")}


def unassigned(user, now: datetime) -> dict:
    """Open complaints nobody handles yet, the longest waiting for a handler first."""
    complaints = (
        _open(user)
        .filter(handler__isnull=True)
        .select_related("project", "company")
        .order_by(F("assign_due_at").asc(nulls_last=True), "received_at", "id")
    )
    return {
        **workbench.limited(complaints),
        "all_url": _url("complaint-list", unassigned=1),
        "show_company": not user.company_id,
    }


def risk_signals(user, now: datetime) -> dict:
    """Risk signals nobody confirmed or dismissed yet: of my open complaints, or of the whole scope for
    managers and the group centre (who also see those of resolved complaints)."""
    # Scoped through the user's companies (a few rows), not a subquery over every complaint.
    signals = RiskSignal.objects.filter(
        state=RiskSignal.State.OPEN, complaint__company__in=Company.objects.visible_to(user).values("pk")
    )
    if not user.has_perm(WHOLE_SCOPE):
        signals = signals.filter(complaint__handler=user, complaint__resolved_at__isnull=True)
    signals = signals.select_related("complaint__project").order_by("at", "id")
    return workbench.limited(signals)


def callbacks(user, now: datetime) -> dict:
    """Call-backs (回访) due by now: mine, or the whole scope's for managers and the group centre."""
    handler = None if user.has_perm(WHOLE_SCOPE) else user
    return workbench.limited(selectors.callbacks_due(user=user, due_by=now, handler=handler))


# --- tiles -------------------------------------------------------------------------------------


def company_tiles(user, now: datetime) -> dict:
    """The manager's figures for their company: open by tier, overdue, and this month's first
    response, call-back coverage and satisfaction."""
    base = Complaint.objects.visible_to(user)
    period = this_month(now)
    open_by_tier = dict(
        base.filter(resolved_at__isnull=True).values_list("tier").annotate(n=Count("id")).order_by()
    )
    month = month_figures(list(Company.objects.visible_to(user).values_list("pk", flat=True)), period, now)
    figures = month["companies"].get(user.company_id, {})
    return {
        "tiers": tier_tiles(open_by_tier, ""),
        "overdue": base.filter(selectors.overdue_q(now, present=True)).count(),
        "overdue_url": _url("complaint-list", urgency=rules.OVERDUE),
        "first_response_hours": figures.get("first_response_hours"),
        "callback_coverage": figures.get("callback_coverage"),
        "satisfaction": figures.get("satisfaction", {}),
        "report_url": _url("reports", month=period.label),
        "month": period.label,
        "as_of": month["as_of"],
        "refresh_minutes": MONTH_FIGURES_SECONDS // 60,
    }


def company_table(user, now: datetime) -> dict:
    """The group centre's figures, one row per company: one GROUP BY company query per figure."""
    base = Complaint.objects.visible_to(user)
    period = this_month(now)
    companies = list(Company.objects.visible_to(user).order_by("region__name", "name"))
    by_tier: dict[int, dict[str, int]] = defaultdict(dict)
    for company_id, tier, n in (
        base.filter(resolved_at__isnull=True)
        .values_list("company_id", "tier")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_tier[company_id][tier] = n
    overdue = dict(
        base.filter(selectors.overdue_q(now, present=True))
        .values_list("company_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    month = month_figures([company.pk for company in companies], period, now)
    rows = []
    for company in companies:
        query = urlencode({"company": company.pk})
        figures = month["companies"].get(company.pk, {})
        rows.append(
            {
                "company": company,
                "tiers": tier_tiles(by_tier.get(company.pk, {}), query),
                "overdue": overdue.get(company.pk, 0),
                "overdue_url": _url("complaint-list", query, urgency=rules.OVERDUE),
                "first_response_hours": figures.get("first_response_hours"),
                "callback_coverage": figures.get("callback_coverage"),
                "satisfaction": figures.get("satisfaction", {}),
                "report_url": _url("reports", query, month=period.label),
            }
        )
    return {
        "rows": rows,
        "tiers": [tier.label for tier in TIER_ORDER],
        "month": period.label,
        "as_of": month["as_of"],
    }


def month_figures(company_ids: list[int], period: Period, now: datetime) -> dict:
    """This month's first response median, call-back coverage and satisfaction of each company, as of
    ``as_of``. Unlike the open counts (partial indexes of open complaints), these read every complaint
    of the month, which grows with the table; the home page is opened all day long, so they are kept
    for MONTH_FIGURES_SECONDS per scope and month (the monthly report always reads them live)."""
    key = f"home-month-figures:{period.label}:{','.join(map(str, sorted(company_ids)))}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    received = Complaint.objects.filter(
        company__in=company_ids, received_at__gte=period.start, received_at__lt=period.end
    )
    closed = Complaint.objects.filter(
        company__in=company_ids, closed_at__gte=period.start, closed_at__lt=period.end, rating__isnull=False
    )
    first_response = _first_response_by_company(received)
    coverage = _callback_coverage_by_company(company_ids, period)
    satisfaction = {
        row["company_id"]: {
            "rated": row["rated"],
            "average": round(row["average"], 2) if row["average"] is not None else None,
            "satisfied_percent": percent(row["satisfied"], row["rated"]),
        }
        for row in closed.values("company_id")
        .annotate(
            rated=Count("id"),
            average=Avg("rating"),
            satisfied=Count("id", filter=Q(rating__gte=SATISFIED_MIN_RATING)),
        )
        .order_by()
    }
    figures = {
        "as_of": now,
        "companies": {
            company_id: {
                "first_response_hours": first_response.get(company_id),
                "callback_coverage": coverage.get(company_id),
                "satisfaction": satisfaction.get(company_id, {}),
            }
            for company_id in company_ids
        },
    }
    cache.set(key, figures, MONTH_FIGURES_SECONDS)
    return figures


def _first_response_by_company(received) -> dict[int, float | None]:
    answered = received.filter(first_response_at__isnull=False).annotate(
        duration=ExpressionWrapper(F("first_response_at") - F("received_at"), output_field=DurationField())
    )
    if connection.vendor == "postgresql":
        rows = answered.values("company_id").annotate(median=PercentileDisc("duration", share=0.5)).order_by()
        return {row["company_id"]: round(row["median"].total_seconds() / 3600, 1) for row in rows}
    # Elsewhere (SQLite in development) one ordered read of the month's answered complaints.
    durations: dict[int, list[timedelta]] = defaultdict(list)
    for company_id, duration in answered.order_by("company_id", "duration").values_list(
        "company_id", "duration"
    ):
        durations[company_id].append(duration)
    return {company_id: nearest_rank_median(values) for company_id, values in durations.items()}


def _callback_coverage_by_company(company_ids: list[int], period: Period) -> dict[int, float | None]:
    """The monthly report's call-back coverage (``callback_figures``), grouped by company in one
    query: of the complaints resolved in the period, the share called back after that resolve."""
    after_resolve = ComplaintEvent.objects.filter(complaint=OuterRef("complaint"), at__gte=OuterRef("at"))
    rows = (
        ComplaintEvent.objects.filter(
            complaint__company__in=company_ids,
            at__gte=period.start,
            at__lt=period.end,
            kind=ComplaintEvent.Kind.STATUS,
            to_value=Status.RESOLVED,
        )
        .values("complaint__company_id")
        .annotate(
            resolved=Count("complaint", distinct=True),
            called_back=Count(
                "complaint",
                distinct=True,
                filter=Exists(after_resolve.filter(kind=ComplaintEvent.Kind.CALLBACK)),
            ),
        )
        .order_by()
    )
    return {row["complaint__company_id"]: percent(row["called_back"], row["resolved"]) for row in rows}


BLOCKS = (
    workbench.Block(
        key="company-figures",
        title=_("This month in my company"),
        order=10,
        template="core/workbench_tiles.html",
        read=company_tiles,
        permission=WHOLE_SCOPE,
        audience=workbench.COMPANY,
        wide=True,
    ),
    workbench.Block(
        key="companies",
        title=_("Companies at a glance"),
        order=10,
        template="core/workbench_companies.html",
        read=company_table,
        permission="organization.view_all_companies",
        audience=workbench.GROUP,
        wide=True,
    ),
    workbench.Block(
        key="my-complaints",
        title=_("My open complaints"),
        order=20,
        template="core/workbench_complaints.html",
        read=my_complaints,
        permission=HANDLE,
    ),
    workbench.Block(
        key="unassigned",
        title=_("Complaints without a handler"),
        order=30,
        template="core/workbench_unassigned.html",
        read=unassigned,
        permission=HANDLE,
    ),
    workbench.Block(
        key="risk-signals",
        title=_("Risk signals to decide"),
        order=40,
        template="core/workbench_signals.html",
        read=risk_signals,
        permission=HANDLE,
    ),
    workbench.Block(
        key="callbacks",
        title=_("Call-backs due"),
        order=50,
        template="core/workbench_callbacks.html",
        read=callbacks,
        permission=HANDLE,
    ),
)


def register_blocks() -> None:
    for block in BLOCKS:
        workbench.register(block)

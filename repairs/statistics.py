"""Monthly contractor statistics (月度质量投诉及返修统计) from warranty repairs and construction
complaints' repairs together: per contractor or supplier, the volume, the first-time-fix rate and the
average days to fix, ranked. One aggregation per source, merged by contractor in Python.

- Warranty repairs reported in the month count for their current contractor. Judged: a visit said
  fixed or not fixed; fixed the first time: judged and never not fixed (the owner's "not fixed"
  turns the visit into a failed one). Days to fix: from the report to the last fix.
- Complaints' repairs (工程质量 complaints) started in the month, as the complaint report counts them;
  days to fix: from the start to the finish."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, F, OuterRef, Q

from complaints import selectors as complaint_selectors
from complaints.choices import Category
from complaints.models import Repair
from complaints.reports.periods import Period
from organization.models import Company

from .models import RepairRequest, RepairVisit

SECONDS_PER_DAY = 86400


def _repair_rows(base, period: Period) -> list[dict]:
    visits = RepairVisit.objects.filter(repair=OuterRef("pk"))
    return list(
        base.filter(contractor__isnull=False, reported_at__gte=period.start, reported_at__lt=period.end)
        .annotate(
            judged=Exists(
                visits.filter(outcome__in=[RepairVisit.Outcome.FIXED, RepairVisit.Outcome.NOT_FIXED])
            ),
            failed=Exists(visits.filter(outcome=RepairVisit.Outcome.NOT_FIXED)),
        )
        .values("contractor_id", "contractor__name", "contractor__kind")
        .annotate(
            volume=Count("id"),
            judged_count=Count("id", filter=Q(judged=True)),
            first_time=Count("id", filter=Q(judged=True, failed=False)),
            fixed=Count("id", filter=Q(fixed_at__isnull=False)),
            time_to_fix=Avg(F("fixed_at") - F("reported_at"), filter=Q(fixed_at__isnull=False)),
        )
        .order_by()
    )


def _complaint_rows(complaints, period: Period) -> list[dict]:
    return list(
        Repair.objects.filter(
            complaint__in=complaints.filter(category=Category.CONSTRUCTION),
            started_on__gte=period.start.date(),
            started_on__lt=period.end.date(),
        )
        .values("contractor_id", "contractor__name", "contractor__kind")
        .annotate(
            volume=Count("id"),
            judged_count=Count("id", filter=Q(fixed_first_time__isnull=False)),
            first_time=Count("id", filter=Q(fixed_first_time=True)),
            fixed=Count("id", filter=Q(finished_on__isnull=False)),
            time_to_fix=Avg(F("finished_on") - F("started_on"), filter=Q(finished_on__isnull=False)),
        )
        .order_by()
    )


def _days(duration) -> float:
    """An average duration as days (SQLite may give microseconds as a number)."""
    if duration is None:
        return 0.0
    seconds = duration.total_seconds() if hasattr(duration, "total_seconds") else duration / 1_000_000
    return seconds / SECONDS_PER_DAY


def contractor_statistics(
    *, user, period: Period, company_id: int | None = None, region_id: int | None = None
) -> list[dict]:
    """The ranked rows for what ``user`` sees (or one company or region of it; outside the scope is
    Company/Region.DoesNotExist): best first-time-fix rate first, then the fewest days to fix."""
    complaints = complaint_selectors.report_base(user=user, company_id=company_id, region_id=region_id)
    repairs = RepairRequest.objects.visible_to(user)
    if company_id is not None:
        repairs = repairs.filter(company_id=company_id)
    if region_id is not None:
        repairs = repairs.filter(company__in=Company.objects.filter(region_id=region_id))
    merged: dict[int, dict] = {}
    for source, rows in (
        ("repairs", _repair_rows(repairs, period)),
        ("complaints", _complaint_rows(complaints, period)),
    ):
        for row in rows:
            total = merged.setdefault(
                row["contractor_id"],
                {
                    "contractor": row["contractor_id"],
                    "name": row["contractor__name"],
                    "kind": row["contractor__kind"],
                    "repairs": 0,
                    "complaint_repairs": 0,
                    "volume": 0,
                    "judged": 0,
                    "fixed_first_time": 0,
                    "fixed": 0,
                    "fix_days_total": 0.0,
                },
            )
            total["repairs" if source == "repairs" else "complaint_repairs"] += row["volume"]
            total["volume"] += row["volume"]
            total["judged"] += row["judged_count"]
            total["fixed_first_time"] += row["first_time"]
            total["fixed"] += row["fixed"]
            total["fix_days_total"] += _days(row["time_to_fix"]) * row["fixed"]
    result = []
    for row in merged.values():
        days_total = row.pop("fix_days_total")
        row["first_time_fix_rate"] = (
            round(100 * row["fixed_first_time"] / row["judged"], 1) if row["judged"] else None
        )
        row["average_days_to_fix"] = round(days_total / row["fixed"], 1) if row["fixed"] else None
        result.append(row)
    result.sort(
        key=lambda row: (
            -(row["first_time_fix_rate"] or 0),
            row["average_days_to_fix"] if row["average_days_to_fix"] is not None else float("inf"),
            -row["volume"],
            row["name"],
        )
    )
    for rank, row in enumerate(result, start=1):
        row["rank"] = rank
    return result

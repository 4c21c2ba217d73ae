"""What makes a report fit to present, the same on the dashboard, the print view, the XLSX and CSV
files and the e-mailed snapshot: the header (which report, whose, for which month, generated when,
in Beijing time), the file name, tiers from major down, and the charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import charts
from core.exports import file_name_part
from core.scoping import scope_for
from organization.models import Company, Region

from ..models import TIER_ORDER, Category, Contractor, Tier
from .periods import Period

MOMENT_FORMAT = "%Y-%m-%d %H:%M"
SCOPE_COMPANY, SCOPE_REGION, SCOPE_GROUP = "company", "region", "group"


@dataclass(frozen=True)
class ReportHeader:
    """Whose report it is, for when, and when it was generated (an aware moment)."""

    scope: str  # company / region / group
    scope_name: str  # 深圳万科, 南方区域, or "" for the group
    period: Period
    generated_at: datetime

    @property
    def title(self) -> str:
        if self.period.kind == "month":
            return _("Monthly complaint report")
        if self.period.kind == "week":
            return _("Weekly complaint report")
        return _("Complaint report")

    @property
    def scope_label(self) -> str:
        return _("Region") if self.scope == SCOPE_REGION else _("Company")

    @property
    def scope_text(self) -> str:
        return self.scope_name if self.scope != SCOPE_GROUP else _("All companies of the group")

    @property
    def period_label(self) -> str:
        return {"month": _("Month"), "week": _("Week")}.get(self.period.kind, _("Period"))

    @property
    def generated_label(self) -> str:
        return _("Generated at (Beijing time)")

    @property
    def generated_text(self) -> str:
        return timezone.localtime(self.generated_at).strftime(MOMENT_FORMAT)

    def rows(self) -> list[list[str]]:
        """The header lines of a file: the title, then (label, value) pairs."""
        return [
            [self.title],
            [self.scope_label, self.scope_text],
            [self.period_label, self.period.label],
            [self.generated_label, self.generated_text],
        ]

    def file_name(self, extension: str) -> str:
        """客户投诉月报_深圳万科_2026-12.xlsx (the group: 客户投诉月报_集团_2026-12.xlsx); in English
        complaint-report_深圳万科_2026-12.xlsx."""
        scope = self.scope_name if self.scope != SCOPE_GROUP else _("Group")
        # Translators: the start of a report's file name, e.g. 客户投诉月报_深圳万科_2026-12.xlsx.
        parts = [_("complaint-report"), scope, self.period.label]
        return "_".join(file_name_part(part) for part in parts) + f".{extension}"

    def ascii_file_name(self, extension: str) -> str:
        """The fallback for clients that cannot read a UTF-8 file name."""
        scope = self.scope_name if self.scope != SCOPE_GROUP else "group"
        parts = ["complaint-report"]
        if scope.isascii():
            parts.append(file_name_part(scope))
        parts.append(self.period.label)
        return "_".join(parts) + f".{extension}"


def header_for(
    *, user, period: Period, company_id: int | None, region_id: int | None, now: datetime | None = None
) -> ReportHeader:
    """The header of a report a person asked for: the company or region they chose, else their own
    company, else the whole group (ids already checked against their scope by ``report_base``)."""
    now = now or timezone.now()
    if company_id is not None:
        return ReportHeader(SCOPE_COMPANY, Company.objects.get(pk=company_id).name, period, now)
    if region_id is not None:
        return ReportHeader(SCOPE_REGION, Region.objects.get(pk=region_id).name, period, now)
    scope = scope_for(user)
    if not scope.all_companies and scope.company_id is not None:
        return ReportHeader(SCOPE_COMPANY, Company.objects.get(pk=scope.company_id).name, period, now)
    return ReportHeader(SCOPE_GROUP, "", period, now)


def tier_rows(by_tier: dict[str, int]) -> list[tuple[str, str, int]]:
    """(code, label, count) for every tier, major first, zeros included."""
    return [(tier, str(Tier(tier).label), by_tier.get(tier, 0)) for tier in TIER_ORDER]


def category_rows(report: dict) -> list[tuple[str, int, float]]:
    """(label, count, percent) per category, largest first."""
    labels = dict(Category.choices)
    return [
        (str(labels.get(row["category"], row["category"])), row["count"], row["percent"])
        for row in report["category_share"]
    ]


def contractor_kind_label(kind: str) -> str:
    return str(dict(Contractor.Kind.choices).get(kind, kind))


def report_charts(report: dict, trend: list[dict], contractors: list[dict]) -> dict[str, SafeString]:
    """The dashboard's charts, also printed: the last 12 months by tier, tiers, categories,
    companies and the contractors' first-time fix rates (server-side SVG, ``core.charts``)."""
    tiers = tier_rows(report["by_tier"])
    return {
        "trend": charts.stacked_columns(
            trend, [(tier, Tier(tier).label) for tier in TIER_ORDER], label=_("Last 12 months by tier")
        ),
        "tiers": charts.horizontal_bars(
            [(label, count) for _code, label, count in tiers],
            label=_("By tier"),
            colours=[charts.TIER_COLOURS[code] for code, _label, _count in tiers],
        ),
        "categories": charts.horizontal_bars(
            [(label, count) for label, count, _percent in category_rows(report)], label=_("By category")
        ),
        # Only where there is more than one company to compare (the group, a region).
        "companies": charts.horizontal_bars(
            sorted(report["by_company"].items(), key=lambda item: -item[1]), label=_("By company")
        )
        if len(report["by_company"]) > 1
        else "",
        "contractors": charts.horizontal_bars(
            [
                (row["name"], row["first_time_fix_rate"])
                for row in contractors
                if row["first_time_fix_rate"] is not None
            ],
            label=_("First-time fix rate (%)"),
            unit="%",
        ),
    }

"""The complaint report as XLSX and CSV (the same rows in both, and in the print view): the header
lines first (report, company, month, generated at in Beijing time), tiers from major down, native
charts of the category shares and the tier counts beside their rows, and the month's contractor
quality and repair statistics."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from core.charts import TIER_COLOURS
from core.exports import Chart, CsvWriter, Section, sections_to_xlsx

from ..models import Category, Channel, Status, Tier
from .presentation import ReportHeader, category_rows, contractor_kind_label, tier_rows

LABELS = {
    "by_channel": dict(Channel.choices),
    "by_status": dict(Status.choices),
}


def sections(report: dict, contractors: list[dict] | None = None) -> list[Section]:
    """Every part of the report as a section (title, header, rows, chart); the contractor
    statistics last when given."""
    counts = report["counts"]
    summary = [
        [_("New"), counts["new"], report["previous"]["new"], report["year_before"]["new"]],
        [
            _("Resolved"),
            counts["resolved"],
            report["previous"]["resolved"],
            report["year_before"]["resolved"],
        ],
        [_("Closed"), counts["closed"], report["previous"]["closed"], report["year_before"]["closed"]],
        [
            _("Open at the end"),
            counts["open_at_end"],
            report["previous"]["open_at_end"],
            report["year_before"]["open_at_end"],
        ],
        [_("Overdue"), report["overdue"], "", ""],
        [_("Median first response (hours)"), report["first_response"]["median_hours"], "", ""],
        [_("90th percentile first response (hours)"), report["first_response"]["p90_hours"], "", ""],
        [
            _("Answered within 24 hours on working days (%)"),
            report["response_in_working_time"]["in_time_percent"],
            "",
            "",
        ],
        [
            _("Median first response (working hours)"),
            report["response_in_working_time"]["median_first_response_working_hours"],
            "",
            "",
        ],
        [_("Median resolution (hours)"), report["resolution"]["median_hours"], "", ""],
        [_("90th percentile resolution (hours)"), report["resolution"]["p90_hours"], "", ""],
        [_("Average rating"), report["satisfaction"]["average"], "", ""],
        [_("Satisfied (%)"), report["satisfaction"]["satisfied_percent"], "", ""],
        [_("Call-back coverage (%)"), report["callbacks"]["coverage_percent"], "", ""],
        [_("Satisfied at call-back (%)"), report["callbacks"]["satisfied_percent"], "", ""],
        [_("Reopened after resolving (%)"), report["callbacks"]["reopen_percent"], "", ""],
    ]
    government = report.get("government")  # snapshots from before the government channel lack it
    if government:
        summary += [
            [_("Government referrals received"), government["received"], "", ""],
            [_("Resolved by the authority's deadline (%)"), government["on_time_percent"], "", ""],
            [_("Sent back by the authority (%)"), government["sent_back_percent"], "", ""],
        ]
    result = [
        Section(
            _("Summary"),
            [
                _("Figure"),
                report["period"]["label"],
                report["previous"]["label"],
                report["year_before"]["label"],
            ],
            summary,
        )
    ]
    result.append(
        Section(
            _("By category"),
            [_("Item"), _("Complaints"), _("Share (%)")],
            [list(row) for row in category_rows(report)],
            Chart("pie", _("Share by category")),
        )
    )
    tiers = tier_rows(report["by_tier"])
    result.append(
        Section(
            _("By tier"),
            [_("Item"), _("Complaints")],
            [[label, count] for _code, label, count in tiers],
            Chart("bar", _("Complaints by tier"), colours=[TIER_COLOURS[code] for code, _l, _c in tiers]),
        )
    )
    for key, title in (
        ("by_channel", _("By channel")),
        ("by_status", _("By status")),
        ("by_company", _("By company")),
    ):
        labels = LABELS.get(key, {})
        rows = [[str(labels.get(code, code)), count] for code, count in report[key].items()]
        result.append(Section(title, [_("Item"), _("Complaints")], rows))
    result.append(
        Section(
            _("Response clock paused, by handler"),
            [_("Handler"), _("Pauses"), _("Hours paused")],
            [[row["name"], row["pauses"], row["hours"]] for row in report["paused_by_handler"]],
        )
    )
    result.append(
        Section(
            _("By project"),
            [_("Company"), _("Project"), _("Complaints")],
            [[row["company"], row["name"], row["count"]] for row in report["by_project"]],
        )
    )
    result.append(
        Section(
            _("Major, hot and important"),
            [
                _("Number"),
                _("Company"),
                _("Project"),
                _("Title"),
                _("Tier"),
                _("Reasons"),
                _("Status"),
                _("Days open"),
                _("Current plan"),
                _("Last update"),
            ],
            [
                [
                    row["number"],
                    row["company__name"],
                    row["project__name"],
                    row["title"],
                    str(Tier(row["tier"]).label),
                    "；".join(row["reason_labels"]),
                    str(Status(row["status"]).label),
                    row["days_open"],
                    row["current_plan"] or "",
                    row["last_update"],
                ]
                for row in report["escalated"]
            ],
        )
    )
    result += cost_sections(report.get("costs"))  # snapshots stored before issue 19 have none
    if contractors is not None:
        result.append(contractor_section(contractors))
    return result


def cost_sections(costs: dict | None) -> list[Section]:
    """What complaints cost (cost ledger entries recorded in the period) by project, category and
    contractor, with what back-charges recovered."""
    if not costs:
        return []
    money = [_("Spent (yuan)"), _("Back-charged (yuan)"), _("Recovered (yuan)"), _("Net cost (yuan)")]

    def figures(row):
        return [Decimal(row[key]) for key in ("spent", "back_charged", "recovered", "net")]

    categories = dict(Category.choices)
    return [
        Section(_("Cost"), [_("Item"), *money], [[_("Total"), *figures(costs["totals"])]]),
        Section(
            _("Cost by project"),
            [_("Project"), *money],
            [[row["name"], *figures(row)] for row in costs["by_project"]],
        ),
        Section(
            _("Cost by category"),
            [_("Category"), *money],
            [
                [str(categories.get(row["category"], row["category"])), *figures(row)]
                for row in costs["by_category"]
            ],
        ),
        Section(
            _("Back-charges by contractor"),
            [_("Contractor or supplier"), *money],
            [[row["name"], *figures(row)] for row in costs["by_contractor"]],
        ),
    ]


def contractor_section(contractors: list[dict]) -> Section:
    """月度质量投诉及返修统计: repairs per contractor or supplier, ranked by first-time fixes."""
    return Section(
        _("Contractor quality and repairs"),
        [
            _("Rank"),
            _("Contractor or supplier"),
            _("Type"),
            _("Complaints"),
            _("Repairs"),
            _("Fixed the first time"),
            _("Repeat repairs"),
            _("First-time fix rate (%)"),
        ],
        [
            [
                row["rank"],
                row["name"],
                contractor_kind_label(row["kind"]),
                row["complaints"],
                row["repairs"],
                row["fixed_first_time"],
                row["repeat_repairs"],
                row["first_time_fix_rate"],
            ]
            for row in contractors
        ],
        Chart("bar", _("First-time fix rate (%)"), value_column=8, label_column=2),
    )


def to_xlsx(report: dict, header: ReportHeader, contractors: list[dict]) -> bytes:
    """One sheet per section, each starting with the report's header lines."""
    return sections_to_xlsx(sections(report, contractors), preamble=header.rows())


def to_csv(report: dict, header: ReportHeader, contractors: list[dict]) -> str:
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerows(header.rows())
    writer.writerow([])
    for section in sections(report, contractors):
        writer.writerow([section.title])
        writer.writerow(section.header)
        writer.writerows(section.rows)
        writer.writerow([])
    return "\ufeff" + buffer.getvalue()  # a byte-order mark so that Excel reads the Chinese text as UTF-8

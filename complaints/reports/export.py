"""The complaint report as XLSX and CSV (the same rows in both)."""

import io

from django.utils.translation import gettext as _

from core.exports import CsvWriter, sections_to_xlsx

from ..models import Category, Channel, Status, Tier

LABELS = {
    "by_category": dict(Category.choices),
    "by_tier": dict(Tier.choices),
    "by_channel": dict(Channel.choices),
    "by_status": dict(Status.choices),
}


def sections(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for every part of the report."""
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
        [_("Median resolution (hours)"), report["resolution"]["median_hours"], "", ""],
        [_("90th percentile resolution (hours)"), report["resolution"]["p90_hours"], "", ""],
        [_("Average rating"), report["satisfaction"]["average"], "", ""],
        [_("Satisfied (%)"), report["satisfaction"]["satisfied_percent"], "", ""],
        [_("Call-back coverage (%)"), report["callbacks"]["coverage_percent"], "", ""],
        [_("Satisfied at call-back (%)"), report["callbacks"]["satisfied_percent"], "", ""],
        [_("Reopened after resolving (%)"), report["callbacks"]["reopen_percent"], "", ""],
    ]
    result = [
        (
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
    for key, title in (
        ("by_category", _("By category")),
        ("by_tier", _("By tier")),
        ("by_channel", _("By channel")),
        ("by_status", _("By status")),
        ("by_company", _("By company")),
    ):
        labels = LABELS.get(key, {})
        rows = [[str(labels.get(code, code)), count] for code, count in report[key].items()]
        result.append((title, [_("Item"), _("Complaints")], rows))
    result.append(
        (
            _("By project"),
            [_("Company"), _("Project"), _("Complaints")],
            [[row["company"], row["name"], row["count"]] for row in report["by_project"]],
        )
    )
    result.append(
        (
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
    return result


def to_xlsx(report: dict) -> bytes:
    return sections_to_xlsx(sections(report))


def to_csv(report: dict) -> str:
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    for title, header, rows in sections(report):
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerow([])
    return "\ufeff" + buffer.getvalue()  # a byte-order mark so that Excel reads the Chinese text as UTF-8

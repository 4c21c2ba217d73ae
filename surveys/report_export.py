"""The survey report as an XLSX workbook (one sheet per part)."""

import io

from django.utils.translation import gettext as _


def _blank(value):
    return "" if value is None else value


def sections(report: dict) -> list[tuple[str, list[str], list[list]]]:
    summary = [
        [_("Satisfaction"), _blank(report["satisfaction"]), _blank(report["last_year"]["satisfaction"])],
        [_("Loyalty"), _blank(report["loyalty"]), _blank(report["last_year"]["loyalty"])],
        [_("Invited"), report["invited"], ""],
        [_("Completed"), report["completed"], ""],
        [_("Response rate (%)"), _blank(report["response_rate"]), ""],
    ]
    result = [(_("Summary"), [_("Figure"), str(report["year"]), str(report["year"] - 1)], summary)]
    result.append(
        (
            _("Indicators"),
            [_("Indicator"), _("Level"), _("Score"), _("Answers"), _("Last year"), _("Change")],
            [
                [
                    "  " * row["depth"] + row["name"],
                    row["level"],
                    _blank(row["score"]),
                    row["answers"],
                    _blank(row["last_year"]),
                    _blank(row["change"]),
                ]
                for row in report["indicators"]
            ],
        )
    )
    for key, title in (
        ("company", _("By company")),
        ("project", _("By project")),
        ("stage", _("By owner stage")),
        ("segment", _("By segment")),
    ):
        result.append(
            (
                title,
                [
                    _("Item"),
                    _("Satisfaction"),
                    _("Loyalty"),
                    _("Last year"),
                    _("Change"),
                    _("Invited"),
                    _("Completed"),
                    _("Response rate (%)"),
                ],
                [
                    [
                        row["label"],
                        _blank(row["satisfaction"]),
                        _blank(row["loyalty"]),
                        _blank(row["last_year_satisfaction"]),
                        _blank(row["change"]),
                        row["invited"],
                        row["completed"],
                        _blank(row["response_rate"]),
                    ]
                    for row in report["by"][key]
                ],
            )
        )
    result.append(
        (
            _("Questions"),
            [
                _("Questionnaire"),
                _("Question"),
                _("Indicator"),
                _("Answers"),
                _("Mean value"),
                _("Score"),
                _("Expectation"),
                _("Experience − expectation"),
            ],
            [
                [
                    row["questionnaire"],
                    row["text"],
                    row["indicator"],
                    row["answers"],
                    _blank(row["mean_value"]),
                    _blank(row["score"]),
                    _blank(row["expectation"]),
                    _blank(row["gap"]),
                ]
                for row in report["questions"]
            ],
        )
    )
    return result


def to_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sections(report):
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

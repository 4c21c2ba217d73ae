"""Every file the product exports (CSV and XLSX) writes its cells through ``cell``: text that a
spreadsheet would run as a formula is neutralised, times are local, labels are translated.
A report is a list of sections (title, header, rows), optionally with a native chart of its rows
(``Section``), and each sheet may start with the same header lines (``preamble``: which report, whose,
for when, generated when). ``content_disposition`` names a download in any language."""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from urllib.parse import quote

from django.utils import timezone
from django.utils.functional import Promise


class Chart(NamedTuple):
    """A native spreadsheet chart of a section's rows: labels in ``label_column``, values in
    ``value_column`` (1-based). ``kind`` is "bar" (columns) or "pie"; ``colours`` ("#dc2626") go to
    the data points in row order."""

    kind: str
    title: str
    value_column: int = 2
    colours: Sequence[str] = ()
    label_column: int = 1


class Section(NamedTuple):
    title: str
    header: list
    rows: Iterable[list]
    chart: Chart | None = None


# A plain (title, header, rows) tuple is a section without a chart.
SectionLike = Section | tuple[str, list, Iterable[list]]

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Sheets
# (OWASP "CSV injection"); a leading apostrophe makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MOMENT_FORMAT = "%Y-%m-%d %H:%M"


def cell(value):
    """One exported cell: numbers stay numbers; moments in local time to the minute (2026-12-04 13:05);
    dates as ISO; translated labels as text; text that would start a formula gets an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime(MOMENT_FORMAT)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    return value


def cells(row: Iterable) -> list:
    return [cell(value) for value in row]


class CsvWriter:
    """csv.writer that writes every row through ``cells``."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow(cells(row))

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def sections_to_xlsx(sections: Iterable[SectionLike], *, preamble: Sequence[Sequence] = ()) -> bytes:
    """One worksheet per section (titles cut to Excel's 31 characters), written in streaming mode.
    Each sheet starts with the ``preamble`` rows and an empty row when there are any; a section's
    chart stands to the right of its table."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for section in sections:
        section = Section(*section)
        sheet = workbook.create_sheet(sheet_title(section.title))
        for line in preamble:
            sheet.append(cells(line))
        if preamble:
            sheet.append([])
        header_row = len(preamble) + (1 if preamble else 0) + 1
        sheet.append(cells(section.header))
        rows = [cells(row) for row in section.rows]
        for row in rows:
            sheet.append(row)
        if section.chart is not None and rows:
            anchor = f"{_column_letter(len(section.header) + 2)}{header_row}"
            sheet.add_chart(_native_chart(sheet, section.chart, header_row, len(rows)), anchor)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def _native_chart(sheet, spec: Chart, header_row: int, count: int):
    """An openpyxl bar or pie chart over the ``count`` rows under ``header_row``."""
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.series import DataPoint

    chart = PieChart() if spec.kind == "pie" else BarChart()
    if spec.kind != "pie":
        chart.type = "col"
        chart.legend = None
        chart.y_axis.title = None
        chart.y_axis.majorGridlines = None
    chart.title = str(spec.title)
    chart.width, chart.height = 16, 8.5
    values = Reference(sheet, min_col=spec.value_column, min_row=header_row, max_row=header_row + count)
    labels = Reference(sheet, min_col=spec.label_column, min_row=header_row + 1, max_row=header_row + count)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(labels)
    series = chart.series[0]
    # Figures on the chart: counts on columns, shares on a pie's slices.
    series.dLbls = DataLabelList()
    series.dLbls.showVal = spec.kind != "pie"
    series.dLbls.showPercent = spec.kind == "pie"
    for attribute in ("showSerName", "showCatName", "showLegendKey"):
        setattr(series.dLbls, attribute, False)
    for index, colour in enumerate(spec.colours[:count]):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = colour.lstrip("#").upper()
        point.graphicalProperties.line.solidFill = colour.lstrip("#").upper()
        series.dPt.append(point)
    return chart


def sheet_title(title) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    return "".join("_" if char in "[]:*?/\\" else char for char in str(title))[:31]


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name_part(text) -> str:
    """A piece of a download's name: no path separators, quotes or control characters."""
    return _UNSAFE_IN_FILE_NAMES.sub("_", str(text)).strip(" ._") or "_"


def content_disposition(filename: str, *, fallback: str) -> str:
    """``attachment`` with the name in UTF-8 (RFC 5987/6266 ``filename*``) and an ASCII ``filename``
    for clients that read only that one (``fallback``; its non-ASCII characters are dropped)."""
    plain = "".join(char for char in file_name_part(fallback) if 32 <= ord(char) < 127 and char not in '"\\')
    return f"attachment; filename=\"{plain or 'download'}\"; filename*=UTF-8''{quote(filename, safe='')}"

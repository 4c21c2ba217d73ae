"""Every file the product exports (CSV and XLSX) writes its cells through ``cell``: text that a
spreadsheet would run as a formula is neutralised, times are local, labels are translated.
A report is a list of sections (title, header, rows)."""

import csv
import datetime
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.functional import Promise

Section = tuple[str, list, Iterable[list]]

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


def sections_to_xlsx(sections: Iterable[Section]) -> bytes:
    """One worksheet per section (titles cut to Excel's 31 characters), written in streaming mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sections:
        sheet = workbook.create_sheet(sheet_title(title))
        sheet.append(cells(header))
        for row in rows:
            sheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(title) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    return "".join("_" if char in "[]:*?/\\" else char for char in str(title))[:31]

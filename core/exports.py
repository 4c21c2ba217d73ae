"""Report exports shared by every app: a report is a list of sections (title, header, rows)."""

import io
from collections.abc import Iterable

Section = tuple[str, list, Iterable[list]]


def sections_to_xlsx(sections: Iterable[Section]) -> bytes:
    """One worksheet per section (titles cut to Excel's 31 characters), written in streaming mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sections:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

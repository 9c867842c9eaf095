"""Downloads of a header + rows table: CSV for tools, XLSX for spreadsheets.

CSV choices, made once: UTF-8 with a byte order mark (so that Excel reads the accents), `;` as
separator (what a French spreadsheet expects), and a **dot** as decimal mark (42.5), the form
every program parses; the unit is in each column name (h, %). Dates are ISO (2026-10-25). The
XLSX file holds real numbers and dates, so the spreadsheet shows them the local way.

Text cells are protected against formula injection: a place or resource name is typed by people,
and a value such as `=HYPERLINK(…)` must stay text. CSV prefixes such values with an apostrophe
(OWASP advice); XLSX stores them as plain strings.
"""

import csv
import io
from collections.abc import Sequence
from datetime import date

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_filename(name: str, first_day: date, last_day: date, extension: str) -> str:
    """occupation-<slug>-<début>-<fin>.<ext>, ASCII only so every browser keeps it as is."""
    slug = slugify(name) or "export"
    return f"occupation-{slug}-{first_day.isoformat()}-{last_day.isoformat()}.{extension}"


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return str(value)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(header: Sequence[str], rows: Sequence[Sequence], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    body = "\ufeff" + buffer.getvalue()
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_response(
    header: Sequence[str],
    rows: Sequence[Sequence],
    filename: str,
    title: str = "Chiffres",
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for column, value in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column, value=value)
        cell.font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    for column_cells in sheet.iter_cols(min_row=1, max_row=1):
        letter = column_cells[0].column_letter
        sheet.column_dimensions[letter].width = max(12, min(40, len(str(column_cells[0].value))))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)

"""Tables as downloads: CSV for tools, XLSX for spreadsheets, shared by every app that exports.

CSV choices, made once: UTF-8 with a byte order mark (so that Excel reads the accents), `;` as
separator (what a French spreadsheet expects), and a **dot** as decimal mark (42.5), the form
every program parses; the unit is in each column name (h, %). Dates are ISO (2026-10-25). The
XLSX file holds real numbers and dates, so the spreadsheet shows them the local way.

Text cells are protected against formula injection: a place or resource name is typed by people,
and a value such as `=HYPERLINK(…)` must stay text. Every CSV the platform writes goes through
`csv_cell` (here and in the open-data exports): a text starting with `=`, `+`, `-`, `@`, a tab
or a carriage return gets an apostrophe in front (OWASP advice), unless it is a plain number
(`-1.5`, `+33231000000`): a spreadsheet reads those as numbers, never as formulas, and data
files must keep them (a negative longitude, a phone number in the national schema's `+33…` form).
XLSX stores text as plain strings.
"""

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed decimal number, dot or comma, with an optional exponent: data, not a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Sheet:
    """One table of a workbook: a title (31 characters at most in XLSX), a header and rows.

    `column_formats` (per column) or else `row_formats` (per data row) give an Excel number
    format for the numbers of that column or row (`"#,##0"`: integers shown, the full value
    kept in the cell); None or missing: the spreadsheet's default.
    """

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence]
    column_formats: Sequence[str | None] = ()
    row_formats: Sequence[str | None] = ()


def _number_format(sheet: Sheet, row: int, column: int) -> str | None:
    """The number format of a data cell (0-based row and column), if the sheet gives one."""
    if column < len(sheet.column_formats) and sheet.column_formats[column]:
        return sheet.column_formats[column]
    if row < len(sheet.row_formats):
        return sheet.row_formats[row]
    return None


def neutralise_formula(text: str) -> str:
    """The text a spreadsheet shows as text: `=1+2` → `'=1+2`; `-1.5` and `+33231000000` stay."""
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore_formula(text: str) -> str:
    """The inverse of `neutralise_formula`, for importers reading our own CSV files back.

    A text typed with an apostrophe before `=`… on purpose comes back without it: a rare loss,
    accepted so that a neutralised `=` or `-` never grows an apostrophe at each round trip.
    """
    if text.startswith("'") and neutralise_formula(text[1:]) == text:
        return text[1:]
    return text


def csv_cell(value) -> str:
    """One CSV cell: "" for None, ISO dates, numbers as Python writes them, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)


def csv_lines(
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    delimiter: str = ";",
    lineterminator: str = "\r\n",
) -> Iterator[str]:
    """The CSV text one line at a time (a download can stream it), every cell via `csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    for row in itertools.chain([header], rows):
        writer.writerow([csv_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    return ("\ufeff" + "".join(csv_lines(header, rows))).encode("utf-8")


def xlsx_text_cell(sheet, row: int, column: int, value: str):
    """A typed text in a worksheet: always a string cell, never a formula, whatever it starts
    with; XML 1.0 forbids most control characters, so a stray one in a name must not make the
    whole workbook fail."""
    cell = sheet.cell(row=row, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_data in sheets:
        sheet = workbook.create_sheet(sheet_data.title[:31])
        for column, value in enumerate(sheet_data.header, start=1):
            cell = sheet.cell(row=1, column=column, value=value)
            cell.font = Font(bold=True)
        for row_number, row in enumerate(sheet_data.rows, start=2):
            for column, value in enumerate(row, start=1):
                if isinstance(value, str):
                    xlsx_text_cell(sheet, row_number, column, value)
                    continue
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    shown = _number_format(sheet_data, row_number - 2, column - 1)
                    if shown:
                        cell.number_format = shown
        sheet.freeze_panes = "A2"
        for column_cells in sheet.iter_cols(min_row=1, max_row=1):
            letter = column_cells[0].column_letter
            width = max(12, min(40, len(str(column_cells[0].value))))
            sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(header: Sequence[str], rows: Sequence[Sequence], filename: str) -> HttpResponse:
    return attachment(csv_bytes(header, rows), CSV_TYPE, filename)


def xlsx_response(
    header: Sequence[str], rows: Sequence[Sequence], filename: str, title: str = "Chiffres"
) -> HttpResponse:
    return attachment(xlsx_bytes([Sheet(title, header, rows)]), XLSX_TYPE, filename)

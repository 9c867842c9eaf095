"""A survey export as a table: CSV through the directory import's reader
(`places.opendata.reading`: BOM, encodings, `;` or `,`, quoted commas), XLSX through openpyxl
(first sheet, values as displayed numbers: 14000.0 → « 14000 »), header on row 1 or 2 (some tools
write a title or the question above the sub-answers: the row naming the most fields wins)."""

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from maillage.demand.survey_mapping import header_score
from maillage.places.opendata.reading import ImportFileError, read_table

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_ROWS_TRIED = 2


@dataclass(frozen=True)
class SurveyTable:
    detected: str  # what was read, in French
    header_line: int  # line (CSV) or row (XLSX) of the header
    columns: list[str]
    rows: list[list[str]]
    lines: list[int]  # line or row number of each answer in the file


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(content: bytes) -> tuple[list[list[str]], list[int], str]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(
            "Classeur Excel illisible : enregistrez-le à nouveau en XLSX ou en CSV."
        ) from error
    try:
        sheet = book.worksheets[0]
        rows, lines = [], []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(value) for value in values]
            if any(cells):
                rows.append(cells)
                lines.append(number)
            if len(rows) > MAX_ROWS + HEADER_ROWS_TRIED:
                raise ImportFileError(f"Trop de lignes : {MAX_ROWS} réponses au plus.")
        title = sheet.title
    finally:
        book.close()
    return rows, lines, f"classeur Excel (XLSX), feuille « {title} »"


def _columns(header: list[str], width: int) -> list[str]:
    columns, seen = [], set()
    for index, name in enumerate(header + [""] * (width - len(header)), start=1):
        column = name or f"colonne {index}"
        if column in seen:
            column = f"{column} ({index})"
        seen.add(column)
        columns.append(column)
    return columns


def survey_table(content: bytes, *, filename: str = "") -> SurveyTable:
    """The answers of a CSV or XLSX export; `ImportFileError` (French) if the file is unusable."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            f"Fichier trop volumineux ({len(content) / 1_000_000:.1f} Mo) : 5 Mo au plus."
        )
    if not content.strip():
        raise ImportFileError("Le fichier est vide.")
    if content.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        raw, lines, detected = _read_xlsx(content)
    else:
        table = read_table(content, filename=filename or "enquete.csv", has_header=False)
        if table.kind != "csv":
            raise ImportFileError("Attendu : un fichier CSV ou un classeur XLSX d'enquête.")
        raw, lines = table.rows, table.lines
        detected = (
            f"CSV, encodage {table.encoding}, séparateur « {table.delimiter} », "
            f"fins de ligne {table.line_ending}"
        )
    if len(raw) < 2:
        raise ImportFileError("Aucune réponse : il faut une ligne d'en-tête et des réponses.")
    scores = [header_score(raw[i]) for i in range(min(HEADER_ROWS_TRIED, len(raw) - 1))]
    header_index = scores.index(max(scores))
    width = max(len(row) for row in raw)
    body = raw[header_index + 1 :]
    if len(body) > MAX_ROWS:
        raise ImportFileError(f"Trop de lignes : {MAX_ROWS} réponses au plus.")
    rows = [(row + [""] * width)[:width] for row in body]
    return SurveyTable(
        detected=f"{detected} · en-tête en ligne {lines[header_index]} · {len(rows)} réponses",
        header_line=lines[header_index],
        columns=_columns(raw[header_index], width),
        rows=rows,
        lines=lines[header_index + 1 :],
    )

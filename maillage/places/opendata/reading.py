"""Any directory file as a table of text cells: what the import page shows and the mapping reads.

CSV (UTF-8 with or without BOM, or Windows-1252/Latin-1; `,` `;` tab or `|`; CRLF or LF; with or
without a header row), a JSON list of objects, GeoJSON, or an Overpass (OpenStreetMap) export.
What was detected is said in French, so the user can check it before mapping columns.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from maillage.core.tables import restore_formula
from maillage.places.opendata.columns import looks_like_header

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
_DELIMITERS = [",", ";", "\t", "|"]
_DELIMITER_NAMES = {
    ",": "virgule",
    ";": "point-virgule",
    "\t": "tabulation",
    "|": "barre verticale",
}


class ImportFileError(ValueError):
    """The whole file is unusable (unreadable, empty, too large); message in French."""


@dataclass
class Table:
    kind: str  # csv, json, geojson, overpass
    encoding: str
    delimiter: str | None
    line_ending: str
    has_header: bool
    keys: list[str]  # column keys: header names, or "#1", "#2"… without a header
    rows: list[list[str]]
    lines: list[int]  # line number in the file (CSV) or position (JSON) of each row
    notes: list[str] = field(default_factory=list)

    def detected_fr(self) -> str:
        parts = [{"csv": "CSV", "json": "JSON", "geojson": "GeoJSON", "overpass": "Overpass"}[
            self.kind
        ]]  # fmt: skip
        parts.append(f"encodage {self.encoding}")
        if self.delimiter:
            parts.append(f"séparateur {_DELIMITER_NAMES[self.delimiter]} « {self.delimiter} »")
            parts.append(f"fins de ligne {self.line_ending}")
            parts.append("ligne d'en-tête" if self.has_header else "sans ligne d'en-tête")
        parts.append(f"{len(self.rows)} lignes, {len(self.keys)} colonnes")
        return " · ".join(parts)

    @staticmethod
    def column_label(key: str) -> str:
        return f"colonne {key[1:]}" if key.startswith("#") else key


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "UTF-8 avec BOM"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace"), "Latin-1 (Windows-1252)"


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the most equal, largest number of cells."""
    sample = "\n".join(text.splitlines()[:20])
    best, best_score = ",", -1.0
    for candidate in _DELIMITERS:
        counts = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=candidate) if row]
        if not counts or max(counts) < 2:
            continue
        steady = counts.count(max(set(counts), key=counts.count)) / len(counts)
        score = steady * 10 + min(max(counts), 60) / 60
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_table(content: bytes, *, filename: str = "", has_header: bool | None = None) -> Table:
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            f"Fichier trop volumineux ({len(content) // 1_000_000} Mo) : 20 Mo au plus."
        )
    if not content.strip():
        raise ImportFileError("Le fichier est vide.")
    text, encoding = _decode(content)
    if "\x00" in text:
        raise ImportFileError(
            "Ce fichier n'est pas un fichier texte (un classeur Excel ?) : enregistrez-le en CSV."
        )
    stripped = text.lstrip()
    if stripped[:1] in "[{" or filename.lower().endswith((".json", ".geojson")):
        return _read_json(text, encoding)
    return _read_csv(text, encoding, has_header)


def _read_csv(text: str, encoding: str, has_header: bool | None) -> Table:
    line_ending = "CRLF" if "\r\n" in text[:10_000] else "LF"
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    raw: list[tuple[int, list[str]]] = []
    line = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            raw.append((line, [restore_formula(cell.strip()) for cell in cells]))
        line = reader.line_num + 1
        if len(raw) > MAX_ROWS + 1:
            raise ImportFileError(f"Trop de lignes : {MAX_ROWS} au plus par fichier.")
    if not raw:
        raise ImportFileError("Aucune ligne lisible dans ce fichier.")
    width = max(len(cells) for _, cells in raw)
    if has_header is None:
        has_header = looks_like_header(raw[0][1], [cells for _, cells in raw[1:21]])
    notes = []
    if has_header:
        header = raw[0][1] + [""] * (width - len(raw[0][1]))
        keys, seen = [], set()
        for index, name in enumerate(header, start=1):
            key = name or f"#{index}"
            if key in seen:
                key = f"{key} ({index})"
            seen.add(key)
            keys.append(key)
        body = raw[1:]
    else:
        keys = [f"#{index}" for index in range(1, width + 1)]
        body = raw
    rows, lines = [], []
    for line_number, cells in body:
        if len(cells) > len(keys) and any(cells[len(keys) :]):
            notes.append(
                f"ligne {line_number} : {len(cells)} cellules pour {len(keys)} colonnes, "
                "les cellules en trop sont ignorées."
            )
        rows.append((cells + [""] * len(keys))[: len(keys)])
        lines.append(line_number)
    return Table("csv", encoding, delimiter, line_ending, has_header, keys, rows, lines, notes)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "|".join(_cell(item) for item in value if item not in (None, ""))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _records_table(kind: str, encoding: str, records: list[dict]) -> Table:
    keys: list[str] = []
    for record in records:
        keys.extend(key for key in record if key not in keys)
    rows = [[_cell(record.get(key)) for key in keys] for record in records]
    lines = list(range(1, len(rows) + 1))
    return Table(kind, encoding, None, "", True, keys, rows, lines)


def _read_json(text: str, encoding: str) -> Table:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"JSON illisible : {error.msg} (ligne {error.lineno}).") from error
    if isinstance(document, dict) and isinstance(document.get("elements"), list):
        records = []
        for element in document["elements"]:
            if not isinstance(element, dict):
                continue
            centre = element.get("center") or {}
            records.append(
                {
                    "@id": f"{element.get('type')}/{element.get('id')}",
                    "@lat": element.get("lat", centre.get("lat")),
                    "@lon": element.get("lon", centre.get("lon")),
                    **(element.get("tags") or {}),
                }
            )
        kind = "overpass"
    elif isinstance(document, dict) and document.get("type") == "FeatureCollection":
        records = []
        for feature in document.get("features") or []:
            if not isinstance(feature, dict):
                continue
            properties = dict(feature.get("properties") or {})
            geometry = feature.get("geometry") or {}
            coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                properties.setdefault("longitude", coordinates[0])
                properties.setdefault("latitude", coordinates[1])
            if feature.get("id") is not None:
                properties.setdefault("id", feature["id"])
            records.append(properties)
        kind = "geojson"
    elif isinstance(document, list):
        records = [record for record in document if isinstance(record, dict)]
        kind = "json"
    else:
        raise ImportFileError(
            "JSON attendu : une liste de lieux, un GeoJSON ou un export Overpass."
        )
    if not records:
        raise ImportFileError("Aucun lieu dans ce fichier JSON.")
    if len(records) > MAX_ROWS:
        raise ImportFileError(f"Trop de lieux : {MAX_ROWS} au plus par fichier.")
    return _records_table(kind, encoding, records)

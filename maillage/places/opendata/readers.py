"""Turn an uploaded file into rows of (line number, source id, snapshot dict, row warnings).

Formats: our own export (CSV / GeoJSON / JSON), the national « médiation numérique » CSV, the CGET
2019 tiers-lieux base, and an OpenStreetMap Overpass JSON export. CSV may be UTF-8 (with or without
BOM) or Latin-1, separated by `,` or `;`; columns are mapped by name.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field


class ImportFileError(ValueError):
    """The whole file is unusable (unreadable, missing columns); message in French."""


@dataclass
class Row:
    line: int
    source_id: str
    data: dict
    warnings: list[str] = field(default_factory=list)


# Column name (lower case) → snapshot field. Our export, the national schema, CGET 2019.
COLUMN_MAP = {
    "nom": "name", "nom_tl": "name", "name": "name",
    "adresse": "address", "code_postal": "postal_code", "cp": "postal_code",
    "latitude": "latitude", "lat": "latitude", "longitude": "longitude", "long": "longitude",
    "lon": "longitude", "telephone": "phone", "courriels": "email", "courriel": "email",
    "mail": "email", "site_web": "website", "web": "website", "horaires": "opening_hours",
    "presentation_detail": "description", "presentation_resume": "description",
    "types": "kinds", "statut": "status", "date_ouverture": "opening_date",
    "postes_espace_partage": "open_space_desks", "bureaux_fermes": "private_offices",
    "postes_bureaux_fermes": "private_office_seats", "salles_reunion": "meeting_rooms",
    "salles_visio": "visio_rooms", "services": "services", "labels": "labels",
    "tarifs": "price_notes", "prix_demi_journee": "price_half_day", "prix_journee": "price_day",
    "prix_mois": "price_month", "accessibilite_fauteuil": "wheelchair",
    "accessibilite_details": "accessibility_notes",
}  # fmt: skip
ID_COLUMNS = ("id",)
IGNORED = {
    "typologie", "commune", "code_insee", "structure", "source", "date_maj", "demo", "pivot",
    "complement_adresse", "cominit", "inseecom", "nomcom", "twitter", "facebook", "geocod",
    "precision", "contact", "metro", "nommetro", "inseereg", "nomreg", "inseemetro", "inseedep",
    "nomcommetro", "popcom", "comclass", "insee_ze", "nom_ze", "class_ze", "pop_ze", "osm", "typo",
}  # fmt: skip
MULTI_VALUED_SINGLE = {"email", "website"}  # the national schema allows several; we keep the first


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _kinds_from_cget(typo: str) -> list[str]:
    typo = typo.lower()
    if "fablab" in typo:
        return ["fablab"]
    return ["coworking"] if "coworking" in typo else ["tiers-lieu"]


def _clean_value(name: str, value):
    if isinstance(value, str):
        value = value.strip()
        if name in ("postal_code",) and value in ("0", "00000"):
            return ""
        if name in MULTI_VALUED_SINGLE and "|" in value:
            value = value.split("|")[0].strip()
        if name in ("latitude", "longitude") and "," in value and "." not in value:
            value = value.replace(",", ".")
        if name == "website" and value and not re.match(r"^https?://", value):
            value = "https://" + value
    return value


def _map_record(record: dict, line: int, unknown: set[str]) -> Row:
    data: dict = {}
    source_id = ""
    for column, value in record.items():
        key = (column or "").strip().lower()
        if key in ID_COLUMNS:
            source_id = str(value or "").strip()
        elif key in COLUMN_MAP:
            data[COLUMN_MAP[key]] = _clean_value(COLUMN_MAP[key], value)
        elif key and key not in IGNORED:
            unknown.add(column)
    if "typo" in {k.lower() for k in record if k} and "kinds" not in data:
        typo = next(v for k, v in record.items() if k and k.lower() == "typo")
        data["kinds"] = _kinds_from_cget(typo or "")
    data.setdefault("kinds", ["tiers-lieu"])
    for name in ("kinds", "services", "labels"):
        if isinstance(data.get(name), str):
            data[name] = [v.strip() for v in re.split(r"[|;]", data[name]) if v.strip()]
    return Row(line=line, source_id=source_id, data=data)


def read_csv(content: bytes) -> tuple[list[Row], list[str]]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [(c or "").strip().lower() for c in reader.fieldnames or []]
    missing = []
    if not ({"nom", "nom_tl", "name"} & set(columns)):
        missing.append("nom")
    if not ({"latitude", "lat"} & set(columns)):
        missing.append("latitude")
    if not ({"longitude", "long", "lon"} & set(columns)):
        missing.append("longitude")
    if missing:
        raise ImportFileError(
            "Colonnes obligatoires absentes : "
            + ", ".join(missing)
            + f" (colonnes lues : {', '.join(columns) or 'aucune'}; séparateur « {delimiter} »)."
        )
    unknown: set[str] = set()
    rows = [_map_record(record, reader.line_num, unknown) for record in reader]
    warnings = [f"Colonnes ignorées : {', '.join(sorted(unknown))}."] if unknown else []
    return rows, warnings


def read_json(content: bytes) -> tuple[list[Row], list[str]]:
    try:
        document = json.loads(_decode(content))
    except json.JSONDecodeError as error:
        raise ImportFileError(f"JSON illisible : {error.msg} (ligne {error.lineno}).") from error
    unknown: set[str] = set()
    if isinstance(document, dict) and "elements" in document:
        return _read_overpass(document["elements"]), []
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        records = []
        for feature in document.get("features", []):
            properties = dict(feature.get("properties") or {})
            coordinates = (feature.get("geometry") or {}).get("coordinates") or [None, None]
            properties["longitude"], properties["latitude"] = coordinates[0], coordinates[1]
            properties.setdefault("id", feature.get("id", ""))
            records.append(properties)
    elif isinstance(document, list):
        records = document
    else:
        raise ImportFileError(
            "JSON attendu : une liste de lieux, un GeoJSON ou un export Overpass."
        )
    rows = [_map_record(record, index, unknown) for index, record in enumerate(records, start=1)]
    warnings = [f"Champs ignorés : {', '.join(sorted(unknown))}."] if unknown else []
    return rows, warnings


_OSM_KINDS = [
    (("amenity", "coworking_space"), "coworking"),
    (("office", "coworking"), "coworking"),
    (("leisure", "hackerspace"), "fablab"),
]


def _read_overpass(elements: list[dict]) -> list[Row]:
    rows = []
    for index, element in enumerate(elements, start=1):
        tags = element.get("tags") or {}
        center = element.get("center") or {}
        kinds = sorted({kind for (key, value), kind in _OSM_KINDS if tags.get(key) == value})
        street = " ".join(filter(None, [tags.get("addr:housenumber"), tags.get("addr:street")]))
        data = {
            "name": tags.get("name", ""),
            "latitude": element.get("lat", center.get("lat")),
            "longitude": element.get("lon", center.get("lon")),
            "kinds": kinds or ["tiers-lieu"],
            "opening_hours": tags.get("opening_hours", ""),
            "website": _clean_value(
                "website", tags.get("website", tags.get("contact:website", ""))
            ),
            "phone": tags.get("phone", tags.get("contact:phone", "")),
            "email": tags.get("email", tags.get("contact:email", "")),
            "address": street,
            "postal_code": tags.get("addr:postcode", ""),
            "wheelchair": tags.get("wheelchair", "")
            if tags.get("wheelchair") in ("yes", "limited", "no")
            else "",
        }
        rows.append(
            Row(line=index, source_id=f"{element.get('type')}/{element.get('id')}", data=data)
        )
    return rows


def read_file(content: bytes, fmt: str) -> tuple[list[Row], list[str]]:
    if fmt == "csv":
        return read_csv(content)
    if fmt in ("json", "geojson", "overpass"):
        return read_json(content)
    raise ImportFileError(f"Format inconnu : {fmt} (csv, json, geojson ou overpass).")


def guess_format(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".geojson", ".json")):
        return "json"
    raise ImportFileError("Extension attendue : .csv, .json ou .geojson.")

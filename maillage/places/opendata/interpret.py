"""One row of a mapped file → the data of a place, with every repair said and nothing guessed twice.

Cells go through `repair` (codes, phones, dates, hours…) and `vocabulary` (types, services,
labels…). A cell that cannot be repaired costs only itself, with a note, unless the place cannot
exist without it (no name); then the row carries an error and the reason for refusing it.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from maillage.places.opendata import repair
from maillage.places.opendata.columns import EXTRA, IGNORE, TARGETS
from maillage.places.opendata.reading import Table
from maillage.places.opendata.vocabulary import Vocabulary
from maillage.territory.search_names import fold_name

_TEXT_LIMITS = {
    "name": 200,
    "address": 250,
    "description": 5000,
    "price_notes": 2000,
    "accessibility_notes": 2000,
}
_COUNTS = (
    "open_space_desks",
    "private_offices",
    "private_office_seats",
    "meeting_rooms",
    "visio_rooms",
)
_PRICES = ("price_half_day", "price_day", "price_month")
_STATUS = {
    "ouvert": "ouvert", "open": "ouvert", "actif": "ouvert", "active": "ouvert", "en activite":
    "ouvert", "oui": "ouvert", "projet": "projet", "en projet": "projet", "project": "projet",
    "planned": "projet", "a venir": "projet", "ferme": "ferme", "closed": "ferme",
    "ferme definitivement": "ferme", "inactif": "ferme",
}  # fmt: skip
_PIVOT = re.compile(r"^[a-zA-Z0-9]{9,14}$")
_OSM_KIND_KEYS = ("amenity", "office", "leisure")


@dataclass
class RowDraft:
    line: int
    cells: list[str]
    source_id: str = ""
    origin: str = ""  # the file's own `source` column: who collected the place
    data: dict = field(default_factory=dict)  # snapshot-shaped, for validation.place_clean
    pivot: str = ""
    source_date: date | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)
    city: str = ""
    insee_code: str = ""
    cedex: bool = False
    notes: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.data.get("name") or "(sans nom)"

    def keep_extra(self, title: str, values: list[str]) -> None:
        bucket = self.extra.setdefault(title, [])
        bucket.extend(value for value in values if value not in bucket)


def _text(raw: str) -> str:
    return "" if repair.is_missing(raw) else " ".join(raw.split())


def _grouped(table: Table, row: list[str], mapping: dict[str, str]) -> dict[str, list[str]]:
    """Target → the row's cells mapped to it, in column order (several columns may feed one)."""
    grouped: dict[str, list[str]] = {}
    for index, key in enumerate(table.keys):
        target = mapping.get(key, IGNORE)
        if target == IGNORE or index >= len(row):
            continue
        if target == EXTRA:
            if not repair.is_missing(row[index]):
                grouped.setdefault(f"{EXTRA}:{Table.column_label(key)}", []).append(row[index])
            continue
        value = row[index]
        if target == "kinds" and key.lower() in _OSM_KIND_KEYS and value:
            value = f"{key.lower()}={value}"  # OSM: the key says as much as the value
        grouped.setdefault(target, []).append(value)
    return grouped


def interpret_row(
    table: Table, position: int, mapping: dict[str, str], vocabulary: Vocabulary
) -> RowDraft:
    row = table.rows[position]
    draft = RowDraft(line=table.lines[position], cells=row)
    cells = _grouped(table, row, mapping)

    def first(target: str) -> str:
        for value in cells.get(target, []):
            if not repair.is_missing(value):
                return value
        return ""

    def apply(target: str, function, label: str):
        raw = first(target)
        if not raw:
            return None
        try:
            result = function(raw)
        except repair.RepairError as error:
            draft.notes.append(f"{label} ignoré : {error}")
            return None
        if result.note:
            draft.notes.append(result.note)
        return result

    for key, values in cells.items():
        if key.startswith(f"{EXTRA}:"):
            draft.keep_extra(key.split(":", 1)[1], values)

    draft.source_id = _text(first("source_id"))[:120]
    draft.origin = _text(first("origin"))[:60]
    for name, limit in _TEXT_LIMITS.items():
        value = _text(first(name))
        if len(value) > limit:
            draft.notes.append(f"{TARGETS[name]} coupé à {limit} caractères.")
            value = value[:limit].rstrip()
        if value:
            draft.data[name] = value
    if not draft.data.get("description") and _text(first("description_short")):
        draft.data["description"] = _text(first("description_short"))[:5000]
    extra_address = _text(first("address_extra"))
    if extra_address:
        joined = ", ".join(filter(None, [draft.data.get("address", ""), extra_address]))
        draft.data["address"] = joined[:250]
    if not draft.data.get("name"):
        draft.errors["name"] = "nom du lieu manquant (donnez-le dans la colonne du nom)"

    pivot = re.sub(r"[\s.]", "", first("pivot"))
    if pivot and _PIVOT.match(pivot):
        draft.pivot = pivot
    elif pivot:
        draft.notes.append(
            f"identifiant de structure « {pivot} » ignoré : 9 à 14 lettres ou chiffres."
        )

    postal = apply("postal_code", repair.postal_code, "code postal")
    if postal is not None:
        draft.data["postal_code"] = postal.value
        draft.cedex = postal.cedex
    insee = apply("insee_code", repair.insee_code, "code INSEE")
    if insee is not None:
        draft.insee_code = insee.value
    draft.city = _text(first("city"))

    for axis in ("latitude", "longitude"):
        result = apply(axis, lambda raw, axis=axis: repair.coordinate(raw, axis=axis), axis)
        if result is not None and result.value is not None:
            draft.data[axis] = result.value

    for target, function in (
        ("phone", repair.phone_e164),
        ("email", repair.email),
        ("website", repair.website),
    ):
        result = apply(target, function, TARGETS[target])
        if result is not None and result.value:
            draft.data[target] = result.value

    hours_raw = first("opening_hours")
    if hours_raw:
        try:
            hours = repair.opening_hours(hours_raw)
        except repair.RepairError:
            draft.notes.append(
                f"horaires « {hours_raw[:80]} » non convertis au format OpenStreetMap : lieu "
                "importé sans horaires, texte gardé sur sa fiche"
            )
            draft.keep_extra("horaires (texte d'origine)", [hours_raw])
        else:
            draft.data["opening_hours"] = hours.value
            if hours.note:
                draft.notes.append(hours.note)

    status = _text(first("status"))
    if status:
        folded = fold_name(status)
        if folded in _STATUS:
            draft.data["status"] = _STATUS[folded]
        else:
            draft.notes.append(f"statut « {status} » non reconnu : lieu considéré comme ouvert.")
            draft.keep_extra("statut", [status])

    for target in ("opening_date", "source_date"):
        result = apply(target, repair.date, TARGETS[target])
        if result is not None and result.value is not None:
            if target == "source_date":
                draft.source_date = result.value
            else:
                draft.data[target] = result.value.isoformat()

    for target in _COUNTS:
        result = apply(target, repair.decimal_number, TARGETS[target])
        if result is not None and result.value is not None:
            if result.value < 0 or result.value != int(result.value) or result.value > 100_000:
                draft.notes.append(f"{TARGETS[target]} ignoré : nombre entier positif attendu.")
            else:
                draft.data[target] = int(result.value)
    for target in _PRICES:
        result = apply(target, repair.decimal_number, TARGETS[target])
        if result is not None and result.value is not None:
            if result.value < 0 or result.value >= 1_000_000:
                draft.notes.append(f"{TARGETS[target]} ignoré : montant hors limites.")
            else:
                draft.data[target] = f"{result.value:.2f}"

    wheelchair = _text(first("wheelchair"))
    if wheelchair:
        folded = fold_name(wheelchair)
        if folded in ("yes", "no", "limited"):
            draft.data["wheelchair"] = folded
        elif folded in ("partiel", "partielle", "partiellement", "limite", "en partie"):
            draft.data["wheelchair"] = "limited"
        else:
            try:
                answer = repair.boolean(wheelchair).value
            except repair.RepairError:
                answer = None
                draft.keep_extra("accessibilité", [wheelchair])
            if answer is not None:
                draft.data["wheelchair"] = "yes" if answer else "no"

    structure = _text(first("structure"))
    if structure:
        draft.keep_extra("structure gestionnaire", [structure])

    kinds = [v for cell in cells.get("kinds", []) for v in repair.multi_values(cell)]
    typologie = [v for cell in cells.get("typologie", []) for v in repair.multi_values(cell)]
    if kinds and typologie:
        # Our kinds say more than the national typology (TIERS_LIEUX for every tiers-lieu):
        # the typology is kept as the source said it, for the national export.
        draft.keep_extra("typologie", typologie)
        typologie = []
    mapped = vocabulary.map(
        kinds=kinds,
        typologie=typologie,
        services=[v for cell in cells.get("services", []) for v in repair.multi_values(cell)],
        labels=[v for cell in cells.get("labels", []) for v in repair.multi_values(cell)],
        publics=[v for cell in cells.get("publics", []) for v in repair.multi_values(cell)],
        access=[v for cell in cells.get("access", []) for v in repair.multi_values(cell)],
    )
    draft.data["kinds"] = mapped.kinds
    draft.data["services"] = mapped.services
    draft.data["labels"] = mapped.labels
    for title, values in mapped.unmatched.items():
        draft.keep_extra(title, values)
    draft.notes.extend(mapped.notes)
    return draft

"""Import of a directory file: read → map columns → repair → place → match → dry run → write.

A dry run writes nothing and says, row by row, what would happen and why. A real run is all or
nothing by default; with `skip_invalid` the valid rows are imported and the refused ones can be
downloaded with their reason, fixed and imported again. A match never overwrites what a place's
team or the coordination curated: the differences become a proposal in the moderation queue.
"""

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.audit.services import audit_record
from maillage.core.geo import haversine_km
from maillage.core.tables import neutralise_formula
from maillage.places.models import ImportMapping, Place, PlaceVersion
from maillage.places.opendata.columns import guess_mapping, mapping_errors
from maillage.places.opendata.geocoding import Geocoder, default_geocoder
from maillage.places.opendata.interpret import RowDraft, interpret_row
from maillage.places.opendata.placing import Placer
from maillage.places.opendata.reading import ImportFileError, Table, read_table
from maillage.places.opendata.vocabulary import Vocabulary
from maillage.places.services import (
    Provenance,
    place_import_create,
    place_import_update,
    proposal_submit,
)
from maillage.places.snapshots import FIELD_LABELS, place_snapshot
from maillage.places.validation import CleanPlace, catalogue_load, place_clean
from maillage.territory.gazetteer import Gazetteer
from maillage.territory.models import Commune
from maillage.territory.search_names import fold_name

__all__ = ["ImportFileError", "ImportReport", "places_import", "prepare"]

DUPLICATE_DISTANCE_KM = 0.2
IMPORT_COMMENT = "Import "

CREATE, UPDATE, UNCHANGED, MERGED, PROPOSAL, REFUSED = (
    "creer", "mettre_a_jour", "inchange", "fusionne", "proposition", "refuse",
)  # fmt: skip
ACTION_LABELS = {
    CREATE: "à créer",
    UPDATE: "à mettre à jour",
    UNCHANGED: "inchangé",
    MERGED: "fusionné (doublon dans le fichier)",
    PROPOSAL: "proposition à la modération",
    REFUSED: "refusé",
}
DONE_LABELS = {  # the same, once written
    CREATE: "créés",
    UPDATE: "mis à jour",
    UNCHANGED: "inchangés",
    MERGED: "fusionnés (doublons dans le fichier)",
    PROPOSAL: "propositions à la modération",
    REFUSED: "refusés",
}


@dataclass
class RowOutcome:
    line: int
    name: str
    action: str
    messages: list[str] = field(default_factory=list)
    reason: str = ""  # for a refused row: what is wrong and how to fix it
    cells: list[str] = field(default_factory=list)
    commune: str = ""  # INSEE code of the commune the row was placed in

    @property
    def label(self) -> str:
        return f"ligne {self.line} « {self.name} »"


@dataclass
class ImportReport:
    dry_run: bool
    detected: str = ""
    keys: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    outcomes: list[RowOutcome] = field(default_factory=list)
    file_notes: list[str] = field(default_factory=list)
    aborted: bool = False

    def _labels(self, action: str) -> list[str]:
        return [o.label for o in self.outcomes if o.action == action]

    @property
    def created(self) -> list[str]:
        return self._labels(CREATE)

    @property
    def updated(self) -> list[str]:
        return self._labels(UPDATE)

    @property
    def unchanged(self) -> list[str]:
        return self._labels(UNCHANGED)

    @property
    def proposed(self) -> list[str]:
        return self._labels(PROPOSAL)

    @property
    def merged(self) -> list[str]:
        return self._labels(MERGED)

    @property
    def rejected(self) -> list[str]:
        return [f"{o.label} : {o.reason}" for o in self.outcomes if o.action == REFUSED]

    @property
    def warnings(self) -> list[str]:
        return self.file_notes + [
            f"{o.label} : {message}" for o in self.outcomes for message in o.messages
        ]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for outcome in self.outcomes:
            counts[outcome.action] += 1
        return counts

    def labels(self) -> dict[str, str]:
        written = not self.dry_run and not self.aborted
        return DONE_LABELS if written else ACTION_LABELS

    def summary_fr(self) -> str:
        counts = self.counts()
        head = "Simulation" if self.dry_run else ("Import annulé" if self.aborted else "Import")
        lines = [
            f"{head} : "
            + ", ".join(f"{counts[action]} {label}" for action, label in self.labels().items())
            + "."
        ]
        lines += [f"  refus — {line}" for line in self.rejected]
        lines += [f"  avertissement — {line}" for line in self.warnings]
        if self.aborted:
            lines.append(
                "Rien n'a été enregistré : corrigez les lignes refusées, ou importez "
                "seulement les lignes valides."
            )
        return "\n".join(lines)

    def refused_csv(self) -> str:
        """The refused rows as they came, plus a `motif` column: fix and import again."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        header = list(self.keys) if self.keys and not self.keys[0].startswith("#") else None
        if header is not None:
            writer.writerow([*header, "motif"])
        for outcome in self.outcomes:
            if outcome.action == REFUSED:
                writer.writerow(
                    [*(neutralise_formula(cell) for cell in outcome.cells), outcome.reason]
                )
        return "\ufeff" + buffer.getvalue()

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "aborted": self.aborted,
            "detected": self.detected,
            "counts": self.counts(),
            "file_notes": self.file_notes,
            "outcomes": [
                {
                    "line": o.line,
                    "name": o.name,
                    "action": o.action,
                    "messages": o.messages,
                    "reason": o.reason,
                }
                for o in self.outcomes
            ],
        }


def _messages(error: ValidationError) -> str:
    return " ; ".join(
        f"{FIELD_LABELS.get(name, name)} — {' '.join(messages)}"
        for name, messages in error.message_dict.items()
    )


@dataclass
class _Planned:
    draft: RowDraft
    outcome: RowOutcome
    clean: CleanPlace | None = None
    target: Place | None = None
    approximate: bool = False


def prepare(
    content: bytes,
    *,
    filename: str = "",
    source: str = "",
    mapping: dict[str, str] | None = None,
    has_header: bool | None = None,
) -> tuple[Table, dict[str, str]]:
    """The file read as a table and the mapping to use: the one given, else the source's saved
    mapping when the file has its columns, else a guess."""
    saved = ImportMapping.objects.filter(source=source).first() if source else None
    if has_header is None and saved is not None and mapping is None:
        has_header = saved.has_header
    table = read_table(content, filename=filename, has_header=has_header)
    if mapping is None and saved is not None and set(saved.columns) >= set(table.keys):
        mapping = {key: saved.columns[key] for key in table.keys}
    if mapping is None:
        gazetteer = Gazetteer.load()
        mapping = guess_mapping(
            table.keys,
            table.rows,
            has_header=table.has_header,
            is_commune=lambda value: bool(gazetteer.by_name(value)),
        )
    return table, mapping


def places_import(
    *,
    content: bytes,
    source: str,
    filename: str = "",
    fmt: str = "",
    mapping: dict[str, str] | None = None,
    has_header: bool | None = None,
    dry_run: bool = True,
    skip_invalid: bool = False,
    author=None,
    geocoder: Geocoder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read, repair, place, match and (unless dry_run) write. Raises ImportFileError when the file
    as a whole cannot be used (unreadable, or the mapping lacks a name or any position)."""
    if fmt in ("json", "geojson", "overpass") and not filename:
        filename = f"fichier.{fmt}"
    table, mapping = prepare(
        content, filename=filename, source=source, mapping=mapping, has_header=has_header
    )
    problems = mapping_errors(mapping, table.keys)
    if problems:
        raise ImportFileError(" ".join(problems))
    report = ImportReport(
        dry_run=dry_run,
        detected=table.detected_fr(),
        keys=table.keys,
        mapping=mapping,
        file_notes=list(table.notes),
    )
    vocabulary = Vocabulary.load()
    catalogue = catalogue_load()
    placer = Placer(geocoder or default_geocoder())
    planned: list[_Planned] = []
    total = len(table.rows)
    for position in range(total):
        draft = interpret_row(table, position, mapping, vocabulary)
        outcome = RowOutcome(draft.line, draft.name, CREATE, list(draft.notes), cells=draft.cells)
        report.outcomes.append(outcome)
        planned.append(_Planned(draft, outcome))
    placer.prefetch([p.draft for p in planned if not p.draft.errors])
    for position, item in enumerate(planned):
        draft, outcome = item.draft, item.outcome
        if draft.errors:
            _refuse(outcome, "; ".join(draft.errors.values()))
        else:
            placement = placer.place(draft)
            outcome.messages.extend(placement.notes)
            if placement.error:
                _refuse(outcome, placement.error)
            else:
                draft.data["latitude"], draft.data["longitude"] = placement.position
                item.approximate = placement.approximate
                draft.insee_code = outcome.commune = placement.commune_code
        if progress:
            progress(position + 1, total)
    communes = {
        commune.code: commune
        for commune in Commune.objects.filter(
            code__in={p.draft.insee_code for p in planned if p.outcome.action != REFUSED}
        ).only("id", "code", "name")
    }
    _merge_duplicates(planned)
    _match_existing(planned, source)
    for item in planned:
        if item.outcome.action in (REFUSED, MERGED):
            continue
        _validate(item, communes[item.draft.insee_code], catalogue, source)
    if dry_run:
        return report
    if any(o.action == REFUSED for o in report.outcomes) and not skip_invalid:
        report.aborted = True
        return report
    _write(planned, source=source, author=author, filename=filename)
    return report


def _refuse(outcome: RowOutcome, reason: str) -> None:
    outcome.action = REFUSED
    outcome.reason = reason


def _duplicate_key(draft: RowDraft) -> tuple:
    if draft.source_id:
        return ("id", draft.source_id)
    return ("nom", fold_name(draft.data.get("name", "")), draft.insee_code)


def _merge_duplicates(planned: list[_Planned]) -> None:
    """The same place twice in one file: the later row fills what the first left empty."""
    first_of: dict[tuple, _Planned] = {}
    for item in planned:
        if item.outcome.action == REFUSED:
            continue
        key = _duplicate_key(item.draft)
        kept = first_of.get(key)
        if kept is None:
            first_of[key] = item
            continue
        filled = []
        for name, value in item.draft.data.items():
            current = kept.draft.data.get(name)
            if isinstance(value, list):
                union = list(dict.fromkeys([*(current or []), *value]))
                if union != (current or []):
                    kept.draft.data[name] = union
                    filled.append(name)
            elif current in (None, "") and value not in (None, ""):
                kept.draft.data[name] = value
                filled.append(name)
        for title, values in item.draft.extra.items():
            kept.draft.keep_extra(title, values)
        item.outcome.action = MERGED
        item.outcome.messages.append(
            f"même lieu que la ligne {kept.draft.line} : fusionnée avec elle"
            + (
                f" (complète : {', '.join(FIELD_LABELS.get(n, n) for n in filled)})"
                if filled
                else ""
            )
            + "."
        )


def _match_existing(planned: list[_Planned], source: str) -> None:
    """Identifiers first (same source and id, or our public id), then name + commune, or the same
    name within 200 m."""
    live = [p for p in planned if p.outcome.action not in (REFUSED, MERGED)]
    ids = {p.draft.source_id for p in live if p.draft.source_id}
    origins = {p.draft.origin or source for p in live}
    by_source_id = {
        (place.source, place.source_id): place
        for place in Place.objects.filter(source__in=origins, source_id__in=ids, is_demo=False)
    }
    public_ids = {_uuid_or_none(value) for value in ids} - {None}
    by_public_id = {
        str(place.public_id): place
        for place in Place.objects.filter(public_id__in=public_ids, is_demo=False)
    }
    codes = {p.draft.insee_code for p in live}
    nearby: dict[str, list[Place]] = {}
    for place in Place.objects.filter(commune__code__in=codes, is_demo=False).select_related(
        "commune"
    ):
        nearby.setdefault(fold_name(place.name), []).append(place)
    for item in live:
        draft = item.draft
        target = by_source_id.get((draft.origin or source, draft.source_id)) or by_public_id.get(
            draft.source_id.lower()
        )
        note = ""
        if target is None:
            name = fold_name(draft.data.get("name", ""))
            for place in nearby.get(name, []):
                distance = haversine_km(
                    draft.data["latitude"], draft.data["longitude"], place.latitude, place.longitude
                )
                if place.commune.code == draft.insee_code or distance <= DUPLICATE_DISTANCE_KM:
                    target = place
                    note = (
                        f"déjà dans l'annuaire : « {place.name} » ({place.commune.name}, "
                        f"{distance * 1000:.0f} m)"
                    )
                    break
        if target is not None:
            item.target = target
            if note:
                item.outcome.messages.append(note)


def _curated(place: Place, source: str) -> bool:
    """Someone else than this source's imports wrote the place: a person, or another source."""
    return (
        place.source != source
        or PlaceVersion.objects.filter(place=place)
        .exclude(comment__startswith=IMPORT_COMMENT + source)
        .exists()
    )


def _validate(item: _Planned, commune: Commune, catalogue, source: str) -> None:
    draft, outcome = item.draft, item.outcome
    data = draft.data
    if item.target is not None:
        current = place_snapshot(item.target)
        present = {name: value for name, value in data.items() if value not in (None, "", [])}
        data = {**current, **present}
        data["kinds"] = sorted({*current["kinds"], *draft.data.get("kinds", [])})
        data["services"] = sorted({*current["services"], *draft.data.get("services", [])})
        data["labels"] = sorted({*current["labels"], *draft.data.get("labels", [])})
        if item.approximate and not item.target.position_approximate:
            data["latitude"], data["longitude"] = current["latitude"], current["longitude"]
    try:
        item.clean = place_clean(data, commune=commune, catalogue=catalogue)
    except ValidationError as error:
        _refuse(outcome, _messages(error))
        return
    if item.target is None:
        outcome.action = CREATE
        return
    draft.data = data
    if _same(current, item.clean):
        outcome.action = UNCHANGED
    elif _curated(item.target, item.draft.origin or source):
        outcome.action = PROPOSAL
        outcome.messages.append(
            "ce lieu a été modifié par son équipe ou la coordination : les différences "
            "deviennent une proposition à valider"
        )
    else:
        outcome.action = UPDATE


def _same(current: dict, clean: CleanPlace) -> bool:
    for name, value in clean.values.items():
        if name == "operator":
            continue
        plain = "" if value is None else value
        if hasattr(plain, "isoformat"):
            plain = plain.isoformat()
        elif hasattr(plain, "quantize"):
            plain = f"{plain:.2f}"
        if str(current.get(name) if current.get(name) is not None else "") != str(plain):
            return False
    return all(
        current[name] == sorted(entry.slug for entry in getattr(clean, name))
        for name in ("kinds", "services", "labels")
    )


def _write(planned: list[_Planned], *, source: str, author, filename: str = "") -> None:
    with transaction.atomic():
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for item in planned:
            counts[item.outcome.action] += 1
        audit_record(
            actor=author,
            action="import.places",
            object_type="places.import",
            object_id=source,
            summary=filename or source,
            data=counts,
        )
        for item in planned:
            action, draft = item.outcome.action, item.draft
            comment = f"{IMPORT_COMMENT}{draft.origin or source}"
            provenance = Provenance(
                source=draft.origin or source,
                source_id=draft.source_id,
                source_date=draft.source_date,
                pivot=draft.pivot,
                position_approximate=item.approximate,
                extra=draft.extra,
            )
            if action == CREATE:
                place_import_create(
                    clean=item.clean,
                    provenance=provenance,
                    author=author,
                    comment=comment,
                    public_id=_uuid_or_none(draft.source_id),
                )
            elif action == UPDATE:
                place_import_update(
                    place=item.target,
                    clean=item.clean,
                    provenance=provenance,
                    author=author,
                    comment=comment,
                )
            elif action == PROPOSAL:
                if author is None:
                    item.outcome.messages.append(
                        "proposition non enregistrée : un import sans auteur ne peut pas proposer"
                    )
                    continue
                proposal_submit(user=author, data=draft.data, place=item.target, notify=False)


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except (ValueError, TypeError, AttributeError):
        return None

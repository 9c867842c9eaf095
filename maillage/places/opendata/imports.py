"""Import of places: a dry run reports, a real run writes all or nothing.

Each row goes through the same validation as the web form (`place_clean`). A row updates an existing
place when it has the same (source, id), or when a place with the same name stands within 200 m
(reported as a duplicate); otherwise it creates one.
"""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.core.geo import haversine_km
from maillage.places.models import Kind, Label, Place, Service
from maillage.places.opendata.readers import Row, read_file
from maillage.places.services import place_create, place_update
from maillage.places.snapshots import FIELD_LABELS, place_snapshot
from maillage.places.validation import place_clean
from maillage.territory.search_names import fold_name

DUPLICATE_DISTANCE_KM = 0.2


@dataclass
class ImportReport:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    aborted: bool = False

    def summary_fr(self) -> str:
        head = "Simulation" if self.dry_run else ("Import annulé" if self.aborted else "Import")
        lines = [
            f"{head} : {len(self.created)} à créer, {len(self.updated)} à mettre à jour, "
            f"{len(self.unchanged)} inchangés, {len(self.rejected)} rejetés."
            if self.dry_run
            else f"{head} : {len(self.created)} créés, {len(self.updated)} mis à jour, "
            f"{len(self.unchanged)} inchangés, {len(self.rejected)} rejetés."
        ]
        lines += [f"  rejet — {line}" for line in self.rejected]
        lines += [f"  avertissement — {line}" for line in self.warnings]
        if self.aborted:
            lines.append("Rien n'a été enregistré : corrigez les lignes rejetées, ou importez "
                         "seulement les lignes valides (--skip-invalid).")  # fmt: skip
        return "\n".join(lines)


def _messages(error: ValidationError) -> str:
    return " ; ".join(
        f"{FIELD_LABELS.get(name, name)} — {' '.join(messages)}"
        for name, messages in error.message_dict.items()
    )


def _match(row: Row, source: str, seen: list[tuple[str, float, float, Place | None]]):
    if row.source_id:
        existing = Place.objects.filter(source=source, source_id=row.source_id).first()
        if existing:
            return existing, None
        try:
            existing = Place.objects.filter(public_id=uuid.UUID(row.source_id)).first()
        except ValueError:
            existing = None
        if existing:
            return existing, None
    name = fold_name(str(row.data.get("name", "")))
    lat, lon = float(row.data["latitude"]), float(row.data["longitude"])
    for other_name, other_lat, other_lon, _ in seen:
        if (
            other_name == name
            and haversine_km(lat, lon, other_lat, other_lon) <= DUPLICATE_DISTANCE_KM
        ):
            raise ValidationError({"name": ["doublon d'une ligne précédente du fichier."]})
    nearby = Place.objects.filter(
        latitude__range=(lat - 0.003, lat + 0.003), longitude__range=(lon - 0.004, lon + 0.004)
    )
    for place in nearby:
        if (
            fold_name(place.name) == name
            and haversine_km(lat, lon, place.latitude, place.longitude) <= DUPLICATE_DISTANCE_KM
        ):
            return (
                place,
                f"ligne {row.line} : doublon de « {place.name} » "
                "(même nom à moins de 200 m), mis à jour",
            )
    return None, None


def places_import(
    *,
    content: bytes,
    fmt: str,
    source: str,
    dry_run: bool = True,
    skip_invalid: bool = False,
    author=None,
) -> ImportReport:
    """Read, validate and (unless dry_run) write. Raises ImportFileError for an unusable file."""
    rows, warnings = read_file(content, fmt)
    report = ImportReport(dry_run=dry_run, warnings=list(warnings))
    _drop_unknown_vocabulary(rows, report)
    plan: list[tuple[str, Row, Place | None]] = []
    seen: list[tuple[str, float, float, Place | None]] = []
    for row in rows:
        label = f"ligne {row.line} « {row.data.get('name') or '(sans nom)'} »"
        try:
            place_clean(row.data)
            target, duplicate_note = _match(row, source, seen)
        except ValidationError as error:
            report.rejected.append(f"{label} : {_messages(error)}")
            continue
        except (TypeError, ValueError):
            report.rejected.append(f"{label} : latitude/longitude — nombre attendu.")
            continue
        if duplicate_note:
            report.warnings.append(duplicate_note)
        seen.append(
            (
                fold_name(str(row.data["name"])),
                float(row.data["latitude"]),
                float(row.data["longitude"]),
                target,
            )
        )
        if target is None:
            report.created.append(label)
            plan.append(("create", row, None))
        elif _same(target, row):
            report.unchanged.append(label)
        else:
            report.updated.append(label)
            plan.append(("update", row, target))
    if dry_run:
        return report
    if report.rejected and not skip_invalid:
        report.aborted = True
        return report
    with transaction.atomic():
        for action, row, target in plan:
            comment = f"Import {source}"
            if action == "create":
                public_id = _uuid_or_none(row.source_id)
                place = place_create(
                    data=row.data, author=author, comment=comment, source=source,
                    source_id=row.source_id,
                )  # fmt: skip
                if public_id and not Place.objects.filter(public_id=public_id).exists():
                    Place.objects.filter(pk=place.pk).update(public_id=public_id)
            else:
                place_update(place=target, data=row.data, author=author, comment=comment)
    return report


def _drop_unknown_vocabulary(rows: list[Row], report: ImportReport) -> None:
    """Other vocabularies (the national list of médiation services…) are not ours: warn, skip."""
    known = {
        "kinds": set(Kind.objects.values_list("slug", flat=True)),
        "services": set(Service.objects.values_list("slug", flat=True)),
        "labels": set(Label.objects.values_list("slug", flat=True)),
    }
    for row in rows:
        for name, slugs in known.items():
            values = row.data.get(name) or []
            unknown = [value for value in values if value not in slugs]
            if unknown:
                row.data[name] = [value for value in values if value in slugs]
                report.warnings.append(
                    f"ligne {row.line} : {FIELD_LABELS[name]} non reconnus, ignorés : "
                    f"{', '.join(unknown)}."
                )
        if not row.data.get("kinds"):
            row.data["kinds"] = ["tiers-lieu"]


def _same(place: Place, row: Row) -> bool:
    """True when applying the row would not change the place (after validation's normalisation)."""
    current = place_snapshot(place)
    clean = place_clean({**current, **row.data})
    return all(
        str(current.get(name) if current.get(name) is not None else "") == str(_plain(value))
        for name, value in clean.values.items()
        if name != "operator"
    ) and all(
        current[name] == sorted(entry.slug for entry in getattr(clean, name))
        for name in ("kinds", "services", "labels")
    )


def _plain(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "quantize"):
        return f"{value:.2f}"
    return value


def _uuid_or_none(text: str):
    try:
        return uuid.UUID(text)
    except (ValueError, TypeError):
        return None

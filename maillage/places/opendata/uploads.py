"""The web import's steps as services: upload → choose the mapping → dry run → import.

The file waits in the database between requests (`PlaceImport`); only the coordination imports
(an import publishes places on the shared map at once).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.places.models import PlaceImport
from maillage.places.opendata.columns import TARGETS, mapping_errors
from maillage.places.opendata.imports import ImportReport, places_import, prepare
from maillage.places.opendata.reading import MAX_BYTES, ImportFileError, Table
from maillage.places.permissions import can_moderate
from maillage.places.services import import_mapping_save

KEEP_UPLOADS = timedelta(days=30)


def _require_coordinator(user) -> None:
    if not can_moderate(user):
        raise PermissionDenied("Seule la coordination du réseau importe des lieux.")


def place_import_upload(*, user, filename: str, content: bytes, source: str) -> PlaceImport:
    """Keep the file for the next steps once it proved readable. French ValidationError else."""
    _require_coordinator(user)
    source = " ".join(source.split())[:60]
    errors: dict[str, list[str]] = {}
    if not source:
        errors["source"] = ["Nommez la source (ex. « carte régionale 2024 », « osm »)."]
    if len(content) > MAX_BYTES:
        errors["fichier"] = ["Fichier trop volumineux : 20 Mo au plus."]
    elif not content:
        errors["fichier"] = ["Choisissez un fichier à importer."]
    if not errors:
        try:
            table, mapping = prepare(content, filename=filename, source=source)
        except ImportFileError as error:
            errors["fichier"] = [str(error)]
    if errors:
        raise ValidationError(errors)
    return PlaceImport.objects.create(
        created_by=user,
        filename=filename[:200] or "fichier",
        content=content,
        source=source,
        columns=mapping,
        has_header=table.has_header,
    )


def place_import_table(upload: PlaceImport) -> Table:
    table, _ = prepare(
        bytes(upload.content),
        filename=upload.filename,
        mapping=upload.columns,
        has_header=upload.has_header,
    )
    return table


def place_import_configure(
    *, user, upload: PlaceImport, columns: dict[str, str], has_header: bool
) -> PlaceImport:
    """Record the mapping the user chose; a changed header choice starts from a fresh guess."""
    _require_coordinator(user)
    if has_header != upload.has_header:
        _, columns = prepare(bytes(upload.content), filename=upload.filename, has_header=has_header)
    upload.has_header = has_header
    upload.columns = columns
    keys = place_import_table(upload).keys
    upload.columns = {
        key: columns[key] if columns.get(key) in TARGETS else "ignorer" for key in keys
    }
    upload.report = {}
    upload.save(update_fields=["columns", "has_header", "report", "updated_at"])
    problems = mapping_errors(upload.columns, keys)
    if problems:
        raise ValidationError({"colonnes": problems})
    return upload


def place_import_run(
    *, user, upload: PlaceImport, dry_run: bool, skip_invalid: bool = False,
    save_mapping: bool = False,
) -> ImportReport:  # fmt: skip
    """Simulate, or import. An import that wrote is closed: running it again is refused."""
    _require_coordinator(user)
    with transaction.atomic():
        locked = PlaceImport.objects.select_for_update().get(pk=upload.pk)
        if locked.status != PlaceImport.Status.UPLOADED:
            raise ValidationError({"fichier": ["Ce fichier a déjà été importé."]})
        report = places_import(
            content=bytes(locked.content),
            filename=locked.filename,
            source=locked.source,
            mapping=locked.columns,
            has_header=locked.has_header,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            author=user,
        )
        locked.report = report.as_json()
        fields = ["report", "updated_at"]
        if not dry_run and not report.aborted:
            locked.status = PlaceImport.Status.DONE
            fields.append("status")
        locked.save(update_fields=fields)
    if save_mapping and not report.aborted:
        import_mapping_save(
            source=locked.source, columns=locked.columns, has_header=locked.has_header, user=user
        )
    upload.refresh_from_db()
    return report


def place_import_refused_csv(*, user, upload: PlaceImport) -> str:
    """The refused rows of a fresh dry run, as they came plus a reason: fix and import again."""
    _require_coordinator(user)
    report = places_import(
        content=bytes(upload.content),
        filename=upload.filename,
        source=upload.source,
        mapping=upload.columns,
        has_header=upload.has_header,
        dry_run=True,
    )
    return report.refused_csv()


def place_imports_purge(*, now=None) -> int:
    """Uploads may hold personal contact data: forget them after KEEP_UPLOADS (RGPD)."""
    limit = (now or timezone.now()) - KEEP_UPLOADS
    deleted, _ = PlaceImport.objects.filter(updated_at__lt=limit).delete()
    return deleted

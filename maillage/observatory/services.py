"""Writes of the observatory: INSEE imports, users' saved scenarios and studies."""

import csv
import re
import zipfile
import zlib
from dataclasses import replace
from datetime import date
from typing import BinaryIO

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.observatory import scenarios as scenarios_mod
from maillage.observatory.errors import ImportFileError, ScenarioError
from maillage.observatory.imports import activity, employment, mobpro, reading
from maillage.observatory.imports.reference import (
    commune_centroids,
    commune_reference,
    loaded_commune_codes,
)
from maillage.observatory.models import (
    RESERVED_SCENARIO_NAMES,
    CensusImport,
    CommuneActivity,
    CommuneCommute,
    CommuneEmployment,
    SavedScenario,
    SavedStudy,
)
from maillage.observatory.pcs import PCS_COUNT
from maillage.observatory.study import checks as study_checks
from maillage.observatory.study import document as study_document
from maillage.observatory.study.document import StudyInvalid
from maillage.places.permissions import is_coordinator

BATCH_SIZE = 2000
SCENARIO_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SAVE_ATTEMPTS = 3


# How each kind's data CSV is told apart from the metadata CSV beside it in an INSEE archive.
_DATA_HEADER = {
    CensusImport.Kind.ACTIVITY: activity.is_activity_header,
    CensusImport.Kind.EMPLOYMENT: employment.is_employment_header,
    CensusImport.Kind.MOBPRO: mobpro.is_mobpro_header,
}

# What a damaged or foreign file raises while being read (zip, deflate, csv, encryption).
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    csv.Error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
)


def census_import(
    *,
    kind: str,
    file: BinaryIO,
    filename: str,
    user: AbstractBaseUser | None = None,
    allow_unknown: bool = False,
    progress: reading.Progress | None = None,
) -> CensusImport:
    """Import an INSEE file (`kind` « activite », « emploi » or « mobpro »), all or nothing.

    The whole file is read and checked before anything is written; any problem raises
    `ImportFileError` (French message naming the column) and nothing is stored. Side effects:
    one `CensusImport` row and one `CommuneActivity`, `CommuneEmployment` or `CommuneCommute`
    row per commune, in one transaction; the new import becomes the one the observatory uses
    for its kind. `progress(label, done, total)` is called while reading (bytes) and writing
    (communes).
    """
    if kind not in CensusImport.Kind.values:
        raise ImportFileError(
            "kind",
            f"Type de fichier inconnu : « {kind} » ; choisir « activite » (activité des "
            "résidents), « emploi » (caractéristiques de l'emploi) ou « mobpro » (mobilités "
            "professionnelles).",
        )
    try:
        source = reading.open_csv(file, filename, wanted=_DATA_HEADER[kind])
        reference = commune_reference()
        if kind == CensusImport.Kind.ACTIVITY:
            table = activity.read_activity(
                source, reference=reference, allow_unknown=allow_unknown, progress=progress
            )
        elif kind == CensusImport.Kind.EMPLOYMENT:
            table = employment.read_employment(
                source, reference=reference, allow_unknown=allow_unknown, progress=progress
            )
        else:
            table = mobpro.read_mobpro(
                source,
                reference=reference,
                centroids=commune_centroids,
                allow_unknown=allow_unknown,
                progress=progress,
            )
    except UNREADABLE as error:
        # A damaged zip or a malformed CSV line is the file's fault, not a server error.
        raise ImportFileError(
            "file", f"Le fichier « {filename} » est illisible ({error}) : le télécharger à nouveau."
        ) from error
    latest = CensusImport.objects.filter(kind=kind).order_by("-imported_at", "-id").first()
    if latest is not None and latest.sha256 == source.sha256:
        raise ImportFileError(
            "file",
            f"Ce fichier est déjà l'import en usage (importé le "
            f"{timezone.localtime(latest.imported_at):%d/%m/%Y à %H:%M}) : rien à refaire.",
        )
    loaded = loaded_commune_codes()
    with transaction.atomic():
        record = CensusImport.objects.create(
            kind=kind,
            vintage=table.vintage,
            layout=table.layout,
            filename=_shown_name(filename, source.name),
            sha256=source.sha256,
            rows=table.rows,
            communes_stored=len(table.codes),
            unknown_communes=table.unknown,
            outside_territories=sum(code not in loaded for code in table.codes),
            repaired_codes=table.repairs.count if table.repairs else 0,
            imported_by=user,
        )
        if kind == CensusImport.Kind.ACTIVITY:
            _insert(CommuneActivity, _activity_rows(record, table), progress)
        elif kind == CensusImport.Kind.EMPLOYMENT:
            _insert(CommuneEmployment, _employment_rows(record, table), progress)
        else:
            _insert(CommuneCommute, _commute_rows(record, table), progress)
        # The import in use is the last one *finished*: stamp it just before the commit.
        record.imported_at = timezone.now()
        record.save(update_fields=["imported_at"])
        audit_record(
            actor=user,
            action="import.insee",
            obj=record,
            summary=record.filename,
            data={"kind": kind, "communes": record.communes_stored, "rows": record.rows},
        )
    return record


class ScenarioConflict(ScenarioError):
    """A save the name's other saves prevent (the name is someone else's, or the saves kept
    colliding): the API answers 409, the page shows it on the name."""


# The lengths the table takes: longer text is refused with a French message, never cut or
# left to the database (PostgreSQL raises DataError on a too-long value: a 500).
NAME_MAX_LENGTH = SavedScenario._meta.get_field("name").max_length
LABEL_MAX_LENGTH = SavedScenario._meta.get_field("label").max_length


def scenario_save(
    *, user: AbstractBaseUser | None, scenario: scenarios_mod.Scenario, today: date
) -> SavedScenario:
    """Store `scenario` under its name, as version 1 or the next version of that name.

    Validated first (`scenarios.validate` against `today`); the names of the published
    scenarios are refused, and a name must be a slug (« ma-variante-2030 ») of at most 60
    characters. The stored data carries the version given here, whatever `scenario.version`
    said. Concurrent saves of one name each get their own version (or a `ScenarioConflict`,
    never a database error): the author check and the numbering run in one transaction that
    first locks the name's oldest version (SQLite: the IMMEDIATE write lock); the first save
    of a name relies on the unique (name, version) constraint and tries again. Side effects:
    one `SavedScenario` row (versions are never edited).
    """
    name = scenario.name.strip() if isinstance(scenario.name, str) else scenario.name
    if isinstance(name, str) and name in RESERVED_SCENARIO_NAMES:
        raise ScenarioError(
            "name",
            f"Nom du scénario : « {name} » est réservé à un scénario publié ; choisir un autre "
            "nom (par exemple « " + name + "-variante »).",
        )
    if isinstance(name, str) and len(name) > NAME_MAX_LENGTH:
        raise ScenarioError(
            "name",
            f"Nom du scénario : {len(name)} caractères, c'est trop long ; au plus "
            f"{NAME_MAX_LENGTH}.",
        )
    if isinstance(name, str) and name and not SCENARIO_NAME.match(name):
        raise ScenarioError(
            "name",
            f"Nom du scénario : « {name} » n'est pas valide ; utiliser des minuscules sans "
            "accent, des chiffres et des tirets (par exemple « normandie-2030 »).",
        )
    if isinstance(scenario.label, str) and len(scenario.label) > LABEL_MAX_LENGTH:
        raise ScenarioError(
            "label",
            f"Libellé : {len(scenario.label)} caractères, c'est trop long ; au plus "
            f"{LABEL_MAX_LENGTH}.",
        )
    scenarios_mod.validate(replace(scenario, name=name, version=1), today)
    return _with_retries(
        lambda: _save_version(user, scenario, name),
        ScenarioConflict(
            "name",
            f"Nom du scénario : « {name} » est enregistré par quelqu'un d'autre au même moment ; "
            "enregistrer à nouveau dans un instant.",
        ),
    )


def _next_version(
    model: type[Model], user: AbstractBaseUser | None, name: str, *, owned: ScenarioConflict
) -> int:
    """Inside the caller's transaction: lock the name, check its author, return the next
    version (scenarios and studies: names shared by everyone, versions never edited)."""
    # Every save of a name takes the lock on the same row (its oldest version) before reading:
    # the reads below run after the lock and see every version committed before it.
    list(
        model.objects.select_for_update()
        .filter(name=name)
        .order_by("version")
        .values_list("pk", flat=True)[:1]
    )
    # Authors and numbering from ONE read: under PostgreSQL's READ COMMITTED, two statements may
    # see different committed rows (a first save of the name landing in between would let this
    # one number after it without having checked its author).
    existing = list(model.objects.filter(name=name).values_list("created_by", "version"))
    # The name belongs to the author of its first version: a version the coordination added
    # does not lock the author out of their own work.
    owner = min(existing, key=lambda row: row[1])[0] if existing else None
    if existing and owner != getattr(user, "pk", None) and not _may_edit_any(user):
        # A new version would change what « name » computes for everyone who reads it, so only
        # its author (or the coordination) may add one.
        raise owned
    return max((number for _author, number in existing), default=0) + 1


def _save_version(
    user: AbstractBaseUser | None, scenario: scenarios_mod.Scenario, name: str
) -> SavedScenario:
    """Inside the caller's transaction: the next version of the scenario `name`."""
    version = _next_version(
        SavedScenario,
        user,
        name,
        owned=ScenarioConflict(
            "name",
            f"Nom du scénario : « {name} » appartient à quelqu'un d'autre ; choisir un autre nom.",
        ),
    )
    saved = SavedScenario.objects.create(
        name=name,
        version=version,
        label=scenario.label,
        data=scenarios_mod.to_dict(replace(scenario, name=name, version=version)),
        based_on=scenario.based_on,
        created_by=user,
    )
    audit_record(actor=user, action="scenario.save", obj=saved, summary=f"{name} v{version}")
    return saved


def _with_retries(save, conflict: ScenarioConflict):
    """`save()` in a transaction; a unique-version collision (two first saves of one name) is
    tried again, then reported as `conflict`, never as a database error."""
    for _attempt in range(_SAVE_ATTEMPTS):
        try:
            with transaction.atomic():
                return save()
        except IntegrityError:
            # Another first save of this name committed version 1 meanwhile: its row now
            # exists, so the next attempt locks it and numbers after it.
            continue
    raise conflict


class StudyConflict(ScenarioConflict):
    """A study save refused because of other saves (someone else's name, a newer version
    saved since the page was opened): the API answers 409, the page shows it."""


def study_save(
    *, user: AbstractBaseUser | None, study: study_document.Study, read_version: int | None = None
) -> SavedStudy:
    """Store `study` as the next version of its name (version 1 for a new name).

    `read_version`: the version the person started from (the edit page sends it); if someone
    saved a newer one since, `StudyConflict` says so instead of silently stacking on it. The
    study is stored as `study_to_dict` writes it (already checked by `study_from_dict`).
    Checked against the loaded geography first (`StudyInvalid`, nothing stored). Concurrent
    saves: one version each or a `StudyConflict`, as for scenarios. Side effects: one
    `SavedStudy` row.
    """
    name = study.name
    # What the document cannot say about itself (unknown communes, figures above a
    # population, desks outside the perimeter): refused here, for every way in.
    problems = study_checks.study_database_errors(study)
    if problems:
        raise StudyInvalid(problems)

    def save() -> SavedStudy:
        version = _next_version(
            SavedStudy,
            user,
            name,
            owned=StudyConflict(
                "name",
                f"Nom de l'étude : « {name} » appartient à quelqu'un d'autre ; choisir un autre "
                "nom.",
            ),
        )
        if read_version == 0 and version > 1:
            raise StudyConflict(
                "name",
                f"Nom de l'étude : « {name} » existe déjà ; ouvrir cette étude pour la modifier, "
                "ou choisir un autre nom.",
            )
        if read_version is not None and version - 1 != read_version:
            raise StudyConflict(
                "name",
                f"Étude « {name} » : la version {version - 1} a été enregistrée depuis que vous "
                f"avez ouvert la version {read_version} ; rouvrir la dernière version avant "
                "d'enregistrer (vos saisies ne sont pas perdues : elles restent dans le "
                "formulaire).",
            )
        saved = SavedStudy.objects.create(
            name=name,
            version=version,
            label=study.label,
            data=study_document.study_to_dict(study),
            created_by=user,
        )
        audit_record(actor=user, action="study.save", obj=saved, summary=f"{name} v{version}")
        return saved

    return _with_retries(
        save,
        StudyConflict(
            "name",
            f"Nom de l'étude : « {name} » est enregistré par quelqu'un d'autre au même moment ; "
            "enregistrer à nouveau dans un instant.",
        ),
    )


def _may_edit_any(user: AbstractBaseUser | None) -> bool:
    return user is not None and (getattr(user, "is_staff", False) or is_coordinator(user))


def scenario_delete(*, user: AbstractBaseUser, saved: SavedScenario) -> None:
    """Delete one saved version; only its author (or staff) may. Side effects: one row deleted
    (earlier versions stay, so a name's latest version becomes the previous one)."""
    if saved.created_by_id != user.pk and not getattr(user, "is_staff", False):
        raise PermissionDenied(
            f"Seul l'auteur du scénario « {saved.name} » (version {saved.version}) peut le "
            "supprimer."
        )
    with transaction.atomic():
        audit_record(actor=user, action="scenario.delete", obj=saved, summary=saved.name)
        saved.delete()


# --- internals ---------------------------------------------------------------------------------


def _shown_name(filename: str, member: str) -> str:
    """The name a person recognises: the uploaded file, and the CSV inside when zipped."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    shown = base if base == member else f"{base} ({member})"
    return shown[: CensusImport._meta.get_field("filename").max_length]


_ACTIVITY_COLUMNS = (
    "census_import",
    "commune_code",
    *(f"working_pcs{k}" for k in range(1, PCS_COUNT + 1)),
    *(f"salaried_share_pcs{k}" for k in range(1, PCS_COUNT + 1)),
    "salaried",
    "solos",
    "car_share",
)
_COMMUTE_COLUMNS = (
    "census_import",
    "commune_code",
    "workers",
    "unplaced_workers",
    "mean_km",
    "mix",
)


def _insert(
    model: type[Model],
    rows: tuple[tuple[str, ...], list[tuple]],
    progress: reading.Progress | None,
) -> None:
    """Plain INSERTs in batches (`executemany`): `bulk_create` builds a model instance per row
    and prepares every value through the field API, twenty times slower for 35,000 communes.
    Values are already checked; the table's constraints still apply."""
    fields, values = rows
    columns = [model._meta.get_field(name).column for name in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH_SIZE):
            cursor.executemany(sql, values[start : start + BATCH_SIZE])
            if progress:
                progress("Enregistrement", min(start + BATCH_SIZE, len(values)), len(values))


def _nullable(values: np.ndarray) -> list:
    """Floats for the database, None where NaN (a figure the file does not give)."""
    return [None if np.isnan(value) else float(value) for value in np.ravel(values)]


def _activity_rows(
    record: CensusImport, table: activity.ActivityTable
) -> tuple[tuple[str, ...], list[tuple]]:
    car = _nullable(table.car_share)
    salaried, solos = _nullable(table.salaried), _nullable(table.solos)
    values = [
        (
            record.pk,
            code,
            *map(float, table.working[i]),
            *_nullable(table.salaried_share[i]),
            salaried[i],
            solos[i],
            car[i],
        )
        for i, code in enumerate(table.codes)
    ]
    return _ACTIVITY_COLUMNS, values


_EMPLOYMENT_COLUMNS = (
    "census_import",
    "commune_code",
    "salaried",
    "solos",
    "non_salaried",
    "employers",
    "car_share",
)


def _employment_rows(
    record: CensusImport, table: employment.EmploymentTable
) -> tuple[tuple[str, ...], list[tuple]]:
    optional = [
        _nullable(values) for values in (table.non_salaried, table.employers, table.car_share)
    ]
    values = [
        (
            record.pk,
            code,
            float(table.salaried[i]),
            float(table.solos[i]),
            *(column[i] for column in optional),
        )
        for i, code in enumerate(table.codes)
    ]
    return _EMPLOYMENT_COLUMNS, values


def _commute_rows(
    record: CensusImport, table: mobpro.CommuteTable
) -> tuple[tuple[str, ...], list[tuple]]:
    mix_field = CommuneCommute._meta.get_field("mix")
    values = [
        (
            record.pk,
            code,
            float(table.workers[i]),
            float(table.unplaced[i]),
            None if np.isnan(table.mean_km[i]) else float(table.mean_km[i]),
            mix_field.get_db_prep_save([float(share) for share in table.mix[i]], connection),
        )
        for i, code in enumerate(table.codes)
    ]
    return _COMMUTE_COLUMNS, values

"""Import and delete survey exports (coordination only).

An import reads every row first (commune resolution included), then writes the survey and all
its accepted answers in one transaction: each row is either imported (with the repairs made) or
listed in the report with its line, column and reason. Survey answers are confirmed demand with
no e-mail and no account (nobody to notify); a file whose commune column is not mapped, or
where no row can be imported, is refused and nothing is saved.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.demand.models import DemandStatement, SurveyImport, Willingness
from maillage.demand.survey_mapping import FIELDS, CommuneResolver, Note, parse_row
from maillage.demand.survey_reading import SurveyTable
from maillage.places.permissions import is_coordinator
from maillage.territory.models import Commune

MAX_REPORT_LINES = 1000


def _require_coordinator(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied("Seule la coordination du réseau importe des enquêtes.")


def _entry(line: int, note: Note, *, skipped: bool) -> dict:
    return {
        "ligne": line,
        "colonne": note.column,
        "motif": note.reason,
        "reparation": note.repair,
        "ecartee": skipped,
    }


def survey_import(
    *,
    user,
    name: str,
    file_name: str,
    table: SurveyTable,
    mapping: dict[str, int | None],
    now: datetime | None = None,
) -> SurveyImport:
    """Import the answers of `table` with `mapping` (field key → column index, see
    `survey_mapping.FIELDS`). French `ValidationError` when the whole file is refused."""
    _require_coordinator(user)
    now = now or timezone.now()
    name = " ".join(name.split())[:200]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["nom"] = ["Nommez l'enquête (ex. « Enquête télétravail 2026 du Bessin »)."]
    width = len(table.columns)
    for key, index in mapping.items():
        if key not in FIELDS or (index is not None and not 0 <= index < width):
            errors.setdefault(key if key in FIELDS else "__all__", []).append(
                "Colonne inconnue : choisissez une colonne du fichier."
            )
    if mapping.get("commune") is None:
        errors["commune"] = [
            "Aucune colonne de commune : choisissez la colonne qui donne la commune de "
            "résidence (nom, code postal ou code INSEE). Rien n'a été importé."
        ]
    if errors:
        raise ValidationError(errors)
    willingness_mapped = mapping.get("volonte") is not None
    resolve = CommuneResolver()
    accepted: list[tuple[int, dict]] = []
    report: list[dict] = []
    for line, cells in zip(table.lines, table.rows, strict=True):
        parsed = parse_row(cells, mapping, table.columns, resolve)
        if parsed.error:
            report.append(_entry(line, parsed.error, skipped=True))
            continue
        report.extend(_entry(line, note, skipped=False) for note in parsed.notes)
        accepted.append((line, parsed.values))
    if not accepted:
        first = "; ".join(f"ligne {e['ligne']} : {e['motif']}" for e in report[:3])
        raise ValidationError(
            {"__all__": [f"Aucune réponse importable ({first}). Rien n'a été importé."]}
        )
    if len(report) > MAX_REPORT_LINES:
        # Rows left out matter more than repairs made: they come first when the report is cut
        # (each group in file order).
        report.sort(key=lambda entry: not entry["ecartee"])
        rest = len(report) - MAX_REPORT_LINES
        report = report[:MAX_REPORT_LINES]
        report.append({"ligne": None, "colonne": "", "motif": f"… et {rest} autres remarques"})
    communes = dict(
        Commune.objects.filter(
            code__in={values["commune_code"] for _, values in accepted}
        ).values_list("code", "pk")
    )
    with transaction.atomic():
        survey = SurveyImport.objects.create(
            name=name,
            file_name=file_name[:255],
            uploaded_by=user,
            mapping={
                key: None if index is None else table.columns[index]
                for key, index in mapping.items()
            },
            rows_read=len(table.rows),
            rows_imported=len(accepted),
            report=report,
        )
        statements = []
        for _line, values in accepted:
            fields = dict(values)
            commune_id = communes[fields.pop("commune_code")]
            fields.setdefault(
                "willingness",
                Willingness.UNKNOWN if willingness_mapped else Willingness.YES,
            )
            statements.append(
                DemandStatement(
                    source=DemandStatement.Source.SURVEY,
                    survey=survey,
                    status=DemandStatement.Status.CONFIRMED,
                    confirmed_at=now,
                    commune_id=commune_id,
                    notify_opening=False,
                    **fields,
                )
            )
        DemandStatement.objects.bulk_create(statements, batch_size=1000)
        audit_record(
            actor=user,
            action="demand.survey_import",
            obj=survey,
            summary=f"Enquête importée : {len(accepted)} réponses sur {len(table.rows)}",
            data={"rows_read": len(table.rows), "rows_imported": len(accepted)},
        )
    return survey


def survey_delete(*, user, survey: SurveyImport) -> int:
    """Delete a survey and its answers; the number of answers deleted."""
    _require_coordinator(user)
    with transaction.atomic():
        answers = survey.statements.count()
        audit_record(
            actor=user,
            action="demand.survey_delete",
            obj=survey,
            summary=f"Enquête supprimée avec ses {answers} réponses",
            data={"answers": answers},
        )
        survey.delete()
    return answers

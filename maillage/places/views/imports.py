"""The coordination's import page: upload → detected format → mapping with a preview → dry run
→ import (all, or the valid rows) → refused rows to download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from maillage.places import selectors
from maillage.places.models import ImportMapping
from maillage.places.opendata.columns import TARGETS
from maillage.places.opendata.imports import (
    ACTION_LABELS,
    DONE_LABELS,
    REFUSED,
)
from maillage.places.opendata.reading import MAX_BYTES, ImportFileError
from maillage.places.opendata.uploads import (
    place_import_configure,
    place_import_refused_csv,
    place_import_run,
    place_import_table,
    place_import_upload,
)
from maillage.places.permissions import can_moderate

PREVIEW_ROWS = 5
MAX_LISTED = 500


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    if not can_moderate(request.user):
        raise Http404("Page introuvable.")
    errors: dict[str, list[str]] = {}
    source = request.POST.get("source", "")
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        try:
            if upload is not None and upload.size > MAX_BYTES:
                raise ValidationError({"fichier": ["Fichier trop volumineux : 20 Mo au plus."]})
            created = place_import_upload(
                user=request.user,
                filename=upload.name if upload else "",
                content=upload.read() if upload else b"",
                source=source,
            )
            return redirect("places:import-detail", import_id=created.pk)
        except ValidationError as error:
            errors = error.message_dict
    return render(
        request,
        "places/imports/start.html",
        {
            "errors": errors,
            "source": source,
            "mappings": ImportMapping.objects.all(),
            "recent": selectors.place_imports_recent(user=request.user),
        },
        status=400 if errors else 200,
    )


def _report_context(report: dict) -> dict:
    outcomes = report.get("outcomes", [])
    written = report and not report.get("dry_run") and not report.get("aborted")
    labels = DONE_LABELS if written else ACTION_LABELS
    refused = [o for o in outcomes if o["action"] == REFUSED]
    noted = [o for o in outcomes if o["action"] != REFUSED and o["messages"]]
    return {
        "counts": [(labels[action], count) for action, count in report.get("counts", {}).items()],
        "refused": refused[:MAX_LISTED],
        "noted": noted[:MAX_LISTED],
        "refused_count": len(refused),
        "valid_count": len(outcomes) - len(refused),
        "truncated": len(refused) > MAX_LISTED or len(noted) > MAX_LISTED,
    }


@login_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    upload = selectors.place_import_get_for_user(user=request.user, import_id=import_id)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and upload.status == upload.Status.UPLOADED:
        action = request.POST.get("action", "simuler")
        try:
            if action == "simuler":
                keys = place_import_table(upload).keys
                columns = {
                    key: request.POST.get(f"colonne-{index}", "ignorer")
                    for index, key in enumerate(keys)
                }
                place_import_configure(
                    user=request.user,
                    upload=upload,
                    columns=columns,
                    has_header=request.POST.get("entete") == "oui",
                )
                place_import_run(user=request.user, upload=upload, dry_run=True)
            else:
                report = place_import_run(
                    user=request.user,
                    upload=upload,
                    dry_run=False,
                    skip_invalid=action == "importer-valides",
                    save_mapping=request.POST.get("enregistrer") == "oui",
                )
                if report.aborted:
                    errors.append(
                        "Import annulé : des lignes sont refusées. Corrigez-les ou importez "
                        "seulement les lignes valides."
                    )
                else:
                    messages.success(request, "Import terminé : les lieux sont sur la carte.")
                    return redirect("places:import-detail", import_id=upload.pk)
        except ValidationError as error:
            errors = [m for messages_ in error.message_dict.values() for m in messages_]
        except ImportFileError as error:
            errors = [str(error)]
        except PermissionDenied as error:
            raise Http404("Import introuvable.") from error
        status = 400 if errors else 200
    table = place_import_table(upload)
    columns = [
        {
            "index": index,
            "key": key,
            "label": table.column_label(key),
            "target": upload.columns.get(key, "ignorer"),
            "samples": [row[index] for row in table.rows[:PREVIEW_ROWS]],
        }
        for index, key in enumerate(table.keys)
    ]
    return render(
        request,
        "places/imports/detail.html",
        {
            "upload": upload,
            "detected": table.detected_fr(),
            "columns": columns,
            "targets": list(TARGETS.items()),
            "preview_lines": table.lines[:PREVIEW_ROWS],
            "report": upload.report,
            "errors": errors,
            **_report_context(upload.report),
        },
        status=status,
    )


@login_required
def import_refused(request: HttpRequest, import_id: int) -> HttpResponse:
    """The refused rows of the last dry run, as they came plus a reason: fix and re-import."""
    upload = selectors.place_import_get_for_user(user=request.user, import_id=import_id)
    try:
        body = place_import_refused_csv(user=request.user, upload=upload)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("places:import-detail", import_id=upload.pk)
    except PermissionDenied as error:
        raise Http404("Import introuvable.") from error
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="lignes-refusees-{stamp}.csv"'
    return response

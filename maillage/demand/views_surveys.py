"""Coordination pages of the demand: survey imports (upload → preview and column mapping →
import → report; delete) and the observatory's demand downloads.

The uploaded file waits in the cache (one hour, per account) between the upload and the import,
so the mapping can be corrected without uploading again. Other people get a 404.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from maillage.core.lookups import get_or_404
from maillage.core.tables import CSV_TYPE, XLSX_TYPE, attachment, csv_bytes, xlsx_bytes
from maillage.demand import published, survey_comparison, survey_services
from maillage.demand.models import SurveyImport
from maillage.demand.selectors import demand_table, territory_communes
from maillage.demand.survey_forms import SurveyMappingForm, SurveyUploadForm
from maillage.demand.survey_mapping import FIELDS, guess_mapping
from maillage.demand.survey_reading import SurveyTable, survey_table
from maillage.observatory import selectors as observatory_selectors
from maillage.places.opendata.reading import ImportFileError
from maillage.places.permissions import is_coordinator

STASH_SECONDS = 3600
PREVIEW_ROWS = 10


def _coordinator_or_404(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise Http404("Page réservée à la coordination du réseau.")


def _stash_key(request: HttpRequest, token: str) -> str:
    return f"demand-survey:{request.user.pk}:{token}"


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    _coordinator_or_404(request)
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["fichier"]
            content = upload.read()
            try:
                survey_table(content, filename=upload.name)
            except ImportFileError as error:
                form.add_error("fichier", str(error))
            else:
                token = secrets.token_urlsafe(16)
                cache.set(
                    _stash_key(request, token),
                    {
                        "content": content,
                        "file_name": upload.name,
                        "name": form.cleaned_data["nom"],
                    },
                    STASH_SECONDS,
                )
                return redirect("demand:survey-preview", token=token)
        status = 400
    return render(
        request,
        "demand/surveys.html",
        {"form": form, "surveys": SurveyImport.objects.order_by("-uploaded_at")[:100]},
        status=status,
    )


def _columns_view(table: SurveyTable) -> list[dict]:
    return [
        {
            "label": column,
            "samples": [row[index] for row in table.rows[:3]],
        }
        for index, column in enumerate(table.columns)
    ]


@login_required
def survey_preview(request: HttpRequest, token: str) -> HttpResponse:
    _coordinator_or_404(request)
    stash = cache.get(_stash_key(request, token[:64]))
    if stash is None:
        raise Http404("Aperçu expiré ou inconnu : déposez le fichier à nouveau.")
    table = survey_table(stash["content"], filename=stash["file_name"])
    form = SurveyMappingForm(
        request.POST or None, columns=table.columns, initial_mapping=guess_mapping(table.columns)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            survey = survey_services.survey_import(
                user=request.user,
                name=stash["name"],
                file_name=stash["file_name"],
                table=table,
                mapping=form.mapping(),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in FIELDS else None, message)
        else:
            cache.delete(_stash_key(request, token))
            messages.success(
                request,
                f"Enquête importée : {survey.rows_imported} réponses sur {survey.rows_read}.",
            )
            return redirect("demand:survey", public_id=survey.public_id)
    if request.method == "POST":
        status = 400
    return render(
        request,
        "demand/surveys_preview.html",
        {
            "form": form,
            "name": stash["name"],
            "file_name": stash["file_name"],
            "table": table,
            "columns": _columns_view(table),
            "preview": list(
                zip(table.lines[:PREVIEW_ROWS], table.rows[:PREVIEW_ROWS], strict=True)
            ),
        },
        status=status,
    )


def _survey(public_id) -> SurveyImport:
    return get_or_404(
        SurveyImport.objects.all(),
        "Aucune enquête importée avec cet identifiant.",
        public_id=public_id,
    )


@login_required
def survey_detail(request: HttpRequest, public_id) -> HttpResponse:
    _coordinator_or_404(request)
    survey = _survey(public_id)
    mapping = [
        (FIELDS[key][0], column or "— aucune —")
        for key, column in survey.mapping.items()
        if key in FIELDS
    ]
    return render(
        request,
        "demand/surveys_detail.html",
        {
            "survey": survey,
            "mapping": mapping,
            "skipped": [entry for entry in survey.report if entry.get("ecartee")],
            "repairs": [entry for entry in survey.report if not entry.get("ecartee")],
            "comparison": survey_comparison.display(
                survey_comparison.survey_comparison(survey, today=timezone.localdate())
            ),
        },
    )


@login_required
def survey_comparison_download(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """The survey's comparison with the model as CSV or XLSX (secrets left empty)."""
    _coordinator_or_404(request)
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Format inconnu : csv ou xlsx.")
    survey = _survey(public_id)
    comparison = survey_comparison.survey_comparison(survey, today=timezone.localdate())
    stem = f"enquete-{slugify(survey.name) or 'sans-nom'}-comparaison-modele"
    if fmt == "xlsx":
        return attachment(
            xlsx_bytes(survey_comparison.export_sheets(comparison)), XLSX_TYPE, f"{stem}.xlsx"
        )
    return attachment(
        csv_bytes(survey_comparison.HEADER, survey_comparison.export_rows(comparison)),
        CSV_TYPE,
        f"{stem}.csv",
    )


@login_required
@require_POST
def survey_delete(request: HttpRequest, public_id) -> HttpResponse:
    _coordinator_or_404(request)
    survey = _survey(public_id)
    name = survey.name
    answers = survey_services.survey_delete(user=request.user, survey=survey)
    messages.success(request, f"Enquête « {name} » supprimée avec ses {answers} réponses.")
    return redirect("demand:surveys")


@login_required
def observatory_download(request: HttpRequest, level: str, code: str, fmt: str) -> HttpResponse:
    """The demand table of a territory (communes and EPCI, secrets left empty)."""
    _coordinator_or_404(request)
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Format inconnu : csv ou xlsx.")
    spec, name = observatory_selectors.territory_get(level=level, code=code)
    table = demand_table(
        commune_codes=territory_communes(commune_filter=spec.commune_filter, code=code)
    )
    stem = f"demande-exprimee-{slugify(name) or code}"
    if fmt == "xlsx":
        return attachment(xlsx_bytes(published.export_sheets(table)), XLSX_TYPE, f"{stem}.xlsx")
    rows = [["commune", *row] for row in published.export_rows(table.communes)]
    rows += [["EPCI", *row] for row in published.export_rows(table.epcis)]
    return attachment(csv_bytes(["Maille", *published.HEADER], rows), CSV_TYPE, f"{stem}.csv")

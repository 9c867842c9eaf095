"""Pages of the governance sheet: the public comparison and its downloads, the history with a
readable difference per cell, the coordination's cell editor and restore, and the questionnaire.
Thin: selectors read, services write (they check the coordinator rule again), templates render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maillage.core.ratelimit import Limit, Throttled, client_ip, ratelimit_hit, throttled_response
from maillage.core.tables import CSV_TYPE, XLSX_TYPE, attachment, csv_bytes, xlsx_bytes
from maillage.governance import exports, selectors, services, sheet
from maillage.governance.errors import GovernanceError
from maillage.governance.forms import (
    QuestionnaireForm,
    RestoreForm,
    cell_form_class,
    cell_initial,
)
from maillage.places.permissions import is_coordinator

HISTORY_PAGE = 10
# The questionnaire stores nothing for anonymous people, but each post computes a ranking.
QUESTIONNAIRE_LIMIT = Limit("governance-questionnaire", attempts=120, window=3600)


def _version_context(version) -> dict:
    return {"version": version, "author": selectors.author_label(version)}


def _columns(content: dict) -> list[dict]:
    """Per model: its name, key and cells in the sheet's row order (summary, rubrics, sources)."""
    labels = sheet.dimension_labels(content)
    return [
        {
            "key": model["key"],
            "name": model["name"],
            "cells": [
                {
                    "key": key,
                    "label": label,
                    "cell": sheet.cell_get(content, f"modele.{model['key']}.{key}"),
                }
                for key, label in labels.items()
            ],
        }
        for model in content["models"]
    ]


def _matrix(content: dict) -> list[dict]:
    """The scoring matrix for the coordination: per question, per choice, per model."""
    names = sheet.model_names(content)
    return [
        {
            "key": question["key"],
            "label": question["label"],
            "rows": [
                {
                    "label": choice["label"],
                    "cells": [
                        {
                            "address": f"bareme.{question['key']}.{choice['key']}.{key}",
                            "name": name,
                            "points": choice["scores"].get(key, {}).get("points", 0),
                        }
                        for key, name in names.items()
                    ],
                }
                for choice in question["choices"]
            ],
        }
        for question in content["questions"]
    ]


def sheet_page(request: HttpRequest) -> HttpResponse:
    version = selectors.sheet_current()
    content = version.content
    columns = _columns(content)
    rows = [
        {
            "label": label,
            "key": key,
            "cells": [column["cells"][index]["cell"] for column in columns],
        }
        for index, (key, label) in enumerate(sheet.dimension_labels(content).items())
    ]
    context = _version_context(version) | {
        "columns": columns,
        "rows": rows,
        "coordinator": is_coordinator(request.user),
        "matrix": _matrix(content),
    }
    return render(request, "governance/sheet.html", context)


def sheet_export(request: HttpRequest, fmt: str) -> HttpResponse:
    version = selectors.sheet_current()
    name = f"gouvernance-v{version.number}"
    if fmt == "csv":
        body = csv_bytes(exports.MODELS_HEADER, exports.model_rows(version.content))
        return attachment(body, CSV_TYPE, f"{name}.csv")
    if fmt == "xlsx":
        return attachment(
            xlsx_bytes(exports.workbook_sheets(version.content)), XLSX_TYPE, f"{name}.xlsx"
        )
    raise Http404("Format inconnu.")


def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.sheet_versions(), HISTORY_PAGE).get_page(request.GET.get("page"))
    versions = list(page)
    numbers = [v.number - 1 for v in versions]
    previous = {v.number: v for v in selectors.sheet_versions().filter(number__in=numbers)}
    current = selectors.sheet_current()
    entries = []
    for version in versions:
        before = previous.get(version.number - 1)
        entries.append(
            _version_context(version)
            | {"changes": sheet.sheet_diff(before.content, version.content) if before else []}
        )
    context = {
        "page": page,
        "entries": entries,
        "current": current,
        "coordinator": is_coordinator(request.user),
    }
    return render(request, "governance/history.html", context)


def _coordinator(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied("La fiche de gouvernance est tenue par la coordination du réseau.")


@login_required
def cell_edit(request: HttpRequest, address: str) -> HttpResponse:
    _coordinator(request)
    current = selectors.sheet_current()
    try:
        cell = sheet.cell_get(current.content, address)
    except sheet.UnknownCell:
        raise Http404("Cette case n'existe pas.") from None
    form_class = cell_form_class(cell)
    form = form_class(request.POST or None, initial=cell_initial(cell, current.number))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                value = services.cell_value_clean(
                    cell,
                    text=data.get("value", ""),
                    points=data.get("points") or 0,
                    reason=data.get("reason", ""),
                )
                version = services.sheet_cell_update(
                    actor=request.user, base_number=data["base"], address=address, value=value
                )
            except GovernanceError as error:
                status = error.status
                if error.status == 404:
                    raise Http404(error.message) from None
                form.add_error(None if error.status == 409 else _field(form, error), error.message)
                if error.status == 409:
                    # The text typed stays in the form; the base moves to the current version so
                    # that saving again is a deliberate choice made after reading it.
                    form.data = form.data.copy()
                    form.data["base"] = str(selectors.sheet_current().number)
            else:
                messages.success(request, f"Enregistré : version {version.number} de la fiche.")
                return redirect(reverse("governance:sheet") + f"#{address.split('.')[1]}")
    context = {
        "form": form,
        "cell": cell,
        "current": selectors.sheet_current(),
        "current_text": sheet.cell_text(sheet.cell_get(selectors.sheet_current().content, address)),
    }
    return render(request, "governance/edit.html", context, status=status)


def _field(form, error: GovernanceError) -> str | None:
    return error.field if error.field in form.fields else None


@login_required
@require_POST
def restore(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Demande de restauration illisible : rien n'a changé.")
        return redirect("governance:history")
    try:
        version = services.sheet_restore(
            actor=request.user,
            base_number=form.cleaned_data["base"],
            restore_number=form.cleaned_data["version"],
        )
    except GovernanceError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        messages.error(request, error.message)
        return redirect("governance:history")
    messages.success(
        request, f"Version {version.restored_from} restaurée : c'est la version {version.number}."
    )
    return redirect("governance:history")


def questionnaire(request: HttpRequest) -> HttpResponse:
    current = selectors.sheet_current()
    form = QuestionnaireForm(request.POST or None, content=current.content)
    context = {"form": form, "current": current, "ranking": None}
    if request.method != "POST":
        return render(request, "governance/questionnaire.html", context)
    try:
        ratelimit_hit((QUESTIONNAIRE_LIMIT, client_ip(request)))
    except Throttled as throttled:
        return throttled_response(request, "governance/questionnaire.html", context, throttled)
    if not form.is_valid():
        return render(request, "governance/questionnaire.html", context, status=400)
    answers = form.answers()
    if request.POST.get("keep") and request.user.is_authenticated:
        try:
            saved = services.questionnaire_save(
                owner=request.user,
                project=form.cleaned_data["project"],
                answers=answers,
                version=current,
            )
        except GovernanceError as error:
            form.add_error(_field(form, error), error.message)
            return render(request, "governance/questionnaire.html", context, status=400)
        messages.success(request, "Questionnaire gardé dans « Mes questionnaires ».")
        return redirect("governance:saved", pk=saved.pk)
    context["ranking"] = sheet.ranking(current.content, answers)
    context["answered"] = _answered(current.content, answers)
    return render(request, "governance/questionnaire.html", context)


def _answered(content: dict, answers: dict) -> list[tuple[str, str]]:
    rows = []
    for question in content["questions"]:
        labels = {c["key"]: c["label"] for c in question["choices"]}
        rows.append((question["label"], labels[answers[question["key"]]]))
    return rows


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    saved = selectors.questionnaires_for(request.user)
    return render(request, "governance/mine.html", {"saved": saved})


@login_required
def saved_detail(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.questionnaire_for_owner(request.user, pk)
    content = saved.version.content
    context = {
        "saved": saved,
        "ranking": sheet.ranking(content, saved.answers),
        "answered": _answered(content, saved.answers),
        "outdated": saved.version.number != selectors.sheet_current().number,
    }
    return render(request, "governance/saved.html", context)


@login_required
@require_POST
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.questionnaire_for_owner(request.user, pk)
    services.questionnaire_delete(owner=request.user, saved=saved)
    messages.success(request, "Questionnaire supprimé.")
    return redirect("governance:mine")

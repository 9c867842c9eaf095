"""Studies (études): the list with the file import, the editor, the result page and its
downloads, for signed-in users (a study computes a whole territory with its bands: seconds).

The editor's rules are the study document's (`study_from_dict`): the view builds the document
from the forms, and every refusal comes back on its input. The result page answers at once
and loads its results with htmx from `study_results`, which computes the study; a study the
database refuses (unknown commune, a typed figure above a population) shows its messages with a
link to the editor, never a 500.
"""

import json
import re
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from maillage.core.tables import XLSX_TYPE, attachment
from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory import selectors, services
from maillage.observatory.models import SavedStudy
from maillage.observatory.scenarios import PUBLISHED_NAMES
from maillage.observatory.study.compute import (
    BANDED,
    FIGURES,
    FIGURES_BY_KEY,
    StudyResult,
)
from maillage.observatory.study.document import (
    LEVELS,
    StudyError,
    StudyInvalid,
    study_from_dict,
)
from maillage.observatory.study.files import study_from_file
from maillage.observatory.study.forms import (
    FORMSET_PREFIXES,
    Editor,
    UploadForm,
    editor_initial,
    embedded_scenarios,
)
from maillage.observatory.study.report import report_html
from maillage.observatory.study.results import result_to_dict
from maillage.observatory.study.running import BUSY_MESSAGE, StudyBusy, study_compute_for
from maillage.observatory.study.tables import (
    BAND_LABEL,
    UNDERSERVED_SHOWN,
    result_xlsx,
    scenario_title,
    underserved_rows,
)
from maillage.observatory.study.workbook import study_to_xlsx

MAX_VERSION = 1_000_000
VERSION_TEXT = re.compile(r"[0-9]{1,7}")  # also row counts: ASCII digits only
ROWS_SHOWN = 300  # communes of the inputs table on the page; every one is in the downloads
OFFER_SHOWN = 300
MAX_ROWS_ADDED = 200  # rows of a formset reachable by « Ajouter » (the formsets bound them too)


def _saved(name: str, version_text: str | None = None) -> SavedStudy:
    """The study `name` at the version of `?version=` (the latest without one), or a French
    404 (a version is ASCII digits: « ² » is a digit for Python, not for us)."""
    version = None
    if version_text:
        if not VERSION_TEXT.fullmatch(version_text) or not 1 <= int(version_text) <= MAX_VERSION:
            raise Http404(f"Version « {version_text[:20]} » : un numéro de version est attendu.")
        version = int(version_text)
    return selectors.study_get(name=name, version=version)


def _author(saved: SavedStudy) -> str:
    user = saved.created_by
    if user is None:
        return "compte supprimé"
    return user.display_name or user.email


@login_required
def study_list(request: HttpRequest) -> HttpResponse:
    """Saved studies (latest version of each) and the import of a study file."""
    upload = UploadForm()
    errors: list[StudyError] = []
    status = 200
    if request.method == "POST":
        upload = UploadForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                file = upload.cleaned_data["fichier"]
                study = study_from_file(file.read(), file.name)
                saved = services.study_save(user=request.user, study=study)
            except StudyInvalid as invalid:
                errors = invalid.errors
            except services.StudyConflict as conflict:
                errors = [StudyError("nom", conflict.message)]
            else:
                messages.success(
                    request, f"Étude « {saved.name} » importée (version {saved.version})."
                )
                return redirect("observatory:study", name=saved.name)
        status = 400
    studies = [
        {
            "saved": saved,
            "author": _author(saved),
            "url": reverse("observatory:study", args=[saved.name]),
        }
        for saved in selectors.studies_latest()
    ]
    return render(
        request,
        "observatory/study_list.html",
        {"studies": studies, "upload": upload, "errors": errors},
        status=status,
    )


def _save(request: HttpRequest, editor: Editor, original: SavedStudy | None) -> SavedStudy | None:
    """Check the editor's document (forms, document rules, database) and save it; None with
    every error on its input otherwise. Nothing is saved unless everything is right."""
    document = editor.document()
    if editor.has_errors():
        return None
    read_version = editor.form.cleaned_data.get("version_lue") or 0
    try:
        study = study_from_dict(document)
        if original is None or study.name != original.name:
            # A new name: a new study, which must not stack on someone's study of that name.
            read_version = 0
        return services.study_save(user=request.user, study=study, read_version=read_version)
    except StudyInvalid as invalid:
        editor.place_errors(invalid)
    except services.StudyConflict as conflict:
        editor.form.add_error("nom" if read_version == 0 else None, conflict.message)
    return None


def _editor(request: HttpRequest, original: SavedStudy | None) -> HttpResponse:
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    embedded = embedded_scenarios(original.data) if original else {}
    status = 200
    checked = False
    if request.method == "POST" and request.POST.get("ajouter") in FORMSET_PREFIXES.values():
        # « Ajouter une ligne » without JavaScript: the same input, one more empty row.
        data = request.POST.copy()
        key = f"{data['ajouter']}-TOTAL_FORMS"
        total = data.get(key, "0")
        if VERSION_TEXT.fullmatch(total) and int(total) < MAX_ROWS_ADDED:
            data[key] = str(int(total) + 1)
        editor = Editor(data, catalogue=catalogue, embedded=embedded)
    elif request.method == "POST":
        checked = True
        editor = Editor(request.POST, catalogue=catalogue, embedded=embedded)
        if editor.is_valid():
            saved = _save(request, editor, original)
            if saved is not None:
                messages.success(
                    request, f"Étude « {saved.name} » enregistrée (version {saved.version})."
                )
                return redirect("observatory:study", name=saved.name)
        status = 400
    else:
        if original is not None:
            initial = editor_initial(original.data, version=original.version)
        else:
            initial = {"form": {"version_lue": 0, "scenarios": list(PUBLISHED_NAMES)}}
        editor = Editor(catalogue=catalogue, embedded=embedded, initial=initial)
    return render(
        request,
        "observatory/study_form.html",
        {"editor": editor, "original": original, "checked": checked},
        status=status,
    )


@login_required
def study_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@login_required
def study_edit(request: HttpRequest, name: str) -> HttpResponse:
    return _editor(request, _saved(name))


def _version_query(saved: SavedStudy, latest: bool) -> str:
    return "" if latest else f"?version={saved.version}"


@login_required
def study_page(request: HttpRequest, name: str) -> HttpResponse:
    """The page shell: the study's description at once, its results loaded by htmx."""
    saved = _saved(name, request.GET.get("version"))
    latest = SavedStudy.objects.named(name).values_list("version", flat=True).first()
    query = _version_query(saved, saved.version == latest)
    return render(
        request,
        "observatory/study_page.html",
        {
            "saved": saved,
            "author": _author(saved),
            "latest": latest,
            "results_url": reverse("observatory:study-results", args=[name]) + query,
            "perimeter": _perimeter_text(saved.data),
        },
    )


def _perimeter_text(document: dict) -> str:
    perimeter = document.get("perimetre") or {}
    level = LEVELS.get(perimeter.get("echelon"), "")
    if perimeter.get("echelon") == "communes":
        count = len(perimeter.get("communes") or [])
        return f"{level} ({count} commune{'s' if count > 1 else ''})"
    return f"{level} {perimeter.get('code', '')}"


def _compute(saved: SavedStudy, user) -> StudyResult:
    """The stored study computed for `user` (one computation at a time per account)."""
    return study_compute_for(user, study_from_dict(saved.data))


def _value(key: str, value: float) -> str:
    return french_decimal(value, FIGURES_BY_KEY[key].decimals)


def _synthesis(result: StudyResult) -> list[dict]:
    """Per horizon, every figure with one value per scenario (and its P10–P90 band)."""
    horizons = []
    for year in result.study.years:
        cells = [result.cell(year, name) for name in result.scenario_names()]
        rows = []
        for figure in FIGURES:
            values = []
            for cell in cells:
                band = ""
                if figure.key in BANDED:
                    item = cell.bands[figure.key]
                    low, high = float(item.p10), float(item.p90)
                    band = f"{_value(figure.key, low)}–{_value(figure.key, high)}"
                values.append({"text": _value(figure.key, cell.totals[figure.key]), "band": band})
            rows.append(
                {
                    "key": figure.key,
                    "label": figure.label,
                    "unit": figure.unit,
                    "part": bool(figure.part_of),
                    "values": values,
                }
            )
        horizons.append(
            {
                "year": year,
                "population": french_decimal(float(result.populations[year].sum())),
                "scenarios": [scenario_title(cell) for cell in cells],
                "rows": rows,
                "summaries": [_desks_sentence(scenario_title(cell), cell.totals) for cell in cells],
                "underserved": [
                    {
                        "scenario": scenario_title(cell),
                        "rows": [
                            {
                                **item,
                                "population": french_decimal(item["population"]),
                                "unmet": french_decimal(item["unmet"]),
                                "desks": french_decimal(item["desks"]),
                            }
                            for item in underserved_rows(result, year, name)
                        ],
                    }
                    for name, cell in zip(result.scenario_names(), cells, strict=True)
                ],
            }
        )
    return horizons


def _desks_sentence(title: str, totals: dict[str, float]) -> str:
    """« Tendance prolongée : 12 postes à créer » or « … : excédent de 5 postes »."""
    to_create, surplus = totals["postes_a_creer"], totals["excedent"]
    if to_create <= 0 and surplus > 0:
        plural = "s" if round(surplus) > 1 else ""
        return f"{title} : aucun poste à créer, excédent de {french_decimal(surplus)} poste{plural}"
    plural = "s" if round(to_create) > 1 else ""
    return f"{title} : {french_decimal(to_create)} poste{plural} à créer"


def _error_context(saved: SavedStudy, errors: list[StudyError], busy: bool = False) -> dict:
    return {
        "saved": saved,
        "errors": errors,
        "busy": BUSY_MESSAGE if busy else "",
        "edit_url": reverse("observatory:study-edit", args=[saved.name]),
    }


def _results_context(saved: SavedStudy, user) -> dict:
    try:
        result = _compute(saved, user)
    except StudyInvalid as invalid:
        return _error_context(saved, invalid.errors)
    except StudyBusy:
        return _error_context(saved, [], busy=True)
    context = _error_context(saved, [])
    study = result.study
    last = study.years[-1]
    names = result.scenario_names()
    epci_sums = {name: result.epci_totals(last, name) for name in names}
    query = f"?version={saved.version}"
    context.update(
        {
            "study": study,
            "result": result,
            "band_label": BAND_LABEL,
            "underserved_shown": UNDERSERVED_SHOWN,
            "horizons": _synthesis(result),
            "last_year": last,
            "last_titles": [scenario_title(result.cell(last, name)) for name in names],
            "epcis": [
                {
                    "epci": epci,
                    "desks": [
                        french_decimal(epci_sums[name][epci.code]["postes"]) for name in names
                    ],
                }
                for epci in result.epcis
            ],
            "offer": [
                {
                    "row": row,
                    "desks": french_decimal(row.desks) if row.desks else "sans nombre de postes",
                    "status": "en projet" if row.status == "projet" else "ouvert",
                }
                for row in result.offer[:OFFER_SHOWN]
            ],
            "offer_hidden": max(0, len(result.offer) - OFFER_SHOWN),
            "inputs": [
                {
                    "row": row,
                    "population": french_decimal(row.population),
                    "working": french_decimal(row.working),
                    "solos": french_decimal(row.solos),
                    "commute": french_decimal(row.commute_km, 1),
                }
                for row in result.rows[:ROWS_SHOWN]
            ],
            "inputs_hidden": max(0, len(result.rows) - ROWS_SHOWN),
            "provenance": list(result.provenance.items()),
            "downloads": [
                (reverse("observatory:study-download", args=[saved.name, kind]) + query, label)
                for kind, (label, _make) in DOWNLOADS.items()
            ],
        }
    )
    return context


@login_required
def study_results(request: HttpRequest, name: str) -> HttpResponse:
    """The computed results: a fragment for htmx, a whole page otherwise (no JavaScript)."""
    saved = _saved(name, request.GET.get("version"))
    context = _results_context(saved, request.user)
    if request.htmx:
        # 200 even for a refused study: htmx swaps only successful answers, and the messages
        # must replace « Calcul en cours… ».
        return render(request, "observatory/study_results.html", context)
    return render(
        request,
        "observatory/study_results_page.html",
        context,
        status=429 if context["busy"] else 400 if context["errors"] else 200,
    )


# --- downloads --------------------------------------------------------------------------------


def _document_json(saved: SavedStudy, user) -> tuple[bytes, str, str]:
    body = json.dumps(saved.data, ensure_ascii=False, indent=2).encode()
    return body, "application/json; charset=utf-8", "json"


def _document_xlsx(saved: SavedStudy, user) -> tuple[bytes, str, str]:
    return study_to_xlsx(study_from_dict(saved.data)), XLSX_TYPE, "xlsx"


def _results_xlsx(saved: SavedStudy, user) -> tuple[bytes, str, str]:
    return result_xlsx(_compute(saved, user)), XLSX_TYPE, "xlsx"


def _results_json(saved: SavedStudy, user) -> tuple[bytes, str, str]:
    data = result_to_dict(_compute(saved, user))
    body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    return body, "application/json; charset=utf-8", "json"


def _report(saved: SavedStudy, user) -> tuple[bytes, str, str]:
    body = report_html(_compute(saved, user)).encode()
    return body, "text/html; charset=utf-8", "html"


DOWNLOADS: dict[str, tuple[str, Callable[..., tuple[bytes, str, str]]]] = {
    "etude-json": ("Document de l'étude (JSON)", _document_json),
    "etude-xlsx": ("Document de l'étude (XLSX, modifiable puis réimportable)", _document_xlsx),
    "resultats-xlsx": ("Résultats (XLSX)", _results_xlsx),
    "resultats-json": ("Résultats (JSON, pleine précision)", _results_json),
    "rapport": ("Rapport imprimable (HTML)", _report),
}


@login_required
def study_download(request: HttpRequest, name: str, kind: str) -> HttpResponse:
    """One file of the study: its document or its results, named after the study and version."""
    if kind not in DOWNLOADS:
        raise Http404(f"Téléchargement inconnu : « {kind[:40]} ».")
    saved = _saved(name, request.GET.get("version"))
    try:
        body, content_type, extension = DOWNLOADS[kind][1](saved, request.user)
    except StudyInvalid as invalid:
        context = _error_context(saved, invalid.errors)
        return render(request, "observatory/study_results_page.html", context, status=400)
    except StudyBusy:
        context = _error_context(saved, [], busy=True)
        return render(request, "observatory/study_results_page.html", context, status=429)
    suffix = "rapport" if kind == "rapport" else kind.split("-")[0]
    filename = f"{saved.name}-v{saved.version}-{suffix}.{extension}"
    return attachment(body, content_type, filename)

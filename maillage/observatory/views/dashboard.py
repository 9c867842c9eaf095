"""The observatory's pages for everybody: choose a territory, see its diagnosis.

Results come from public data and the public directory, so they are public. The page is usable
without JavaScript (tables, charts in SVG); the map adds the choropleth on top.
"""

from datetime import date, timedelta

import numpy as np
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from maillage.core.tables import CSV_TYPE, XLSX_TYPE, attachment, csv_bytes
from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.demand import published as demand_published
from maillage.observatory import exports, selectors
from maillage.observatory.analysis import INDICATORS, INDICATORS_BY_KEY, Analysis
from maillage.observatory.errors import french_number
from maillage.observatory.forms import AnalysisForm, bound_with_defaults
from maillage.observatory.inputs import STATUS_ESTIMATED_LABEL
from maillage.observatory.measured import measured_impacts
from maillage.observatory.model import CommuneInputs
from maillage.observatory.precision import precision_sentence
from maillage.observatory.report import desks_by_scenario_chart, unmet_text
from maillage.observatory.scenarios import PUBLISHED_NAMES
from maillage.observatory.uncertainty import (
    FIGURES,
    sensitivity,
    sensitivity_chart,
    uncertainty_bands,
)
from maillage.places.permissions import is_coordinator
from maillage.territory.models import EPCI, Departement, Region

COMMUNE_ROWS_SHOWN = 100
FORMATS = ("csv", "xlsx", "geojson")
OUTLINE_PATHS = {"region": "regions", "departement": "departements", "epci": "epci"}


def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    epcis = []
    if query:
        epcis = list(EPCI.objects.filter(name__icontains=query).order_by("name")[:30])
    return render(
        request,
        "observatory/index.html",
        {
            "regions": Region.objects.filter(departements__communes__isnull=False)
            .distinct()
            .order_by("name"),
            "departements": Departement.objects.filter(communes__isnull=False)
            .distinct()
            .order_by("code"),
            "query": query,
            "epcis": epcis,
            "can_import": is_coordinator(request.user),
        },
    )


def _scenario_choices(catalogue) -> list[tuple[str, str]]:
    return [(name, scenario.label or name) for name, scenario in catalogue.items()]


def _number(value: float, decimals: int) -> str:
    return french_decimal(value, decimals)


def _cells(values: dict[str, float]) -> list[dict]:
    return [
        {"value": values[i.key], "text": _number(values[i.key], i.decimals)} for i in INDICATORS
    ]


def territory(request: HttpRequest, level: str, code: str) -> HttpResponse:
    spec, name = selectors.territory_get(level=level, code=code)
    today = timezone.localdate()
    catalogue = selectors.scenario_catalogue(today=today)
    form = bound_with_defaults(
        AnalysisForm, request.GET, scenario_choices=_scenario_choices(catalogue)
    )
    context = {
        "level": spec,
        "code": code,
        "name": name,
        "form": form,
        "indicators": INDICATORS,
    }
    if not form.is_valid():
        return render(request, "observatory/territory.html", context, status=400)
    data = form.cleaned_data
    chosen = data["scenario"]
    names = [*PUBLISHED_NAMES, *([chosen] if chosen not in PUBLISHED_NAMES else [])]
    analysis, inside_inputs = selectors.analysis_with_inputs(
        level=spec.key,
        code=code,
        scenarios=[catalogue[n] for n in names],
        catchment=data["catchment"],
        include_projects=data["projets"],
        impact_parameters=data["impacts"],
    )
    export = request.GET.get("format", "")
    if export in FORMATS:
        return _download(analysis, export, mesh=data["maille"], scenario=chosen)
    context.update(_results_context(request, analysis, data, names))
    context["uncertainty"] = _uncertainty(
        analysis, inside_inputs, names, context["scenario_labels"]
    )
    return render(request, "observatory/territory.html", context)


def _results_context(request, analysis: Analysis, data: dict, names: list[str]) -> dict:
    chosen, indicator_key, mesh = data["scenario"], data["indicateur"], data["maille"]
    indicator = INDICATORS_BY_KEY[indicator_key]
    totals = {name: analysis.totals(name) for name in names}
    comparison = [
        {
            "indicator": i,
            "cells": [_number(totals[name][i.key], i.decimals) for name in names],
        }
        for i in INDICATORS
    ]
    epci_names = analysis.epci_names()
    if mesh == "epci":
        rows = [
            {
                "code": group,
                "name": epci_names.get(group, ""),
                "population": sums["population"],
                "estimated": sums["estimated"],
                "cells": _cells(sums),
            }
            for group, sums in analysis.by_epci(chosen).items()
        ]
        truncated = False
    else:
        values = analysis.outcomes[chosen].values
        order = sorted(
            range(len(analysis.codes)),
            key=lambda i: (-values[indicator_key][i], analysis.codes[i]),
        )
        truncated = len(order) > COMMUNE_ROWS_SHOWN
        rows = [
            {
                "code": str(analysis.codes[i]),
                "name": str(analysis.names[i]),
                "population": float(analysis.population[i]),
                "estimated": bool(analysis.estimated[i]),
                "cells": _cells({key: float(array[i]) for key, array in values.items()}),
            }
            for i in order[:COMMUNE_ROWS_SHOWN]
        ]
    underserved_values = analysis.outcomes[chosen].values["non_couverts"]
    # Stated demand (the demand app) rests on a few people: shown to the coordination only.
    demand = demand_published.section(
        request,
        analysis,
        chosen,
        outlines_url=f"/api/territoires/{OUTLINE_PATHS[analysis.area.level]}/"
        f"{analysis.area.code}/contours?maille=communes",
    )
    stated = demand["stated_texts"] if demand else {}
    ranking = demand["ranking"] if demand else "modele"
    ranked = (
        demand_published.ranked_by_stated(demand["table"], analysis, limit=15)
        if ranking == "demande"
        else analysis.underserved(chosen, limit=15)
    )
    underserved = [
        {
            "code": str(analysis.codes[i]),
            "name": str(analysis.names[i]),
            "epci": epci_names.get(str(analysis.epci_codes[i]), ""),
            "unmet": unmet_text(float(underserved_values[i])),
            # « moins de 1 poste », « 1 poste », « 2 postes »: French plural from 2.
            "plural": float(underserved_values[i]) >= 1.5,
            "estimated": bool(analysis.estimated[i]),
            "stated": stated.get(str(analysis.codes[i]), "aucune demande exprimée"),
        }
        for i in ranked
    ]
    labels = [analysis.outcomes[name].scenario.label or name for name in names]
    chart = desks_by_scenario_chart(analysis, names, labels)
    # Measured figures rest on a few people's home and work communes: shown to the network's
    # coordination only, over whole months, so that two pages cannot be subtracted day by day.
    measured = _measured(analysis) if is_coordinator(request.user) else None
    query = request.GET.copy()
    links = {}
    for export in FORMATS:
        query["format"] = export
        links[export] = "?" + query.urlencode()
    level, code = analysis.area.level, analysis.area.code
    # The API reads the same parameters as this page, but an empty field there is a bad number,
    # not « the default »: only filled fields go on.
    map_query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [value for value in values if value.strip()]
        if kept and key not in {"format", "classement"}:
            map_query.setlist(key, kept)
    # An EPCI is one area at its own mesh: its map shows its communes.
    map_mesh = "communes" if level == "epci" else mesh
    map_query["scenario"] = chosen
    map_query["maille"] = map_mesh
    return {
        "analysis": analysis,
        "scenario_names": names,
        "scenario_labels": labels,
        "chosen": analysis.outcomes[chosen].scenario,
        "indicator": indicator,
        "mesh": mesh,
        "comparison": comparison,
        "rows": rows,
        "truncated": truncated,
        "row_limit": COMMUNE_ROWS_SHOWN,
        "underserved": underserved,
        "chart": chart,
        "links": links,
        "estimated_count": int(analysis.estimated.sum()),
        "status_estimated_count": int(analysis.status_only_estimated().sum()),
        "status_estimated_label": STATUS_ESTIMATED_LABEL,
        "neighbours_missing": analysis.area.missing_note,
        "estimate_precision": (
            precision_sentence(selectors.default_estimate_precision())
            if analysis.estimated.any()
            else ""
        ),
        "commune_count": len(analysis.codes),
        "places_count": len(analysis.offer),
        "places_capacity": _number(float(analysis.offer.capacity.sum()), 0),
        "shared_trip_km": french_number(analysis.impact_parameters.shared_trip_km),
        "map_config": {
            "outlinesUrl": f"/api/territoires/{OUTLINE_PATHS[level]}/{code}/contours?maille="
            + map_mesh,
            "resultsUrl": f"/api/observatoire/territoires/{level}/{code}/resultats?"
            + map_query.urlencode(),
            "indicator": indicator.key,
            "mesh": map_mesh,
        },
        "siting_url": reverse("observatory:siting", args=[level, code]),
        "measured": measured,
        "demand": demand,
    }


def _uncertainty(
    analysis: Analysis, inputs: CommuneInputs, names: list[str], labels: list[str]
) -> list[dict]:
    """P10–P90 bands of the headline figures and the tornado of the desks, per scenario shown
    (default samples and seed: the same page always shows the same bands)."""
    shown = []
    for name, label in zip(names, labels, strict=True):
        scenario = analysis.outcomes[name].scenario
        totals = uncertainty_bands(inputs, scenario).totals
        chart = sensitivity_chart(
            sensitivity(inputs, scenario),
            totals["desks"].point,
            title=f"Sensibilité des postes nécessaires, scénario « {label} »",
        )
        figures = [
            {
                "label": FIGURES[key],
                "point": _number(band.point, 0),
                "p10": _number(band.p10, 0),
                "p90": _number(band.p90, 0),
            }
            for key, band in totals.items()
        ]
        shown.append({"name": name, "label": label, "figures": figures, "chart": chart})
    return shown


def _measured(analysis: Analysis) -> dict:
    """Impacts measured on the desk bookings of the territory's own places over the last twelve
    complete months (fixed for a whole month)."""
    inside = np.isin(analysis.offer.commune_codes, analysis.codes)
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    first = date(last.year - (last.month < 12), last.month % 12 + 1, 1)
    measure = measured_impacts(
        start=first,
        end=last,
        params=analysis.impact_parameters,
        places=[int(i) for i in analysis.offer.ids[inside]],
    )
    totals = measure.totals
    figures = totals.figures
    return {
        "first": first,
        "last": last,
        "bookings": totals.bookings,
        "covered": totals.covered_bookings,
        "coverage": None if totals.coverage is None else french_decimal(totals.coverage * 100, 0),
        "people": totals.people,
        "min_people": measure.min_people,
        "figures": None
        if figures is None
        else {
            "km": french_decimal(figures.km, 0),
            "co2": french_decimal(figures.co2_kg, 0),
            "co2_net": french_decimal(figures.co2_kg_net, 0),
            "hours": french_decimal(figures.hours, 0),
            "euros": french_decimal(figures.euros, 0),
        },
    }


def _download(analysis: Analysis, export: str, *, mesh: str, scenario: str) -> HttpResponse:
    stem = f"observatoire-{slugify(analysis.area.name) or analysis.area.code}-{mesh}"
    if export == "xlsx":
        return attachment(exports.workbook(analysis), XLSX_TYPE, f"{stem}.xlsx")
    if export == "geojson":
        body = exports.geojson(analysis, mesh=mesh, scenario=scenario).encode("utf-8")
        return attachment(body, "application/geo+json", f"{stem}-{scenario}.geojson")
    table = exports.epci_table if mesh == "epci" else exports.commune_table
    header, rows = table(analysis)
    return attachment(csv_bytes(header, rows), CSV_TYPE, f"{stem}.csv")

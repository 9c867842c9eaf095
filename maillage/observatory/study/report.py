"""A computed study as a printable report: one standalone French HTML page (inline CSS, no
script, no external resource) that opens from a mail attachment and prints.

Tables go by horizon, scenarios side by side; people and desks are whole numbers, each with
its P10–P90 band where there is one; desks to create never go below zero, a surplus is written
« excédent de N postes ». The same figures as `tables.result_sheets`, which keeps them at full
precision for a spreadsheet.
"""

from collections import Counter

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory.exports import parameter_text
from maillage.observatory.scenarios import FIELD_LABELS, PARAMETER_FIELDS
from maillage.observatory.study.compute import BANDED, FIGURES_BY_KEY, StudyResult
from maillage.observatory.study.document import LEVELS
from maillage.observatory.study.tables import (
    BAND_LABEL,
    IMPACT_KEYS,
    UNDERSERVED_SHOWN,
    parameter_rows,
    scenario_title,
    underserved_rows,
)

# Need and offer, in the order of the report's first table (the surplus shares the row of the
# desks to create).
NEED_KEYS = (
    "potentiel",
    "teletravailleurs",
    "independants",
    "usagers",
    "postes",
    "postes_recenses",
    "postes_projets",
    "postes_a_creer",
    "non_couverts",
)
OFFER_SHOWN = 500


def desks_to_create_text(to_create: float, surplus: float) -> str:
    """« 12 » desks to create, or « excédent de 5 postes » when the offer exceeds the need."""
    if surplus > 0 and to_create <= 0:
        return f"excédent de {french_decimal(surplus)} poste{'s' if round(surplus) > 1 else ''}"
    return french_decimal(to_create)


def _figure_row(key: str, cells: list) -> dict:
    """One figure across the scenarios of a horizon: its text per scenario and its band."""
    figure = FIGURES_BY_KEY[key]
    label = "Postes à créer (ou excédent)" if key == "postes_a_creer" else figure.label
    values = []
    for cell in cells:
        if key == "postes_a_creer":
            text = desks_to_create_text(cell.totals["postes_a_creer"], cell.totals["excedent"])
        else:
            text = french_decimal(cell.totals[key], figure.decimals)
        band = ""
        if key in BANDED:
            low, high = float(cell.bands[key].p10), float(cell.bands[key].p90)
            band = f"{french_decimal(low, figure.decimals)}–{french_decimal(high, figure.decimals)}"
        values.append({"text": text, "band": band})
    return {"label": label, "unit": figure.unit, "part": bool(figure.part_of), "values": values}


def _horizons(result: StudyResult) -> list[dict]:
    horizons = []
    for year in result.study.years:
        names = result.scenario_names()
        cells = [result.cell(year, name) for name in names]
        groups = []
        for epci in result.epcis:
            sums = [result.epci_totals(year, name)[epci.code] for name in names]
            groups.append(
                {
                    "code": epci.code,
                    "name": epci.name,
                    "inside": epci.label,
                    "population": french_decimal(sums[0]["population"]),
                    "desks": [french_decimal(item["postes"]) for item in sums],
                }
            )
        horizons.append(
            {
                "year": year,
                "population": french_decimal(float(result.populations[year].sum())),
                "scenarios": [scenario_title(cell) for cell in cells],
                "need": [_figure_row(key, cells) for key in NEED_KEYS],
                "impacts": [_figure_row(key, cells) for key in IMPACT_KEYS],
                "epcis": groups,
                "underserved": [
                    {
                        "scenario": scenario_title(cell),
                        "rows": [
                            {
                                **item,
                                "population": french_decimal(item["population"]),
                                "unmet": french_decimal(item["unmet"]),
                                "desks": french_decimal(item["desks"]),
                                "offer": french_decimal(item["offer"]),
                            }
                            for item in underserved_rows(result, year, name)
                        ],
                    }
                    for name, cell in zip(names, cells, strict=True)
                ],
            }
        )
    return horizons


def _parameters(result: StudyResult) -> list[dict]:
    """Per scenario, each parameter at every horizon, with its source (the sources of the
    horizons joined when they differ)."""
    years = result.study.years
    tables = []
    for name in result.scenario_names():
        scenarios = [result.cell(year, name).scenario for year in years]
        rows = []
        for key in PARAMETER_FIELDS:
            sources = dict.fromkeys(s.sources.get(key, "") for s in scenarios)
            rows.append(
                {
                    "label": FIELD_LABELS[key],
                    "values": [parameter_text(s, key) for s in scenarios],
                    "source": " / ".join(source for source in sources if source),
                }
            )
        tables.append(
            {"name": name, "title": scenario_title(result.cell(years[0], name)), "rows": rows}
        )
    return tables


def report_context(result: StudyResult) -> dict:
    study = result.study
    origins = Counter(
        (label, origin)
        for row in result.rows
        for label, origin in (
            ("actifs occupés", row.working_origin),
            ("indépendants sans salarié", row.solos_origin),
            ("distance domicile-travail", row.commute_origin),
        )
    )
    perimeter = LEVELS[study.perimeter.level]
    if study.perimeter.code:
        perimeter += f" {study.perimeter.code}"
    with translation.override("fr"):
        generated = date_format(timezone.localdate(), "j F Y")
    return {
        "study": study,
        "title": study.label or study.name,
        "territory": result.territory_name,
        "perimeter": perimeter,
        "communes": sum(1 for row in result.rows if not row.is_zone),
        "zones": [row for row in result.rows if row.is_zone],
        "population": french_decimal(sum(row.population for row in result.rows)),
        "generated": generated,
        "catchment": study.catchment.describe(),
        "years": study.years,
        "band_label": BAND_LABEL,
        "underserved_shown": UNDERSERVED_SHOWN,
        "horizons": _horizons(result),
        "offer": [
            {
                "name": row.name,
                "commune": row.commune,
                "source": row.source,
                "status": "en projet" if row.status == "projet" else "ouvert",
                "desks": french_decimal(row.desks),
                "counted": "oui" if row.counted else "non",
                "note": row.note,
            }
            for row in result.offer[:OFFER_SHOWN]
        ],
        "offer_hidden": max(0, len(result.offer) - OFFER_SHOWN),
        "origins": [
            {"figure": figure, "origin": origin, "rows": count}
            for (figure, origin), count in sorted(origins.items())
        ],
        "provenance": list(result.provenance.items()),
        "notes": result.notes,
        "parameters": _parameters(result),
        "other_parameters": [row for row in parameter_rows(result) if row[0] != "scénario"],
    }


def report_html(result: StudyResult) -> str:
    """The study report as one standalone HTML page."""
    with translation.override("fr"):
        return render_to_string("observatory/study_report.html", report_context(result))

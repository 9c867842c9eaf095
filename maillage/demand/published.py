"""Stated demand as the observatory shows it: the table and map data of a territory, the
downloads, the under-served ranking's column and the comparison with the model.

Only what `selectors.demand_table` publishes goes out (secret communes as « secret
statistique »). Shown to the network's coordination only (decision 0031).
"""

from collections.abc import Sequence

import numpy as np
from django.http import HttpRequest
from django.urls import reverse

from maillage.core.tables import Sheet
from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.demand.selectors import (
    NEED_LABELS,
    SECRET_HINT,
    SECRET_LABEL,
    DemandRow,
    DemandTable,
    demand_table,
)
from maillage.observatory.analysis import Analysis
from maillage.places.permissions import is_coordinator

RANKINGS = {"modele": "besoin non couvert (modèle)", "demande": "demande exprimée"}


def section(
    request: HttpRequest, analysis: Analysis, scenario: str, *, outlines_url: str
) -> dict | None:
    """The territory page's « Demande exprimée » section, for the coordination (else None)."""
    if not is_coordinator(request.user):
        return None
    table = demand_table(commune_codes=analysis.codes.tolist())
    level, code = analysis.area.level, analysis.area.code
    ranking = request.GET.get("classement", "modele")
    ranking = ranking if ranking in RANKINGS else "modele"
    query = request.GET.copy()
    rank_links = {}
    for key in RANKINGS:
        query["classement"] = key
        rank_links[key] = "?" + query.urlencode()
    return {
        "table": table,
        "communes": display_rows(table.communes),
        "epcis": display_rows(table.epcis),
        "comparison": comparison(table, analysis, scenario),
        "stated_texts": stated_text(table),
        "ranking": ranking,
        "rankings": [
            {"key": key, "label": label, "url": rank_links[key], "current": key == ranking}
            for key, label in RANKINGS.items()
        ],
        "min_people": table.min_people,
        "downloads": {
            fmt: reverse("demand:observatory-download", args=[level, code, fmt])
            for fmt in ("csv", "xlsx")
        },
        "map_config": {
            "outlinesUrl": outlines_url,
            "dataUrl": f"/api/observatoire/territoires/{level}/{code}/demande",
        },
    }


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def row_json(row: DemandRow) -> dict:
    """One commune or EPCI for the API and the map (None where secret)."""
    figures = row.figures
    return {
        "code": row.code,
        "nom": row.name,
        "epci": row.epci_code,
        "secret": row.secret,
        "libelle": f"{SECRET_LABEL} ({SECRET_HINT})" if row.secret else "",
        "personnes": None if figures is None else figures.people,
        "peut_etre": row.maybe,
        "jours_par_semaine": None if figures is None else figures.days,
        "postes_equivalents": None if figures is None else figures.desks,
        "besoins": None if figures is None else figures.needs,
        "part_voiture_pct": None if figures is None else _percent(figures.car_share),
        "km_aller_median": None if figures is None else figures.km_median,
    }


def table_json(table: DemandTable) -> dict:
    return {
        "seuil_personnes": table.min_people,
        "communes": [row_json(row) for row in table.communes],
        "epci": [row_json(row) for row in table.epcis],
    }


HEADER = [
    "Code",
    "Nom",
    "EPCI (SIREN)",
    "Personnes (oui)",
    "Peut-être",
    "Jours par semaine (total)",
    "Postes-équivalents (jours / 5)",
    *[f"Besoin : {label}" for label in NEED_LABELS.values()],
    "Part en voiture (%)",
    "Km aller (médiane)",
    "Secret statistique",
]


def export_rows(rows: Sequence[DemandRow]) -> list[list]:
    """Download rows: empty cells where secret, « oui » in the last column."""
    out = []
    for row in rows:
        data = row_json(row)
        needs = data["besoins"] or {}
        out.append(
            [
                row.code,
                row.name,
                row.epci_code,
                data["personnes"],
                data["peut_etre"],
                data["jours_par_semaine"],
                data["postes_equivalents"],
                *[needs.get(key) for key in NEED_LABELS],
                data["part_voiture_pct"],
                data["km_aller_median"],
                "oui" if row.secret else "non",
            ]
        )
    return out


def export_sheets(table: DemandTable) -> list[Sheet]:
    return [
        Sheet("Communes", HEADER, export_rows(table.communes)),
        Sheet("EPCI", HEADER, export_rows(table.epcis)),
    ]


def _cell(value: float | None, decimals: int) -> str:
    return SECRET_LABEL if value is None else french_decimal(value, decimals)


def display_rows(rows: Sequence[DemandRow]) -> list[dict]:
    shown = []
    for row in rows:
        figures = row.figures
        shown.append(
            {
                "code": row.code,
                "name": row.name,
                "secret": row.secret,
                "people": None if figures is None else figures.people,
                "maybe": SECRET_LABEL if row.maybe is None else str(row.maybe),
                "days": _cell(None if figures is None else figures.days, 0),
                "desks": _cell(None if figures is None else figures.desks, 1),
                "needs": []
                if figures is None
                else [
                    f"{NEED_LABELS[key]} : {count}" for key, count in figures.needs.items() if count
                ],
                "car": ""
                if figures is None or figures.car_share is None
                else french_decimal(figures.car_share * 100, 0) + " %",
                "km": ""
                if figures is None or figures.km_median is None
                else french_decimal(figures.km_median, 0) + " km",
            }
        )
    return shown


def comparison(table: DemandTable, analysis: Analysis, scenario: str) -> dict:
    """Stated desks-equivalent beside the model's desks needed, for the communes whose demand
    is published: the ratio says which share of the modelled need people actually stated."""
    model_desks = analysis.outcomes[scenario].values["postes"]
    index = {str(code): i for i, code in enumerate(analysis.codes.tolist())}
    rows, stated_total, model_total = [], 0.0, 0.0
    for row in table.communes:
        if row.figures is None or row.code not in index or row.figures.people == 0:
            continue
        modelled = float(model_desks[index[row.code]])
        stated = row.figures.desks
        stated_total += stated
        model_total += modelled
        rows.append(
            {
                "code": row.code,
                "name": row.name,
                "stated": french_decimal(stated, 1),
                "model": french_decimal(modelled, 1),
                "ratio": french_decimal(stated / modelled * 100, 0) + " %" if modelled else "—",
                "ratio_value": stated / modelled if modelled else None,
            }
        )
    return {
        "rows": rows,
        "stated": french_decimal(stated_total, 1),
        "model": french_decimal(model_total, 1),
        "ratio": french_decimal(stated_total / model_total * 100, 0) + " %" if model_total else "—",
    }


def stated_text(table: DemandTable) -> dict[str, str]:
    """Per commune code, the stated demand as the under-served ranking shows it."""
    texts = {}
    for row in table.communes:
        if row.figures is None:
            texts[row.code] = SECRET_LABEL
        elif row.figures.people:
            texts[row.code] = (
                f"{french_decimal(row.figures.desks, 1)} poste(s)-équivalent(s) demandé(s) "
                f"par {row.figures.people} personne(s)"
            )
    return texts


def ranked_by_stated(table: DemandTable, analysis: Analysis, limit: int) -> list[int]:
    """Indices (into the territory's communes) by published stated desks, largest first."""
    stated = table.stated_desks()
    values = np.array([stated.get(str(code), 0.0) for code in analysis.codes.tolist()])
    order = np.lexsort((analysis.codes, -values))
    return [int(i) for i in order[:limit] if values[i] > 0]

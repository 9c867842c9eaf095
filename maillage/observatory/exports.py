"""Tables of an analysis, shared by the pages, the downloads, the CLI report and the API.

Numbers stay full precision in the files: the CSV, GeoJSON and API are data; the XLSX workbook,
read by people, shows each number with its indicator's decimals (people and desks as integers)
through the cells' number format, the value itself unrounded. Only the French column names carry
units; each impact comes with its two parts, « dont télétravail à domicile » and « dont
tiers-lieux ». Every table says which communes are « estimation par défaut », and the
workbook carries the parameters with their sources, so a figure never travels without them.
"""

import json

from maillage.core.tables import Sheet, xlsx_bytes
from maillage.observatory.analysis import INDICATORS, Analysis
from maillage.observatory.errors import french_number
from maillage.observatory.impacts import FIELD_LABELS as IMPACT_LABELS
from maillage.observatory.pcs import PCS_LABELS
from maillage.observatory.scenarios import FIELD_LABELS, PARAMETER_FIELDS, Scenario
from maillage.territory.models import EPCI, Commune

ESTIMATED_LABEL = "estimation par défaut"
STATUS_ESTIMATED_SOURCE = (
    "recensement INSEE ; part des salariés et indépendants sans salarié : estimation par défaut"
)


def source_label(estimated: bool, status_estimated: bool) -> str:
    """Where a commune's figures come from, for the « Source des données » column."""
    if estimated:
        return ESTIMATED_LABEL
    if status_estimated:
        return STATUS_ESTIMATED_SOURCE
    return "recensement INSEE"


def indicator_column(key: str, scenario: str | None = None) -> str:
    indicator = next(item for item in INDICATORS if item.key == key)
    suffix = f" — {scenario}" if scenario else ""
    return f"{indicator.label} ({indicator.unit}){suffix}"


def _scenario_names(analysis: Analysis, scenarios: list[str] | None) -> list[str]:
    return list(scenarios) if scenarios else list(analysis.outcomes)


def commune_table(
    analysis: Analysis, scenarios: list[str] | None = None
) -> tuple[list[str], list[list]]:
    """One row per commune of the territory, indicators per scenario side by side."""
    names = _scenario_names(analysis, scenarios)
    header = ["Code commune", "Commune", "Code EPCI", "EPCI", "Population", "Source des données"]
    header += [indicator_column(i.key, name) for name in names for i in INDICATORS]
    epci_names = analysis.epci_names()
    status_estimated = analysis.status_only_estimated()
    rows = []
    for index, code in enumerate(analysis.codes.tolist()):
        epci = str(analysis.epci_codes[index])
        row = [
            code,
            str(analysis.names[index]),
            epci,
            epci_names.get(epci, ""),
            int(analysis.population[index]),
            source_label(bool(analysis.estimated[index]), bool(status_estimated[index])),
        ]
        for name in names:
            values = analysis.outcomes[name].values
            row += [float(values[i.key][index]) for i in INDICATORS]
        rows.append(row)
    return header, rows


def epci_table(
    analysis: Analysis, scenarios: list[str] | None = None
) -> tuple[list[str], list[list]]:
    """One row per EPCI (its communes inside the territory), indicators per scenario."""
    names = _scenario_names(analysis, scenarios)
    header = ["Code EPCI", "EPCI", "Communes", "dont estimées", "Population"]
    header += [indicator_column(i.key, name) for name in names for i in INDICATORS]
    epci_names = analysis.epci_names()
    per_scenario = {name: analysis.by_epci(name) for name in names}
    rows = []
    for code in sorted(per_scenario[names[0]]):
        first = per_scenario[names[0]][code]
        row = [
            code,
            epci_names.get(code, ""),
            first["communes"],
            first["estimated"],
            int(first["population"]),
        ]
        for name in names:
            row += [per_scenario[name][code][i.key] for i in INDICATORS]
        rows.append(row)
    return header, rows


def comparison_table(analysis: Analysis) -> tuple[list[str], list[list]]:
    """Territory totals: one row per indicator, one column per scenario."""
    names = list(analysis.outcomes)
    header = ["Indicateur", "Unité", *(analysis.outcomes[n].scenario.label or n for n in names)]
    totals = {name: analysis.totals(name) for name in names}
    rows = [
        [indicator.label, indicator.unit, *(totals[name][indicator.key] for name in names)]
        for indicator in INDICATORS
    ]
    return header, rows


# Parameters stored as fractions but read as percentages by people.
_PERCENT_FIELDS = frozenset(
    {"teleworkable", "compatible_ratio", "adoption", "shared_shares", "solo_share", "occupancy"}
)


def _percent(share: float) -> str:
    return f"{share * 100:.4g} %".replace(".", ",")


def parameter_text(scenario: Scenario, key: str) -> str:
    """A parameter the way a reader expects it: shares in %, lists separated by « ; »."""
    value = getattr(scenario, key)
    if key == "teleworkable":
        return " ; ".join(
            f"{label} {_percent(share)}" for label, share in zip(PCS_LABELS, value, strict=True)
        )
    if key in _PERCENT_FIELDS:
        items = value if isinstance(value, tuple) else (value,)
        return " ; ".join(_percent(item) for item in items)
    if key == "shared_bounds_km":
        return " ; ".join(f"{item:g} km".replace(".", ",") for item in value)
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


# Impact parameters that are shares, shown in % like the scenarios' shares.
IMPACT_SHARES = frozenset({"car_share", "rebound_share"})


def parameters_table(analysis: Analysis) -> tuple[list[str], list[list]]:
    """Every parameter of every scenario with its source (published figure or hypothesis)."""
    header = ["Scénario", "Version", "Paramètre", "Valeur", "Source"]
    rows = []
    for outcome in analysis.outcomes.values():
        scenario = outcome.scenario
        for key in PARAMETER_FIELDS:
            rows.append(
                [
                    scenario.name,
                    scenario.version,
                    FIELD_LABELS[key],
                    parameter_text(scenario, key),
                    scenario.sources.get(key, ""),
                ]
            )
    parameters = analysis.impact_parameters
    for key, label in IMPACT_LABELS.items():
        value = getattr(parameters, key)
        shown = f"{french_number(value * 100)} %" if key in IMPACT_SHARES else french_number(value)
        rows.append(["impacts", "", label, shown, parameters.sources.get(key, "")])
    catchment = analysis.catchment
    rows.append(["zone de chalandise", "", "définition", catchment.describe(), ""])
    return header, rows


def places_table(analysis: Analysis) -> tuple[list[str], list[list]]:
    offer = analysis.offer
    header = ["Identifiant", "Lieu", "Code commune", "Postes", "Statut"]
    rows = [
        [
            int(offer.ids[i]),
            str(offer.names[i]),
            str(offer.commune_codes[i]),
            float(offer.capacity[i]),
            "en projet" if offer.is_project[i] else "ouvert",
        ]
        for i in range(len(offer))
    ]
    return header, rows


def provenance_table(analysis: Analysis) -> tuple[list[str], list[list]]:
    header = ["Élément", "Valeur"]
    rows = [
        [str(key), json.dumps(value, ensure_ascii=False, default=str)]
        if not isinstance(value, str | int | float)
        else [str(key), value]
        for key, value in analysis.provenance.items()
    ]
    estimated = int(analysis.estimated.sum())
    rows.append(["communes en estimation par défaut", estimated])
    rows.append(
        [
            "communes comptées par l'INSEE dont la part des salariés et les indépendants sans "
            "salarié sont en estimation par défaut",
            int(analysis.status_only_estimated().sum()),
        ]
    )
    rows.append(["communes du territoire", len(analysis.codes)])
    return header, rows


INTEGER = "#,##0"


def number_format(decimals: int) -> str:
    """The Excel format showing `decimals` decimals (the cell keeps its full value)."""
    return INTEGER + ("." + "0" * decimals if decimals else "")


def _indicator_formats(lead: list[str | None], scenarios: int) -> list[str | None]:
    """Column formats of a table with the `lead` descriptive columns, then every indicator per
    scenario: people and desks show as integers, the rest with their indicator's decimals."""
    return [*lead, *(number_format(i.decimals) for _ in range(scenarios) for i in INDICATORS)]


def workbook(analysis: Analysis) -> bytes:
    """The XLSX workbook of an analysis: synthesis, EPCI, communes, places, parameters.

    A workbook is read by people: each number shows with its indicator's decimals (people and
    desks as integers) through the cell's number format, while the cell keeps the full value
    (a sum or a formula on it is not rounded)."""
    scenarios = len(analysis.outcomes)
    sheets = [
        Sheet(
            "Synthèse",
            *comparison_table(analysis),
            row_formats=[number_format(i.decimals) for i in INDICATORS],
        ),
        Sheet(
            "EPCI",
            *epci_table(analysis),
            column_formats=_indicator_formats([None, None, INTEGER, INTEGER, INTEGER], scenarios),
        ),
        Sheet(
            "Communes",
            *commune_table(analysis),
            column_formats=_indicator_formats([None, None, None, None, INTEGER, None], scenarios),
        ),
        Sheet("Lieux (offre)", *places_table(analysis), column_formats=[None, None, None, INTEGER]),
        Sheet("Paramètres et sources", *parameters_table(analysis)),
        Sheet("Provenance des données", *provenance_table(analysis)),
    ]
    return xlsx_bytes(sheets)


def geojson(analysis: Analysis, *, mesh: str, scenario: str) -> str:
    """A FeatureCollection of the communes (or EPCI) with every indicator of `scenario` as
    properties, geometries from the simplified outlines already stored by the territory app."""
    values = analysis.outcomes[scenario].values
    if mesh == "epci":
        sums = analysis.by_epci(scenario)
        outlines = dict(EPCI.objects.filter(code__in=list(sums)).values_list("code", "outline"))
        names = analysis.epci_names()
        items = [
            (code, names.get(code, ""), {key: total[key] for key in (*values, "population")})
            for code, total in sorted(sums.items())
        ]
    else:
        codes = analysis.codes.tolist()
        status_estimated = analysis.status_only_estimated() | analysis.estimated
        outlines = dict(Commune.objects.filter(code__in=codes).values_list("code", "outline"))
        items = [
            (
                code,
                str(analysis.names[index]),
                {
                    "population": float(analysis.population[index]),
                    "estimation_par_defaut": bool(analysis.estimated[index]),
                    "salaries_independants_estimes": bool(status_estimated[index]),
                    **{key: float(array[index]) for key, array in values.items()},
                },
            )
            for index, code in enumerate(codes)
        ]
    features = []
    for code, name, properties in items:
        head = json.dumps(
            {"code": code, "nom": name, "scenario": scenario, **properties},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        geometry = outlines.get(code) or "null"
        features.append(
            f'{{"type":"Feature","id":"{code}","properties":{head},"geometry":{geometry}}}'
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"

"""A computed study as the tables of a study report: the XLSX download, the web page and the
printable report read the same rows.

Values stay full precision in the cells; what people read is rounded by the XLSX number format
(`Sheet.column_formats` / `row_formats`: people and desks as integers, each impact with its
indicator's decimals). Columns are « horizon × scenario » in the synthesis, and the per-commune
tables are long (one row per horizon, scenario and commune) so that a pivot table or a filter
gives any cut of them.
"""

from maillage.core.tables import Sheet, xlsx_bytes
from maillage.observatory.analysis import INDICATORS_BY_KEY
from maillage.observatory.errors import french_number
from maillage.observatory.exports import INTEGER, number_format, parameter_text
from maillage.observatory.impacts import FIELD_LABELS as IMPACT_LABELS
from maillage.observatory.scenarios import FIELD_LABELS, PARAMETER_FIELDS
from maillage.observatory.study.compute import (
    BANDED,
    FIGURES,
    FIGURES_BY_KEY,
    ZONES_GROUP,
    Cell,
    StudyResult,
)

# Impacts and their two parts (« dont télétravail à domicile », « dont tiers-lieux »).
IMPACT_KEYS: tuple[str, ...] = tuple(
    figure.key for figure in FIGURES if figure.unit not in ("personnes", "postes")
)
# Figures of every row (commune or zone), in the order of the « Par commune » sheet.
ROW_FIGURES: tuple[str, ...] = (
    "potentiel",
    "teletravailleurs",
    "independants",
    "usagers",
    "postes",
    "offre",
    "ecart",
    "non_couverts",
    *IMPACT_KEYS,
)
UNDERSERVED_SHOWN = 10
BAND_LABEL = "P10–P90"


def figure_label(key: str) -> str:
    """« Postes nécessaires (postes) »: a column or row name with its unit."""
    if key in FIGURES_BY_KEY:
        figure = FIGURES_BY_KEY[key]
        label = figure.label
        if figure.part_of:
            label = f"{FIGURES_BY_KEY[figure.part_of].label}, {label}"
        return f"{label} ({figure.unit})"
    indicator = INDICATORS_BY_KEY[key]
    return f"{indicator.label} ({indicator.unit})"


def figure_decimals(key: str) -> int:
    if key in FIGURES_BY_KEY:
        return FIGURES_BY_KEY[key].decimals
    return INDICATORS_BY_KEY[key].decimals


def scenario_title(cell: Cell) -> str:
    return cell.scenario.label or cell.scenario.name


def columns(result: StudyResult) -> list[tuple[int, str]]:
    """(year, scenario) of every cell, horizon first: the columns of a study report."""
    return [(year, name) for year in result.study.years for name in result.scenario_names()]


def synthesis_sheet(result: StudyResult) -> Sheet:
    """One row per headline figure (P10 and P90 rows under the banded ones), one column per
    horizon × scenario."""
    keys = columns(result)
    header = ["Indicateur", "Unité", *(f"{year} — {name}" for year, name in keys)]
    rows: list[list] = []
    formats: list[str | None] = []
    for figure in FIGURES:
        label = figure.label
        if figure.part_of:
            label = f"{FIGURES_BY_KEY[figure.part_of].label}, {figure.label}"
        cells = [result.cell(year, name) for year, name in keys]
        rows.append([label, figure.unit, *(cell.totals[figure.key] for cell in cells)])
        formats.append(number_format(figure.decimals))
        if figure.key in BANDED:
            for percentile in ("p10", "p90"):
                rows.append(
                    [
                        f"{figure.label}, {percentile.upper()}",
                        figure.unit,
                        *(float(getattr(cell.bands[figure.key], percentile)) for cell in cells),
                    ]
                )
                formats.append(number_format(figure.decimals))
    return Sheet("Synthèse", header, rows, row_formats=formats)


def commune_sheet(result: StudyResult) -> Sheet:
    """Long format: one row per horizon, scenario and commune (or zone)."""
    header = [
        "Horizon",
        "Scénario",
        "Code",
        "Commune ou zone",
        "Code EPCI",
        "EPCI",
        "Population à l'horizon",
        *(figure_label(key) for key in ROW_FIGURES),
    ]
    rows = []
    for year, name in columns(result):
        cell = result.cell(year, name)
        population = result.populations[year]
        for i, row in enumerate(result.rows):
            rows.append(
                [
                    year,
                    name,
                    row.code,
                    row.name,
                    row.epci_code,
                    row.epci_name,
                    float(population[i]),
                    *(float(cell.values[key][i]) for key in ROW_FIGURES),
                ]
            )
    formats = [None] * 6 + [INTEGER] + [number_format(figure_decimals(k)) for k in ROW_FIGURES]
    return Sheet("Par commune", header, rows, column_formats=formats)


def epci_sheet(result: StudyResult) -> Sheet:
    """Sums per EPCI (external zones together), with how many of the EPCI's communes the
    perimeter holds: an EPCI cut by the perimeter is not the whole EPCI."""
    header = [
        "Horizon",
        "Scénario",
        "Code EPCI",
        "EPCI",
        "Communes dans le territoire",
        "Communes de l'EPCI",
        "Population à l'horizon",
        *(figure_label(key) for key in ROW_FIGURES[:8]),
    ]
    zones = sum(1 for row in result.rows if row.is_zone)
    rows = []
    for year, name in columns(result):
        sums = result.epci_totals(year, name)
        groups = [(epci.code, epci.name, epci.inside, epci.total) for epci in result.epcis]
        if zones:
            groups.append((ZONES_GROUP, ZONES_GROUP, zones, None))
        for code, label, inside, total in groups:
            values = sums[code]
            rows.append(
                [
                    year,
                    name,
                    code,
                    label,
                    inside,
                    total,
                    values["population"],
                    *(values[key] for key in ROW_FIGURES[:8]),
                ]
            )
    formats = [None, None, None, None, INTEGER, INTEGER, INTEGER]
    formats += [number_format(figure_decimals(k)) for k in ROW_FIGURES[:8]]
    return Sheet("EPCI", header, rows, column_formats=formats)


def offer_sheet(result: StudyResult) -> Sheet:
    header = ["Lieu", "Code commune ou zone", "Source", "Statut", "Postes", "Compté", "Note"]
    rows = [
        [
            row.name,
            row.commune,
            row.source,
            "en projet" if row.status == "projet" else "ouvert",
            row.desks,
            "oui" if row.counted else "non",
            row.note,
        ]
        for row in result.offer
    ]
    return Sheet("Offre", header, rows, column_formats=[None] * 4 + [INTEGER])


def inputs_sheet(result: StudyResult) -> Sheet:
    """What each row starts from at the base year, and where each figure comes from."""
    header = [
        "Code",
        "Commune ou zone",
        "EPCI",
        f"Population {result.study.base_year}",
        "Actifs occupés résidents",
        "Origine des actifs",
        "Indépendants sans salarié",
        "Origine des indépendants",
        "Distance domicile-travail (km)",
        "Origine de la distance",
    ]
    rows = [
        [
            row.code,
            row.name,
            row.epci_name,
            row.population,
            row.working,
            row.working_origin,
            row.solos,
            row.solos_origin,
            row.commute_km,
            row.commute_origin,
        ]
        for row in result.rows
    ]
    formats = [None, None, None, INTEGER, INTEGER, None, INTEGER, None, "#,##0.0", None]
    return Sheet("Données d'entrée", header, rows, column_formats=formats)


def underserved_rows(result: StudyResult, year: int, scenario: str) -> list[dict]:
    """The communes (or zones) with the most unmet desks at `year` in `scenario`, largest
    first, at most `UNDERSERVED_SHOWN`."""
    cell = result.cell(year, scenario)
    population = result.populations[year]
    return [
        {
            "rank": rank,
            "code": result.rows[i].code,
            "name": result.rows[i].name,
            "population": float(population[i]),
            "unmet": float(cell.values["non_couverts"][i]),
            "desks": float(cell.values["postes"][i]),
            "offer": float(cell.values["offre"][i]),
        }
        for rank, i in enumerate(cell.underserved[:UNDERSERVED_SHOWN], start=1)
    ]


def underserved_sheet(result: StudyResult) -> Sheet:
    header = [
        "Horizon",
        "Scénario",
        "Rang",
        "Code",
        "Commune ou zone",
        "Population à l'horizon",
        figure_label("non_couverts"),
        figure_label("postes"),
        figure_label("offre"),
    ]
    rows = [
        [
            year,
            name,
            item["rank"],
            item["code"],
            item["name"],
            item["population"],
            item["unmet"],
            item["desks"],
            item["offer"],
        ]
        for year, name in columns(result)
        for item in underserved_rows(result, year, name)
    ]
    return Sheet(
        "Communes sous-desservies", header, rows, column_formats=[None] * 5 + [INTEGER] * 4
    )


def parameter_rows(result: StudyResult) -> list[list]:
    """Every parameter of every scenario at every horizon (a published scenario changes with
    its horizon), then the impacts' parameters, the catchment and the uncertainty draws, each
    with its source."""
    rows = []
    for year, name in columns(result):
        scenario = result.cell(year, name).scenario
        for key in PARAMETER_FIELDS:
            rows.append(
                [
                    "scénario",
                    year,
                    name,
                    FIELD_LABELS[key],
                    parameter_text(scenario, key),
                    scenario.sources.get(key, ""),
                ]
            )
    parameters = result.impact_parameters
    for key, label in IMPACT_LABELS.items():
        value = getattr(parameters, key)
        shown = (
            f"{french_number(value * 100)} %"
            if key in {"car_share", "rebound_share"}
            else french_number(value)
        )
        rows.append(["impacts", "", "", label, shown, parameters.sources.get(key, "")])
    study = result.study
    rows.append(["offre", "", "", "zone de chalandise", study.catchment.describe(), ""])
    rows.append(
        [
            "incertitude",
            "",
            "",
            "tirages (graine)",
            f"{study.samples} ({study.seed})",
            "bandes P10–P90 : percentiles des tirages des paramètres dans leurs plages",
        ]
    )
    return rows


def sources_sheet(result: StudyResult) -> Sheet:
    header = ["Rubrique", "Horizon", "Scénario", "Élément", "Valeur", "Source"]
    rows = [["données", "", "", key, value, ""] for key, value in result.provenance.items()]
    rows += [["note", "", "", "note", note, ""] for note in result.notes]
    rows += parameter_rows(result)
    return Sheet("Sources", header, rows)


def result_sheets(result: StudyResult) -> list[Sheet]:
    """The study report as tables, in the order of the workbook."""
    return [
        synthesis_sheet(result),
        commune_sheet(result),
        epci_sheet(result),
        offer_sheet(result),
        inputs_sheet(result),
        underserved_sheet(result),
        sources_sheet(result),
    ]


def result_xlsx(result: StudyResult) -> bytes:
    return xlsx_bytes(result_sheets(result))

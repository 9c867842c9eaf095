"""The observatory's report on disk: one folder per run, readable without the platform.

`write_report` writes a self-contained French HTML report (inline CSS and SVG, no script, no
external resource: it opens from a USB key or a mail attachment and prints), the XLSX workbook
and the GeoJSON layers of the same analysis, so that every figure of the report can be redone
in a spreadsheet or a GIS. Parameters and their sources travel inside each file.

The report compares the current potential (scenario « actuel ») with each scenario's horizon:
maps and charts share their colour classes and scales across scenarios, so that the same colour
means the same amount on every map of a row.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory import exports, selectors, svg
from maillage.observatory.analysis import INDICATORS, INDICATORS_BY_KEY, Analysis
from maillage.observatory.impacts import FIELD_LABELS as IMPACT_LABELS
from maillage.observatory.impacts import PARAMETER_FIELDS as IMPACT_FIELDS
from maillage.observatory.inputs import STATUS_ESTIMATED_LABEL
from maillage.observatory.scenarios import FIELD_LABELS, PARAMETER_FIELDS
from maillage.territory.models import EPCI, Commune

BASELINE = "actuel"

# Steps announced to `progress`, in order (the command sizes its progress bar with them).
REPORT_STEPS = (
    "Cartes et graphiques",
    "Rapport HTML",
    "Classeur XLSX",
    "Couches GeoJSON",
)

# What the tables of the report show, by section (all indicators are in the workbook).
DEMAND_KEYS = (
    "potentiel",
    "teletravailleurs",
    "usagers",
    "postes",
    "offre",
    "ecart",
    "non_couverts",
)
IMPACT_TOTALS = ("km_evites", "co2_evite", "co2_evite_net", "heures_gagnees", "euros_economises")
# Each impact and, right after it, its two parts (« dont télétravail à domicile », « dont
# tiers-lieux »): the report never credits all telework to tiers-lieux.
IMPACT_KEYS = tuple(i.key for i in INDICATORS if (i.part_of or i.key) in IMPACT_TOTALS)
# Maps per mesh: (indicator, signed palette). The gap shows surplus and need at commune level;
# an EPCI's unmet need is the sum of its communes' (a surplus in one commune does not fill
# another one's gap), so the EPCI maps show `non_couverts`.
COMMUNE_MAPS = (("postes", False), ("ecart", True))
EPCI_MAPS = (("postes", False), ("non_couverts", False))
UNDERSERVED_LIMIT = 20
NO_EPCI = "sans EPCI"


@dataclass(frozen=True)
class ReportFiles:
    """Paths written by `write_report`; `geojson` lists the other scenarios' layers too."""

    folder: Path
    html: Path
    xlsx: Path
    communes_geojson: Path
    epci_geojson: Path
    scenario: str
    geojson: tuple[Path, ...] = field(default=())

    def paths(self) -> list[Path]:
        return [self.html, self.xlsx, *self.geojson]


def main_scenario(analysis: Analysis) -> str:
    """The scenario of `communes.geojson` and `epci.geojson`: the first one that is not the
    baseline (what the report was asked for), or the baseline when it is alone."""
    names = list(analysis.outcomes)
    return next((name for name in names if name != BASELINE), names[0])


def _number(value: float, decimals: int = 0) -> str:
    return french_decimal(float(value), decimals)


def unmet_text(value: float) -> str:
    """Unmet desks for a reader: an integer, but « moins de 1 » rather than « 0 » for a commune
    ranked as under-served (its unmet need is above zero)."""
    return "moins de 1" if 0 < value < 0.5 else _number(value)


def _indicator_text(key: str, value: float) -> str:
    return _number(value, INDICATORS_BY_KEY[key].decimals)


def _scenario_ids(names: Sequence[str]) -> dict[str, str]:
    """HTML ids of the scenarios: their slug, made unique (two names may share a slug)."""
    ids: dict[str, str] = {}
    for index, name in enumerate(names, start=1):
        slug = slugify(name) or f"scenario-{index}"
        ids[name] = slug if slug not in ids.values() else f"{slug}-{index}"
    return ids


def _scenario_title(analysis: Analysis, name: str) -> str:
    scenario = analysis.outcomes[name].scenario
    return f"{scenario.label or name} ({scenario.horizon})"


# --- geometry -----------------------------------------------------------------------------------


def _features(model: type, codes: Sequence[str], names: dict[str, str]) -> list[svg.MapFeature]:
    """Outlines of `codes` (one query); a code without a stored outline is kept, undrawn, so the
    map says how many areas it could not place."""
    outlines = dict(model.objects.filter(code__in=list(codes)).values_list("code", "outline"))
    return [svg.MapFeature(code, names.get(code, code), outlines.get(code, "")) for code in codes]


def _maps(analysis: Analysis, names: list[str]) -> list[dict]:
    """Map rows: one per (mesh, indicator), one map per scenario, classes shared by the row."""
    codes = [str(code) for code in analysis.codes.tolist()]
    commune_names = dict(zip(codes, (str(n) for n in analysis.names.tolist()), strict=True))
    epci_names = analysis.epci_names()
    epci_codes = sorted(code for code in epci_names if code)
    meshes = []
    if len(epci_codes) > 1:
        sums = {name: analysis.by_epci(name) for name in names}
        meshes.append(
            (
                "epci",
                "par EPCI",
                ("EPCI", "EPCI"),
                _features(EPCI, epci_codes, epci_names),
                EPCI_MAPS,
                {
                    name: {key: {c: sums[name][c][key] for c in epci_codes} for key, _ in EPCI_MAPS}
                    for name in names
                },
            )
        )
    meshes.append(
        (
            "communes",
            "par commune",
            ("commune", "communes"),
            _features(Commune, codes, commune_names),
            COMMUNE_MAPS,
            {
                name: {
                    key: dict(zip(codes, analysis.outcomes[name].values[key].tolist(), strict=True))
                    for key, _ in COMMUNE_MAPS
                }
                for name in names
            },
        )
    )
    ids = _scenario_ids(names)
    rows = []
    for mesh, mesh_label, areas, features, indicators, values in meshes:
        for key, signed in indicators:
            indicator = INDICATORS_BY_KEY[key]
            pooled = [v for name in names for v in values[name][key].values()]
            scheme = (
                svg.signed_scheme(pooled, decimals=indicator.legend_decimals)
                if signed
                else svg.sequential_scheme(pooled, decimals=indicator.legend_decimals)
            )
            rows.append(
                {
                    "id": f"carte-{mesh}-{key}",
                    "title": f"{indicator.label} — {mesh_label}",
                    "description": indicator.description,
                    "maps": [
                        svg.choropleth(
                            features,
                            values[name][key],
                            title=f"{indicator.label} — {_scenario_title(analysis, name)}",
                            unit=indicator.unit,
                            decimals=indicator.decimals,
                            signed=signed,
                            scheme=scheme,
                            ident=f"svg-carte-{mesh}-{key}-{ids[name]}",
                            description=indicator.description,
                            areas=areas,
                        )
                        for name in names
                    ],
                }
            )
    return rows


# --- charts -------------------------------------------------------------------------------------


def desks_by_scenario_chart(
    analysis: Analysis, names: list[str], labels: list[str], ident: str | None = None
) -> str:
    """Bars of desks needed, accessible offer and unmet need per scenario (page and report)."""
    totals = {name: analysis.totals(name) for name in names}
    return svg.bars(
        labels,
        {
            "Postes nécessaires": [totals[n]["postes"] for n in names],
            "Offre accessible": [totals[n]["offre"] for n in names],
            "Besoin non couvert": [totals[n]["non_couverts"] for n in names],
        },
        title="Postes nécessaires, offre accessible et besoin non couvert par scénario",
        unit="postes",
        ident=ident,
    )


def _charts(analysis: Analysis, names: list[str]) -> list[dict]:
    labels = [_scenario_title(analysis, name) for name in names]
    charts = [
        {
            "id": "graphique-scenarios",
            "svg": desks_by_scenario_chart(analysis, names, labels, ident="graphique-scenarios"),
        }
    ]
    epci_names = analysis.epci_names()
    ids = _scenario_ids(names)
    if len(epci_names) > 1:
        by_epci = {name: analysis.by_epci(name) for name in names}
        largest = max(
            max(group["postes"], group["offre"])
            for sums in by_epci.values()
            for group in sums.values()
        )
        for name in names:
            sums = by_epci[name]
            order = sorted(sums, key=lambda code: (-sums[code]["postes"], code))
            charts.append(
                {
                    "id": f"graphique-epci-{ids[name]}",
                    "svg": svg.bars(
                        [epci_names.get(code) or NO_EPCI for code in order],
                        {
                            "Postes nécessaires": [sums[c]["postes"] for c in order],
                            "Offre accessible": [sums[c]["offre"] for c in order],
                        },
                        title="Postes nécessaires et offre accessible par EPCI — "
                        + _scenario_title(analysis, name),
                        unit="postes",
                        ident=f"graphique-epci-{ids[name]}",
                        domain=(0.0, largest),
                    ),
                }
            )
    return charts


# --- tables -------------------------------------------------------------------------------------


def _epci_tables(analysis: Analysis, names: list[str], keys: Sequence[str]) -> list[dict]:
    """Per scenario, one row per EPCI (its communes inside the territory) and a total row."""
    epci_names = analysis.epci_names()
    ids = _scenario_ids(names)
    tables = []
    for name in names:
        sums = analysis.by_epci(name)
        totals = analysis.totals(name)
        rows = [
            {
                "code": code,
                "name": epci_names.get(code) or NO_EPCI,
                "communes": _number(group["communes"]),
                "estimated": _number(group["estimated"]),
                "population": _number(group["population"]),
                "cells": [_indicator_text(key, group[key]) for key in keys],
            }
            for code, group in sorted(
                sums.items(), key=lambda item: (epci_names.get(item[0]) or NO_EPCI, item[0])
            )
        ]
        tables.append(
            {
                "id": ids[name],
                "name": name,
                "title": _scenario_title(analysis, name),
                "rows": rows,
                "total": {
                    "communes": _number(len(analysis.codes)),
                    "estimated": _number(int(analysis.estimated.sum())),
                    "population": _number(float(analysis.population.sum())),
                    "cells": [_indicator_text(key, totals[key]) for key in keys],
                },
            }
        )
    return tables


def _underserved(analysis: Analysis, names: list[str]) -> list[dict]:
    epci_names = analysis.epci_names()
    ids = _scenario_ids(names)
    rankings = []
    for name in names:
        values = analysis.outcomes[name].values
        rankings.append(
            {
                "id": ids[name],
                "title": _scenario_title(analysis, name),
                "rows": [
                    {
                        "rank": rank,
                        "code": str(analysis.codes[i]),
                        "name": str(analysis.names[i]),
                        "epci": epci_names.get(str(analysis.epci_codes[i])) or NO_EPCI,
                        "estimated": bool(analysis.estimated[i]),
                        "cells": [
                            _indicator_text("postes", values["postes"][i]),
                            _indicator_text("offre", values["offre"][i]),
                            unmet_text(float(values["non_couverts"][i])),
                        ],
                    }
                    for rank, i in enumerate(
                        analysis.underserved(name, limit=UNDERSERVED_LIMIT), start=1
                    )
                ],
            }
        )
    return rankings


def _scenarios(analysis: Analysis) -> list[dict]:
    ids = _scenario_ids(list(analysis.outcomes))
    scenarios = []
    for key, outcome in analysis.outcomes.items():
        scenario = outcome.scenario
        scenarios.append(
            {
                "id": ids[key],
                "name": scenario.name,
                "label": scenario.label or scenario.name,
                "version": scenario.version,
                "horizon": scenario.horizon,
                "based_on": scenario.based_on,
                "rows": [
                    {
                        "label": FIELD_LABELS[key],
                        "value": exports.parameter_text(scenario, key),
                        "source": scenario.sources.get(key, ""),
                    }
                    for key in PARAMETER_FIELDS
                ],
            }
        )
    return scenarios


def _impact_parameters(analysis: Analysis) -> list[dict]:
    params = analysis.impact_parameters
    return [
        {
            "label": IMPACT_LABELS.get(key, key),
            "value": french_decimal(getattr(params, key), 4).rstrip("0").rstrip(","),
            "source": params.sources.get(key, ""),
        }
        for key in IMPACT_FIELDS
    ]


def _places(analysis: Analysis) -> dict:
    offer = analysis.offer
    area = analysis.area
    commune_names = dict(zip(area.codes.tolist(), area.names.tolist(), strict=True))
    inside = set(analysis.codes.tolist())
    order = sorted(range(len(offer)), key=lambda i: (str(offer.names[i]), int(offer.ids[i])))
    rows = [
        {
            "id": int(offer.ids[i]),
            "name": str(offer.names[i]),
            "commune": commune_names.get(str(offer.commune_codes[i]), ""),
            "commune_code": str(offer.commune_codes[i]),
            "desks": _number(offer.capacity[i]),
            "status": "en projet" if offer.is_project[i] else "ouvert",
            "inside": str(offer.commune_codes[i]) in inside,
        }
        for i in order
    ]
    return {
        "rows": rows,
        "count": len(rows),
        "inside": sum(1 for row in rows if row["inside"]),
        "projects": int(offer.is_project.sum()) if len(offer) else 0,
        "desks": _number(float(offer.capacity.sum()) if len(offer) else 0.0),
    }


# --- the report ---------------------------------------------------------------------------------


def report_context(
    analysis: Analysis,
    *,
    generated: datetime | None = None,
    include_projects: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Everything the template shows, numbers already written the French way."""
    step = progress or (lambda _label: None)
    names = list(analysis.outcomes)
    generated = generated or timezone.localtime()
    area = analysis.area
    totals = {name: analysis.totals(name) for name in names}
    step(REPORT_STEPS[0])
    maps = _maps(analysis, names)
    charts = _charts(analysis, names)
    base_url = settings.MAILLAGE_SITE_URL
    estimated = int(analysis.estimated.sum())
    status_estimated = int(analysis.status_only_estimated().sum())
    key_figures = [
        {
            "key": indicator.key,
            "label": indicator.label,
            "short_label": indicator.short_label,
            "part": indicator.part,
            "unit": indicator.unit,
            "description": indicator.description,
            "cells": [_indicator_text(indicator.key, totals[n][indicator.key]) for n in names],
        }
        for indicator in INDICATORS
    ]
    return {
        "territory": {
            "name": area.name,
            "code": area.code,
            "level": selectors.LEVELS[area.level].label,
            "url": base_url + reverse("observatory:territory", args=[area.level, area.code]),
        },
        "generated": date_format(generated, "j F Y à H:i"),
        "generated_iso": generated.isoformat(timespec="minutes"),
        "catchment": analysis.catchment.describe(),
        "include_projects": include_projects,
        "commune_count": _number(len(analysis.codes)),
        "estimated_count": estimated,
        "estimated_text": _number(estimated),
        "estimated_share": _number(100 * estimated / max(1, len(analysis.codes))),
        "estimated_label": exports.ESTIMATED_LABEL,
        "status_estimated_count": status_estimated,
        "status_estimated_text": _number(status_estimated),
        "status_estimated_label": STATUS_ESTIMATED_LABEL,
        "population": _number(float(analysis.population.sum())),
        "epci_count": len(analysis.epci_names()),
        "provenance": [(str(key), str(value)) for key, value in analysis.provenance.items()],
        "scenario_titles": [_scenario_title(analysis, name) for name in names],
        "key_figures": key_figures,
        "impact_figures": [row for row in key_figures if row["key"] in IMPACT_KEYS],
        "scenarios": _scenarios(analysis),
        "impact_parameters": _impact_parameters(analysis),
        "maps": maps,
        "charts": charts,
        "demand_columns": [INDICATORS_BY_KEY[key] for key in DEMAND_KEYS],
        "demand_tables": _epci_tables(analysis, names, DEMAND_KEYS),
        "impact_columns": [INDICATORS_BY_KEY[key] for key in IMPACT_KEYS],
        "impact_tables": _epci_tables(analysis, names, IMPACT_KEYS),
        "underserved": _underserved(analysis, names),
        "underserved_limit": UNDERSERVED_LIMIT,
        "places": _places(analysis),
        "method_url": base_url + reverse("observatory:scenarios") + "#methode",
    }


def write_report(
    analysis: Analysis,
    folder: Path,
    *,
    progress: Callable[[str], None] | None = None,
    include_projects: bool = False,
    generated: datetime | None = None,
) -> ReportFiles:
    """Write the report folder (created if needed; files of the same name are replaced):
    `rapport.html`, `observatoire.xlsx`, `communes.geojson` and `epci.geojson` for the main
    scenario (`main_scenario`), and `communes-<scénario>.geojson` / `epci-<scénario>.geojson`
    for each other one. `progress` is called with the label of each step (`REPORT_STEPS`)."""
    step = progress or (lambda _label: None)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with translation.override("fr"):
        context = report_context(
            analysis, generated=generated, include_projects=include_projects, progress=step
        )
        step(REPORT_STEPS[1])
        html = folder / "rapport.html"
        html.write_text(render_to_string("observatory/report.html", context), encoding="utf-8")
    step(REPORT_STEPS[2])
    xlsx = folder / "observatoire.xlsx"
    xlsx.write_bytes(exports.workbook(analysis))
    step(REPORT_STEPS[3])
    main = main_scenario(analysis)
    ids = _scenario_ids(list(analysis.outcomes))
    written: list[Path] = []
    for name in [main, *(n for n in analysis.outcomes if n != main)]:
        suffix = "" if name == main else f"-{ids[name]}"
        for mesh, stem in (("communes", "communes"), ("epci", "epci")):
            path = folder / f"{stem}{suffix}.geojson"
            path.write_text(exports.geojson(analysis, mesh=mesh, scenario=name), encoding="utf-8")
            written.append(path)
    return ReportFiles(
        folder=folder,
        html=html,
        xlsx=xlsx,
        communes_geojson=folder / "communes.geojson",
        epci_geojson=folder / "epci.geojson",
        scenario=main,
        geojson=tuple(written),
    )


def default_folder(code: str, day: date) -> Path:
    """`rapport-observatoire-<code>-<AAAA-MM-JJ>`, in the current directory."""
    return Path(f"rapport-observatoire-{code}-{day.isoformat()}")

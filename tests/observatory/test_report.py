"""The report folder: HTML tables, maps and charts, workbook and GeoJSON read back, and the
`observatoire` command end to end on real territories of the test database."""

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from maillage.observatory import report, selectors
from maillage.observatory.analysis import (
    INDICATOR_KEYS,
    Analysis,
    Offer,
    ScenarioOutcome,
    StudyArea,
)
from maillage.observatory.catchment import Catchment
from maillage.observatory.exports import indicator_column
from maillage.observatory.impacts import ImpactParameters
from maillage.observatory.inputs import STATUS_ESTIMATED_LABEL
from maillage.observatory.scenarios import default_scenarios, scenario_copy
from maillage.observatory.services import scenario_save
from maillage.territory.models import EPCI, Commune

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"
MINUS = "\u2212"
SVG = "{http://www.w3.org/2000/svg}"
YEAR = 2030
GENERATED = datetime(2030, 3, 5, 14, 7, tzinfo=timezone.get_fixed_timezone(60))

# Hand-picked desks per commune (communes in code order): actuel and rupture.
DESKS = {"actuel": [1.0, 2.0, 3.0, 4.0, 5.0], "rupture": [10.0, 20.0, 30.0, 40.0, 50.0]}
OFFER = [2.0, 0.0, 0.0, 1.0, 0.0]
ESTIMATED = [True, False, True, False, False]


# --- reading the report back -----------------------------------------------------------------


class _Tables(HTMLParser):
    """Rows of every `<table id>`: section, `data-code` (or `data-lieu`), cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[dict]] = {}
        self.table: str | None = None
        self.section = ""
        self.row: dict | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self.table = attributes.get("id")
            self.tables[self.table] = []
        elif tag in {"thead", "tbody", "tfoot"}:
            self.section = tag
        elif tag == "tr" and self.table:
            code = attributes.get("data-code") or attributes.get("data-lieu")
            self.row = {"section": self.section, "code": code, "cells": []}
        elif tag in {"th", "td"} and self.row is not None:
            self.cell = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag in {"th", "td"} and self.row is not None and self.cell is not None:
            # Only ASCII blanks: the narrow no-break space of French numbers must stay.
            self.row["cells"].append(re.sub(r"[ \t\r\n]+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.table].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None


def tables(html: str) -> dict[str, list[dict]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def body_rows(html: str, table_id: str) -> list[dict]:
    return [row for row in tables(html)[table_id] if row["section"] == "tbody"]


def svg_by_id(html: str, ident: str) -> ET.Element:
    match = re.search(rf'<svg [^>]*id="{re.escape(ident)}".*?</svg>', html, flags=re.DOTALL)
    assert match, ident
    return ET.fromstring(match.group(0))


def path_classes(root: ET.Element) -> dict[str, str]:
    return {path.get("data-code"): path.get("class") for path in root.iter(f"{SVG}path")}


def fr(value: float, decimals: int = 0) -> str:
    """A number as the report shows it (people and desks: integers)."""
    text = f"{value:,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    return text.replace("-", MINUS)


# --- an analysis with hand-picked values on real communes ----------------------------------


def _two_epci_of_calvados() -> tuple[list[Commune], Commune]:
    """Three communes of a Calvados EPCI, two of another one, and a neighbour of a third."""
    epcis = list(
        EPCI.objects.filter(communes__departement__code="14")
        .annotate(n=Count("communes"))
        .filter(n__gte=3)
        .order_by("code")
        .values_list("code", flat=True)[:3]
    )
    located = Commune.objects.filter(centroid_lat__isnull=False).exclude(outline="")
    first = list(located.filter(epci__code=epcis[0]).order_by("code")[:3])
    second = list(located.filter(epci__code=epcis[1]).order_by("code")[:2])
    ring = located.filter(epci__code=epcis[2]).order_by("code").first()
    return sorted(first + second, key=lambda commune: commune.code), ring


def _values(desks: list[float]) -> dict[str, np.ndarray]:
    postes = np.array(desks)
    offre = np.array(OFFER)
    ecart = postes - offre
    values = {key: np.arange(1.0, 6.0) * (i + 1) for i, key in enumerate(INDICATOR_KEYS)}
    values.update(postes=postes, offre=offre, ecart=ecart, non_couverts=np.maximum(ecart, 0.0))
    return values


@pytest.fixture
def hand_analysis() -> Analysis:
    inside, ring = _two_epci_of_calvados()
    communes = [*inside, ring]
    area = StudyArea(
        level="departement",
        code="14",
        name="Calvados",
        codes=np.array([c.code for c in communes]),
        names=np.array([c.name for c in communes]),
        epci_codes=np.array([c.epci.code for c in communes]),
        epci_names=np.array([c.epci.name for c in communes]),
        population=np.array([1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0]),
        lat=np.array([c.centroid_lat for c in communes]),
        lon=np.array([c.centroid_lon for c in communes]),
        inside=np.array([True] * 5 + [False]),
    )
    offer = Offer(
        ids=np.array([7, 3]),
        names=np.array(["Le Cowork", "La Ruche"]),
        commune_codes=np.array([inside[0].code, ring.code]),
        lat=np.array([inside[0].centroid_lat, ring.centroid_lat]),
        lon=np.array([inside[0].centroid_lon, ring.centroid_lon]),
        capacity=np.array([12.0, 5.0]),
        is_project=np.array([False, True]),
    )
    published = default_scenarios(YEAR)
    return Analysis(
        area=area,
        offer=offer,
        catchment=Catchment(mode="distance", radius_km=15),
        impact_parameters=ImpactParameters(),
        estimated=np.array(ESTIMATED),
        outcomes={
            name: ScenarioOutcome(scenario=published[name], results=None, values=_values(desks))
            for name, desks in DESKS.items()
        },
        provenance={"actifs résidents": "estimation par défaut (test)"},
    )


@pytest.fixture
def written(hand_analysis, tmp_path) -> report.ReportFiles:
    return report.write_report(
        hand_analysis, tmp_path / "rapport", generated=GENERATED, include_projects=True
    )


def test_write_report_writes_every_file_of_the_folder(written, tmp_path):
    folder = tmp_path / "rapport"
    assert written.scenario == "rupture"
    assert written.paths() == [
        folder / "rapport.html",
        folder / "observatoire.xlsx",
        folder / "communes.geojson",
        folder / "epci.geojson",
        folder / "communes-actuel.geojson",
        folder / "epci-actuel.geojson",
    ]
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        path.name for path in written.paths()
    )


def test_write_report_reports_each_step(hand_analysis, tmp_path):
    steps: list[str] = []
    report.write_report(hand_analysis, tmp_path, progress=steps.append)
    assert steps == list(report.REPORT_STEPS)


def test_geojson_layers_hold_the_main_scenario_and_the_baseline(written, hand_analysis):
    main = json.loads(written.communes_geojson.read_text(encoding="utf-8"))
    baseline = json.loads((written.folder / "communes-actuel.geojson").read_text("utf-8"))
    codes = hand_analysis.codes.tolist()
    assert [f["properties"]["code"] for f in main["features"]] == codes
    assert [f["properties"]["postes"] for f in main["features"]] == DESKS["rupture"]
    assert [f["properties"]["postes"] for f in baseline["features"]] == DESKS["actuel"]
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in main["features"])
    epci = json.loads(written.epci_geojson.read_text(encoding="utf-8"))
    sums = {f["properties"]["code"]: f["properties"]["postes"] for f in epci["features"]}
    epci_codes = hand_analysis.epci_codes.tolist()
    expected = {
        code: sum(d for d, c in zip(DESKS["rupture"], epci_codes, strict=True) if c == code)
        for code in set(epci_codes)
    }
    assert sums == expected


def test_workbook_epci_totals_equal_the_sums_of_their_communes(written):
    book = load_workbook(written.xlsx, read_only=True)
    communes = list(book["Communes"].iter_rows(values_only=True))
    epcis = list(book["EPCI"].iter_rows(values_only=True))
    commune_header, commune_rows = communes[0], communes[1:]
    epci_header, epci_rows = epcis[0], epcis[1:]
    assert len(commune_rows) == 5
    assert len(epci_rows) == 2
    columns = [indicator_column(key, name) for name in DESKS for key in INDICATOR_KEYS]
    for epci_row in epci_rows:
        members = [row for row in commune_rows if row[2] == epci_row[0]]
        assert epci_row[2] == len(members)
        assert epci_row[4] == sum(row[4] for row in members)
        for column in columns:
            expected = sum(row[commune_header.index(column)] for row in members)
            assert epci_row[epci_header.index(column)] == pytest.approx(expected)
    total = sum(row[epci_header.index(indicator_column("postes", "rupture"))] for row in epci_rows)
    assert total == pytest.approx(sum(DESKS["rupture"]))


def test_report_is_self_contained_french_html(written):
    html = written.html.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in html
    # Nothing to fetch: no script, stylesheet, image or font; SVG fills point inside the page.
    assert "<script" not in html
    assert "<link" not in html
    assert "src=" not in html
    assert "@import" not in html
    assert set(re.findall(r"url\((.)", html)) <= {"#"}
    assert 'Rapport produit le <time datetime="2030-03-05T14:07+01:00">5 mars 2030 à 14:07' in html


def test_report_warns_about_estimated_communes(written):
    html = written.html.read_text(encoding="utf-8")
    warning = re.search(r'id="avertissement-estimation".*?</div>', html, flags=re.DOTALL)
    text = " ".join(re.sub(r"<[^>]+>", " ", warning.group(0)).split())
    assert "Estimation par défaut : 2 communes sur 5 (40 %)" in text


def test_report_epci_tables_hold_the_sums_of_their_communes(written, hand_analysis):
    html = written.html.read_text(encoding="utf-8")
    epci_codes = hand_analysis.epci_codes.tolist()
    names = hand_analysis.epci_names()
    order = sorted(set(epci_codes), key=lambda code: (names[code], code))
    for scenario, desks in DESKS.items():
        rows = tables(html)[f"tableau-epci-{scenario}"]
        body = [row for row in rows if row["section"] == "tbody"]
        assert [row["code"] for row in body] == order
        for row in body:
            members = [i for i, code in enumerate(epci_codes) if code == row["code"]]
            postes = sum(desks[i] for i in members)
            offre = sum(OFFER[i] for i in members)
            unmet = sum(max(desks[i] - OFFER[i], 0.0) for i in members)
            # EPCI, communes, estimated, population, potentiel, télétravailleurs, usagers,
            # postes, offre, écart, non couverts
            assert row["cells"][0] == f"{names[row['code']]} {row['code']}"
            assert row["cells"][1:3] == [
                str(len(members)),
                str(sum(ESTIMATED[i] for i in members)),
            ]
            assert row["cells"][7:] == [fr(postes), fr(offre), fr(postes - offre), fr(unmet)]
        (total,) = [row for row in rows if row["section"] == "tfoot"]
        assert total["cells"][:4] == ["Total du territoire", "5", "2", f"15{NNBSP}000"]
        assert total["cells"][7] == fr(sum(desks))


def test_report_ranks_underserved_communes_by_unmet_need(written, hand_analysis):
    html = written.html.read_text(encoding="utf-8")
    codes = hand_analysis.codes.tolist()
    # actuel: unmet = [0, 2, 3, 3, 5]: the first commune has a surplus and is left out;
    # the tie at 3 goes to the smaller code.
    rows = body_rows(html, "tableau-sous-desservies-actuel")
    assert [row["code"] for row in rows] == [codes[4], codes[2], codes[3], codes[1]]
    assert [row["cells"][-1] for row in rows] == ["5", "3", "3", "2"]
    estimated = [row["code"] for row in rows if "estimation par défaut" in row["cells"][1]]
    assert estimated == [codes[2]]


def test_report_key_figures_side_by_side(written):
    html = written.html.read_text(encoding="utf-8")
    rows = {row["cells"][0]: row["cells"][1:] for row in body_rows(html, "tableau-chiffres-cles")}
    assert rows["Postes nécessaires"] == ["postes", "15", "150"]
    assert rows["Besoin non couvert"] == ["postes", "13", "147"]
    header = tables(html)["tableau-chiffres-cles"][0]["cells"]
    assert header == ["Indicateur", "Unité", "Pratiques actuelles (2030)", "Rupture (2035)"]


def test_report_lists_parameters_with_their_sources(written):
    html = written.html.read_text(encoding="utf-8")
    rows = {
        row["cells"][0]: row["cells"][1:] for row in body_rows(html, "tableau-parametres-rupture")
    }
    assert rows["Taux d'adoption du télétravail"][0] == "85 %"
    assert rows["Taux d'adoption du télétravail"][1].startswith("hypothèse de rupture")
    impacts = {row["cells"][0]: row["cells"][1] for row in body_rows(html, "parametres-impacts")}
    assert impacts["Facteur d'émission de la voiture (kgCO2e par km)"] == "0,2176"


def test_report_lists_the_places_counted_as_offer(written, hand_analysis):
    html = written.html.read_text(encoding="utf-8")
    rows = body_rows(html, "tableau-lieux")
    assert [(row["code"], row["cells"][2:]) for row in rows] == [
        ("3", ["5", "en projet", "non (commune voisine)"]),
        ("7", ["12", "ouvert", "oui"]),
    ]
    assert rows[1]["cells"][1] == f"{hand_analysis.names[0]} {hand_analysis.codes[0]}"


def test_report_commune_maps_share_quantile_classes_across_scenarios(written, hand_analysis):
    html = written.html.read_text(encoding="utf-8")
    codes = hand_analysis.codes.tolist()
    # Pooled desks 1…5 and 10…50: breaks 2, 4, 10, 30 (ranks 2, 4, 6, 8 of 10).
    actuel = path_classes(svg_by_id(html, "svg-carte-communes-postes-actuel"))
    rupture = path_classes(svg_by_id(html, "svg-carte-communes-postes-rupture"))
    assert [actuel[code] for code in codes] == [
        "obs-classe-1",
        "obs-classe-1",
        "obs-classe-2",
        "obs-classe-2",
        "obs-classe-3",
    ]
    assert [rupture[code] for code in codes] == [
        "obs-classe-3",
        "obs-classe-4",
        "obs-classe-4",
        "obs-classe-5",
        "obs-classe-5",
    ]
    # The gap: the first commune has a surplus (blue), the others an unmet need (red).
    gap = path_classes(svg_by_id(html, "svg-carte-communes-ecart-actuel"))
    assert gap[codes[0]] == "obs-classe-neg-1"
    assert all(gap[code].startswith("obs-classe-pos-") for code in codes[1:])


def test_report_epci_maps_draw_one_area_per_epci(written, hand_analysis):
    html = written.html.read_text(encoding="utf-8")
    root = svg_by_id(html, "svg-carte-epci-postes-rupture")
    assert sorted(path_classes(root)) == sorted(set(hand_analysis.epci_codes.tolist()))
    assert root.get("role") == "img"
    titles = [path.find(f"{SVG}title").text for path in root.iter(f"{SVG}path")]
    assert all(title.endswith(" postes") for title in titles)


def test_report_scenario_chart_has_a_bar_per_series_and_scenario(written):
    html = written.html.read_text(encoding="utf-8")
    root = svg_by_id(html, "graphique-scenarios")
    rects = [r for g in root.findall(f"{SVG}g") for r in g.findall(f"{SVG}rect")]
    assert [float(r.get("data-valeur")) for r in rects] == [15.0, 3.0, 13.0, 150.0, 3.0, 147.0]
    desc = root.find(f"{SVG}desc").text
    assert (
        "Rupture (2035) : Postes nécessaires 150, Offre accessible 3, Besoin non couvert 147."
        in desc
    )


# --- the command, end to end -------------------------------------------------------------------


def _small_epci_of_calvados() -> EPCI:
    return (
        EPCI.objects.filter(communes__departement__code="14")
        .annotate(n=Count("communes"))
        .filter(n__gte=2)
        .order_by("n", "code")
        .first()
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("observatoire", *args, stdout=out, stderr=io.StringIO(), verbosity=0)
    return out.getvalue()


def test_command_writes_the_report_of_an_epci(tmp_path):
    epci = _small_epci_of_calvados()
    folder = tmp_path / "sortie"
    output = _run("--territoire", epci.code, "--scenario", "rupture", "--sortie", str(folder))
    names = ["rapport.html", "observatoire.xlsx", "communes.geojson", "epci.geojson"]
    names += ["communes-actuel.geojson", "epci-actuel.geojson"]
    assert sorted(path.name for path in folder.iterdir()) == sorted(names)
    lines = output.splitlines()
    assert lines[0] == f"Rapport de {epci.name} ({epci.code}) écrit dans {folder} :"
    assert lines[1:7] == [f"  {folder / name}" for name in names]

    # The totals printed are those of the same analysis run again.
    today = timezone.localdate()
    published = default_scenarios(today.year)
    analysis = selectors.analysis_run(
        level="epci",
        code=epci.code,
        scenarios=[published["actuel"], published["rupture"]],
        catchment=Catchment(mode="distance", radius_km=15),
    )
    communes = Commune.objects.filter(epci=epci, centroid_lat__isnull=False).count()
    assert lines[7].startswith(f"{communes} communes, dont {communes} en estimation par défaut")
    for line, name in zip(lines[8:], ("actuel", "rupture"), strict=True):
        totals = analysis.totals(name)
        assert f"{fr(totals['postes'], 1)} postes nécessaires" in line
        assert f"{fr(totals['non_couverts'], 1)} non couverts" in line

    book = load_workbook(folder / "observatoire.xlsx", read_only=True)
    assert len(list(book["Communes"].iter_rows(values_only=True))) == communes + 1
    epci_rows = list(book["EPCI"].iter_rows(values_only=True))
    assert [row[0] for row in epci_rows[1:]] == [epci.code]
    header = epci_rows[0]
    column = header.index(indicator_column("postes", "rupture"))
    assert epci_rows[1][column] == pytest.approx(analysis.totals("rupture")["postes"])

    html = (folder / "rapport.html").read_text(encoding="utf-8")
    rows = body_rows(html, "tableau-epci-rupture")
    assert [row["code"] for row in rows] == [epci.code]
    assert rows[0]["cells"][7] == fr(analysis.totals("rupture")["postes"])
    # A single EPCI: commune maps only.
    assert 'id="svg-carte-communes-postes-rupture"' in html
    assert 'id="svg-carte-epci-postes-rupture"' not in html
    commune_paths = path_classes(svg_by_id(html, "svg-carte-communes-postes-actuel"))
    assert sorted(commune_paths) == sorted(analysis.codes.tolist())


def test_command_counts_the_places_of_the_directory(place, tmp_path):
    folder = tmp_path / "caen"
    _run("--territoire", "200065597", "--scenario", "tendanciel", "--sortie", str(folder))
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    rows = body_rows(html, "tableau-lieux")
    assert [(row["code"], row["cells"]) for row in rows] == [
        (str(place.pk), [place.name, f"Caen {place.commune.code}", "26", "ouvert", "oui"])
    ]


def test_command_uses_a_saved_scenario_by_name(tmp_path):
    today = timezone.localdate()
    variant = scenario_copy(
        default_scenarios(today.year)["tendanciel"], "ma-variante", today=today, adoption=0.7
    )
    scenario_save(user=None, scenario=replace(variant, label="Ma variante"), today=today)
    scenario_save(
        user=None, scenario=replace(variant, label="Ma variante", adoption=0.75), today=today
    )
    folder = tmp_path / "variante"
    output = _run(
        "--territoire",
        _small_epci_of_calvados().code,
        "--scenario",
        "ma-variante",
        "--sortie",
        str(folder),
    )
    assert "Ma variante (" in output
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    rows = {
        row["cells"][0]: row["cells"][1:]
        for row in body_rows(html, "tableau-parametres-ma-variante")
    }
    # The latest version is used.
    assert rows["Taux d'adoption du télétravail"][0] == "75 %"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--territoire", "99999"],
            "Aucun territoire chargé n'a le code « 99999 » (région, département ou EPCI).",
        ),
        (
            ["--territoire", "14", "--scenario", "inconnu"],
            "Scénario inconnu : « inconnu ». Scénarios disponibles : actuel, tendanciel, rupture.",
        ),
        (
            ["--territoire", "14", "--rayon", "500"],
            "Rayon (km par la route) : 500 est hors de propos ; au plus 200.",
        ),
        (
            ["--territoire", "14", "--facteur-emission", "-1"],
            "Facteur d'émission de la voiture (kgCO2e par km) : -1 est hors limites ; saisir une "
            "valeur positive ou nulle.",
        ),
        (
            ["--territoire", "14", "--minutes", "0"],
            "Temps de trajet (minutes) : 0 ; une valeur strictement positive est attendue.",
        ),
    ],
)
def test_command_refuses_bad_arguments_in_french(args, message, tmp_path):
    with pytest.raises(CommandError) as raised:
        _run(*args, "--sortie", str(tmp_path / "r"))
    assert str(raised.value) == message
    assert not (tmp_path / "r").exists()


def test_default_folder_names_the_territory_and_the_day():
    assert report.default_folder("14", date(2030, 1, 2)) == Path(
        "rapport-observatoire-14-2030-01-02"
    )


def test_report_says_which_communes_have_estimated_salaried_shares(hand_analysis):
    # Communes 2, 4 and 5 are counted by INSEE; 4 and 5 lack « caractéristiques de l'emploi ».
    analysis = replace(hand_analysis, status_estimated=np.array([True, False, True, True, True]))

    context = report.report_context(analysis)
    html = render_to_string("observatory/report.html", context)

    assert (context["status_estimated_count"], context["status_estimated_text"]) == (2, "2")
    assert (
        f"<strong>{escape(STATUS_ESTIMATED_LABEL)}</strong> pour 2 communes dont les actifs "
        "viennent du recensement" in html
    )
    assert report.report_context(hand_analysis)["status_estimated_count"] == 0


# --- impacts in two parts (issue 11) -----------------------------------------------------------


def _with_split_impacts(analysis: Analysis) -> Analysis:
    """The hand analysis with impacts whose parts add up: home 1 000 × i, shared 250 × i km (and
    a tenth of that in tonnes, hours and euros)."""
    outcomes = {}
    for name, outcome in analysis.outcomes.items():
        values = dict(outcome.values)
        for factor, key in enumerate(report.IMPACT_TOTALS, start=1):
            home = np.arange(1.0, 6.0) * 1000.0 / factor
            shared = np.arange(1.0, 6.0) * 250.0 / factor
            values.update(
                {key: home + shared, f"{key}_domicile": home, f"{key}_tiers_lieux": shared}
            )
        outcomes[name] = replace(outcome, values=values)
    return replace(analysis, outcomes=outcomes)


def test_report_shows_each_impact_with_its_home_and_tiers_lieux_parts(hand_analysis, tmp_path):
    files = report.write_report(_with_split_impacts(hand_analysis), tmp_path, generated=GENERATED)
    html = files.html.read_text(encoding="utf-8")
    rows = [row["cells"] for row in body_rows(html, "tableau-impacts")]
    # km: home 15 000, shared 3 750; CO2e (÷ 2): 7 500,0 and 1 875,0 t; total 9 375,0.
    assert rows[:6] == [
        ["Kilomètres évités", "km par an", f"18{NNBSP}750", f"18{NNBSP}750"],
        ["dont télétravail à domicile", "km par an", f"15{NNBSP}000", f"15{NNBSP}000"],
        ["dont tiers-lieux", "km par an", f"3{NNBSP}750", f"3{NNBSP}750"],
        ["CO2e évité", "tonnes par an", f"9{NNBSP}375,0", f"9{NNBSP}375,0"],
        ["dont télétravail à domicile", "tonnes par an", f"7{NNBSP}500,0", f"7{NNBSP}500,0"],
        ["dont tiers-lieux", "tonnes par an", f"1{NNBSP}875,0", f"1{NNBSP}875,0"],
    ]
    assert len(rows) == 15
    assert html.count('class="partie"') == 2 * 10  # key figures and impact tables, 10 parts
    assert "« dont tiers-lieux »" in html
    # The EPCI impact tables carry the full labels, parts included.
    header = tables(html)["tableau-impacts-rupture"][0]["cells"]
    assert "Temps gagné, dont tiers-lieux (heures par an)" in header
    assert "Temps gagné, dont télétravail à domicile (heures par an)" in header


def test_report_workbook_keeps_full_precision_behind_integer_formats(hand_analysis, tmp_path):
    analysis = replace(
        hand_analysis,
        outcomes={
            name: replace(
                outcome, values={**outcome.values, "postes": outcome.values["postes"] + 0.26}
            )
            for name, outcome in hand_analysis.outcomes.items()
        },
    )
    files = report.write_report(analysis, tmp_path, generated=GENERATED)
    sheet = load_workbook(files.xlsx)["Communes"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index(indicator_column("postes", "actuel")) + 1)
    assert (cell.value, cell.number_format) == (1.26, "#,##0")
    html = files.html.read_text(encoding="utf-8")
    rows = {row["cells"][0]: row["cells"][1:] for row in body_rows(html, "tableau-chiffres-cles")}
    assert rows["Postes nécessaires"] == ["postes", "16", "151"]  # 16.3 and 151.3

"""A study as files: the report's tables, the results document, the printable report, the study
as an editable workbook (and faults a person types in it), and the command that runs it all."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from maillage.core.tables import Sheet, xlsx_bytes
from maillage.observatory.scenarios import PARAMETER_FIELDS, default_scenarios, to_dict
from maillage.observatory.study.compute import (
    ORIGIN_FROM_TELEWORKERS,
    ORIGIN_TYPED,
    study_compute,
)
from maillage.observatory.study.document import StudyInvalid, study_from_dict
from maillage.observatory.study.files import study_from_file
from maillage.observatory.study.report import desks_to_create_text, report_html
from maillage.observatory.study.results import result_to_dict
from maillage.observatory.study.tables import result_sheets, result_xlsx
from maillage.observatory.study.workbook import STUDY_KEYS, study_from_xlsx, study_to_xlsx
from maillage.territory.models import Commune
from tests.observatory.test_study_compute import AGY, BAYEUX, _document
from tests.observatory.test_study_document import _document as _epci_document

pytestmark = pytest.mark.django_db

YEARS = (2026, 2031, 2036)
SCENARIOS = ("actuel", "tendanciel", "rupture")
COLUMNS = [f"{year} — {name}" for year in YEARS for name in SCENARIOS]


@pytest.fixture(scope="module")
def result(django_db_setup, django_db_blocker):
    """The test study of `test_study_compute`, computed once (nothing is stored)."""
    with django_db_blocker.unblock():
        return study_compute(study_from_dict(_document()))


def _sheets(result):
    return {sheet.title: sheet for sheet in result_sheets(result)}


# --- report tables ----------------------------------------------------------------------------


def test_synthesis_has_a_column_per_horizon_and_scenario_and_bands_under_banded_figures(result):
    sheet = _sheets(result)["Synthèse"]
    assert list(sheet.header) == ["Indicateur", "Unité", *COLUMNS]
    labels = [row[0] for row in sheet.rows]
    assert labels[:10] == [
        "Télétravailleurs potentiels",
        "Télétravailleurs potentiels, P10",
        "Télétravailleurs potentiels, P90",
        "Télétravailleurs",
        "Télétravailleurs, P10",
        "Télétravailleurs, P90",
        "Indépendants sans salarié",
        "Usagers de tiers-lieux",
        "Usagers de tiers-lieux, P10",
        "Usagers de tiers-lieux, P90",
    ]
    rows = {row[0]: row for row in sheet.rows}
    assert rows["Postes recensés (lieux ouverts)"][2:] == [12.0] * 9
    assert rows["Postes en projet"][2:] == [20.0] * 9
    cells = [result.cell(year, name) for year in YEARS for name in SCENARIOS]
    assert rows["Postes nécessaires"][2:] == [cell.totals["postes"] for cell in cells]
    assert rows["Postes nécessaires, P90"][2:] == [cell.bands["postes"].p90 for cell in cells]
    to_create = rows["Postes à créer"][2:]
    surplus = rows["Excédent de postes"][2:]
    for cell, create, extra in zip(cells, to_create, surplus, strict=True):
        assert (create, extra) == (
            max(0.0, cell.totals["postes"] - 32),
            max(0.0, 32 - cell.totals["postes"]),
        )
    assert rows["Kilomètres évités, dont tiers-lieux"][1] == "km par an"
    # Integers shown, the full value kept: the format, not the value, rounds.
    formats = dict(zip(labels, sheet.row_formats, strict=True))
    assert formats["Postes nécessaires"] == "#,##0"
    assert formats["CO2e évité"] == "#,##0.0"


def test_per_commune_sheet_is_long_with_the_population_at_each_horizon(result):
    sheet = _sheets(result)["Par commune"]
    assert list(sheet.header[:7]) == [
        "Horizon",
        "Scénario",
        "Code",
        "Commune ou zone",
        "Code EPCI",
        "EPCI",
        "Population à l'horizon",
    ]
    assert sheet.header[7:16] == [
        "Télétravailleurs potentiels (personnes)",
        "Télétravailleurs (personnes)",
        "Indépendants sans salarié (personnes)",
        "Usagers de tiers-lieux (personnes)",
        "Postes nécessaires (postes)",
        "Offre accessible (postes)",
        "Écart besoin − offre (postes)",
        "Besoin non couvert des communes (2SFCA) (postes)",
        "Kilomètres évités (km par an)",
    ]
    assert len(sheet.rows) == 9 * 4
    assert [row[:4] for row in sheet.rows[:4]] == [
        [2026, "actuel", AGY, "Agy"],
        [2026, "actuel", "14019", "Arganchy"],
        [2026, "actuel", BAYEUX, "Bayeux"],
        [2026, "actuel", "zone:jersey", "Jersey"],
    ]
    jersey_2031 = next(row for row in sheet.rows if row[:3] == [2031, "rupture", "zone:jersey"])
    assert jersey_2031[6] == pytest.approx(103000 * 1.004**5, rel=1e-12)
    assert jersey_2031[9] == pytest.approx(2500 * 1.004**5, rel=1e-12)
    bayeux_2036 = next(row for row in sheet.rows if row[:3] == [2036, "actuel", BAYEUX])
    assert bayeux_2036[6] == pytest.approx(14000)


def test_epci_sheet_says_how_many_of_its_communes_are_in_the_territory(result):
    sheet = _sheets(result)["EPCI"]
    total = Commune.objects.filter(epci__code="241400555").count()
    assert len(sheet.rows) == 9 * 2
    first, zones = sheet.rows[0], sheet.rows[1]
    assert first[:6] == [2026, "actuel", "241400555", result.epcis[0].name, 3, total]
    population = sum(result.populations[2026][:3])
    assert first[6] == pytest.approx(population, rel=1e-12)
    assert zones[:7] == [2026, "actuel", "zones externes", "zones externes", 1, None, 103000.0]
    desks = result.cell(2026, "actuel").values["postes"]
    assert first[11] + zones[11] == pytest.approx(float(desks.sum()), rel=1e-12)


def test_offer_inputs_and_underserved_sheets(result):
    sheets = _sheets(result)
    assert [list(row) for row in sheets["Offre"].rows] == [
        ["Tiers-lieu de la gare", BAYEUX, "saisie", "ouvert", 12.0, "oui", ""],
        ["Projet du port", "zone:jersey", "saisie", "en projet", 20.0, "oui", ""],
    ]
    inputs = {row[0]: row for row in sheets["Données d'entrée"].rows}
    assert inputs[AGY][4:8] == [130.0, ORIGIN_TYPED, 15.0, ORIGIN_TYPED]
    assert inputs["zone:jersey"][3:] == [
        103000.0,
        result.rows[3].working,
        ORIGIN_FROM_TELEWORKERS,
        2500.0,
        ORIGIN_TYPED,
        9.0,
        ORIGIN_TYPED,
    ]
    underserved = sheets["Communes sous-desservies"].rows
    for year in YEARS:
        for name in SCENARIOS:
            rows = [row for row in underserved if row[:2] == [year, name]]
            cell = result.cell(year, name)
            assert [row[3] for row in rows] == [result.rows[i].code for i in cell.underserved]
            assert [row[2] for row in rows] == list(range(1, len(rows) + 1))
            unmet = [row[6] for row in rows]
            assert unmet == sorted(unmet, reverse=True) and all(value > 0 for value in unmet)


def test_sources_list_every_parameter_of_every_scenario_at_every_horizon(result):
    rows = _sheets(result)["Sources"].rows
    parameters = [row for row in rows if row[0] == "scénario"]
    assert len(parameters) == 9 * len(PARAMETER_FIELDS)
    adoption = [row for row in parameters if row[3] == "taux d'adoption du télétravail"]
    published = {year: default_scenarios(2026, horizon=year) for year in YEARS}
    assert [(row[1], row[2], row[5]) for row in adoption] == [
        (year, name, published[year][name].sources["adoption"])
        for year in YEARS
        for name in SCENARIOS
    ]
    assert [row[3:5] for row in rows if row[0] == "offre"] == [
        ["zone de chalandise", "20 km par la route (vol d'oiseau × 1,3)"]
    ]
    assert {row[3] for row in rows if row[0] == "données"} == set(result.provenance)


def test_the_workbook_keeps_full_values_under_integer_formats(result):
    book = load_workbook(io.BytesIO(result_xlsx(result)))
    assert book.sheetnames == [
        "Synthèse",
        "Par commune",
        "EPCI",
        "Offre",
        "Données d'entrée",
        "Communes sous-desservies",
        "Sources",
    ]
    synthesis = book["Synthèse"]
    row = next(r for r in synthesis.iter_rows(min_row=2) if r[0].value == "Postes nécessaires")
    assert row[2].value == result.cell(2026, "actuel").totals["postes"]
    assert row[2].number_format == "#,##0"


# --- results document and report --------------------------------------------------------------


def test_results_document_carries_the_study_and_every_figure_at_full_precision(result):
    data = json.loads(json.dumps(result_to_dict(result)))
    assert (data["format"], data["version_format"]) == ("maillage-etude-resultats", 1)
    assert study_from_dict(data["etude"]) == result.study
    assert [(cell["annee"], cell["scenario"]) for cell in data["resultats"]] == [
        (year, name) for year in YEARS for name in SCENARIOS
    ]
    first = data["resultats"][0]
    cell = result.cell(2026, "actuel")
    assert first["totaux"] == cell.totals
    assert first["bandes"]["postes"]["p90"] == cell.bands["postes"].p90
    assert first["par_ligne"]["teletravailleurs"] == cell.values["teletravailleurs"].tolist()
    assert data["populations"]["2036"][2] == pytest.approx(14000)
    assert [row["code"] for row in data["lignes"]] == [AGY, "14019", BAYEUX, "zone:jersey"]


def test_desks_to_create_or_a_surplus():
    assert desks_to_create_text(12.4, 0.0) == "12"
    assert desks_to_create_text(0.0, 5.2) == "excédent de 5 postes"
    assert desks_to_create_text(0.0, 1.0) == "excédent de 1 poste"
    assert desks_to_create_text(0.0, 0.0) == "0"


def test_the_report_is_standalone_with_tables_by_horizon(result):
    html = report_html(result)
    for tag in ("<script", "<link", "src=", "url("):
        assert tag not in html
    for year in YEARS:
        assert f'<h2 id="horizon-{year}-titre">Horizon {year}</h2>' in html
        assert f"<caption>Besoin et offre en {year}, par scénario</caption>" in html
    cell = result.cell(2031, "rupture")
    band = cell.bands["postes"]
    p10, p90 = (f"{round(value):,}".replace(",", "\u202f") for value in (band.p10, band.p90))
    assert f'<span class="bande">P10–P90 : {p10}–{p90}</span>' in html
    text = desks_to_create_text(cell.totals["postes_a_creer"], cell.totals["excedent"])
    assert f"<td>{text}</td>" in html
    assert '<tr class="partie"><th scope="row">dont tiers-lieux</th>' in html
    assert "communes dans le territoire : 3 sur" in html
    assert "Projet du port" in html and "Provenance et sources" in html


# --- the study as a workbook ------------------------------------------------------------------


def _custom_scenario():
    return to_dict(default_scenarios(2026)["tendanciel"]) | {"name": "bessin-fort", "label": "Fort"}


@pytest.mark.parametrize(
    "document",
    [
        _document(),
        _epci_document(scenarios=["actuel", _custom_scenario()], description="Deux\nlignes"),
    ],
    ids=["communes", "epci-with-custom-scenario"],
)
def test_a_study_reads_back_equal_from_its_workbook(document):
    study = study_from_dict(document)
    again = study_from_xlsx(study_to_xlsx(study))
    assert again == study
    for first, second in zip(study.scenarios, again.scenarios, strict=True):
        if not first.published:
            assert first.scenario.sources == second.scenario.sources


def _typed_workbook(*, faults: bool) -> bytes:
    """A workbook typed by hand: codes as numbers (zeros lost), decimal commas, a percentage,
    an extra sheet; with `faults`, a spreadsheet error, a typo in a year, an unknown key and a
    word for a number."""
    book = Workbook()
    study = book.active
    study.title = "Étude"
    study.append(["Clé", "Valeur"])
    study.append(["nom", "ain-2031"])
    study.append(["annee_base", 2026])
    study.append(["perimetre.echelon", "liste de communes"])
    study.append(["rayon" if faults else "zone_de_chalandise.rayon_km", "12,5"])
    study.append(["offre.annuaire", "non"])
    horizons = book.create_sheet("Horizons")
    horizons.append(["Année", "Croissance annuelle"])
    horizons.append([2026, None])
    horizons.append(["2O31" if faults else 2031, "0,4 %"])
    communes = book.create_sheet("Communes")
    communes.append(["Code commune"])
    communes.append([1001])
    communes.append(["01002"])
    inputs = book.create_sheet("Données saisies")
    inputs.append(["Code", "Indépendants sans salarié", "Distance domicile-travail (km)"])
    inputs.append([1001, "#N/D" if faults else "15", "12,5"])
    desks = book.create_sheet("Postes saisis")
    desks.append(["Nom", "Postes", "Commune"])
    desks.append(["Atelier", "douze" if faults else 12, 1002])
    notes = book.create_sheet("Notes du consultant")
    notes.append(["à revoir avec la mairie"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_typed_by_hand_is_repaired():
    study = study_from_xlsx(_typed_workbook(faults=False))
    assert study == study_from_dict(
        {
            "nom": "ain-2031",
            "annee_base": 2026,
            "perimetre": {"echelon": "communes", "communes": ["01001", "01002"]},
            "zone_de_chalandise": {"rayon_km": 12.5},
            "horizons": [{"annee": 2026}, {"annee": 2031, "croissance_annuelle": 0.004}],
            "donnees": {"01001": {"independants": 15, "distance_km": 12.5}},
            "offre": {
                "annuaire": False,
                "postes": [{"nom": "Atelier", "postes": 12, "commune": "01002"}],
            },
        }
    )


def test_faults_of_a_typed_workbook_are_named_by_sheet_line_and_column():
    with pytest.raises(StudyInvalid) as caught:
        study_from_xlsx(_typed_workbook(faults=True))
    assert [(error.field, error.message) for error in caught.value.errors] == [
        (
            "Étude",
            "Feuille « Étude », ligne 5, colonne « Clé » : clé « rayon » inconnue ; clés "
            f"possibles : {', '.join(STUDY_KEYS)}.",
        ),
        (
            "donnees.01001.independants",
            "Feuille « Données saisies », ligne 2, colonne « Indépendants sans salarié » : "
            "« #N/D » est une erreur du tableur ; laisser la case vide ou saisir une valeur.",
        ),
        (
            "horizons.1.annee",
            "Feuille « Horizons », ligne 3, colonne « Année » : Année d'horizon : « 2O31 » "
            "n'est pas un nombre.",
        ),
        (
            "offre.postes.0.postes",
            "Feuille « Postes saisis », ligne 2, colonne « Postes » : Postes : « douze » n'est "
            "pas un nombre.",
        ),
    ]


def test_not_a_study_workbook():
    with pytest.raises(StudyInvalid) as caught:
        study_from_xlsx(b"PK not really a zip")
    assert caught.value.errors[0].message == "Le fichier n'est pas un classeur XLSX lisible."
    other = xlsx_bytes([Sheet("Notes", ["Note"], [["rien"]])])
    with pytest.raises(StudyInvalid) as caught:
        study_from_file(other, "etude.xlsx")
    assert caught.value.errors[0].message == (
        "Feuille « Étude » absente : le classeur n'est pas une étude (clés nom, annee_base, "
        "perimetre.echelon…)."
    )
    with pytest.raises(StudyInvalid) as caught:
        study_from_file(b'{"nom": "x",', "etude.json")
    assert caught.value.errors[0].message == (
        "Le fichier n'est pas un JSON lisible : ligne 1, colonne 13."
    )


# --- the command ------------------------------------------------------------------------------


def test_command_writes_json_results_equal_to_the_computed_result(tmp_path, result):
    source = tmp_path / "etude.json"
    source.write_text(json.dumps(_document()), encoding="utf-8")
    target = tmp_path / "sortie.json"
    errors = io.StringIO()
    call_command(
        "observatoire_etude",
        str(source),
        "--format",
        "json",
        "--sortie",
        str(target),
        stdout=io.StringIO(),
        stderr=errors,
    )
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        json.dumps(result_to_dict(result))
    )
    assert errors.getvalue().splitlines() == [
        "Étape 1 : Périmètre de l'étude",
        "Étape 2 : Données d'entrée (imports Insee, estimation par défaut, saisies)",
        "Étape 3 : Offre : lieux de l'annuaire et postes saisis",
        "Étape 4 : Horizon 2026 : 3 scénario(s) et bandes d'incertitude",
        "Étape 5 : Horizon 2031 : 3 scénario(s) et bandes d'incertitude",
        "Étape 6 : Horizon 2036 : 3 scénario(s) et bandes d'incertitude",
        "Étape 7 : Écriture des résultats (json)",
    ]


def test_command_reads_a_workbook_and_writes_the_report_tables_and_html(tmp_path, result):
    source = tmp_path / "bessin.xlsx"
    source.write_bytes(study_to_xlsx(result.study))
    out = io.StringIO()
    call_command("observatoire_etude", str(source), stdout=out, stderr=io.StringIO())
    written = tmp_path / "bessin-2036-resultats.xlsx"
    assert out.getvalue().strip().endswith(f"résultats écrits dans {written}.")
    book = load_workbook(written)
    assert book.sheetnames[:2] == ["Synthèse", "Par commune"]
    header = [cell.value for cell in book["Synthèse"][1]]
    assert header == ["Indicateur", "Unité", *COLUMNS]
    offer = [[cell.value for cell in row] for row in book["Offre"].iter_rows(min_row=2)]
    assert offer[0] == ["Tiers-lieu de la gare", BAYEUX, "saisie", "ouvert", 12, "oui", None]
    call_command(
        "observatoire_etude",
        str(source),
        "--format",
        "html",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        verbosity=0,
    )
    html = (tmp_path / "bessin-2036-resultats.html").read_text(encoding="utf-8")
    assert html == report_html(result)


def test_command_gives_every_error_of_a_bad_study_in_french(tmp_path):
    source = tmp_path / "etude.json"
    document = _document(annee_base=2030, incertitude={"echantillons": 5})
    source.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("observatoire_etude", str(source), stdout=io.StringIO(), stderr=io.StringIO())
    assert str(caught.value) == (
        "L'étude n'est pas valide (2 erreurs) :\n"
        "- horizons.0.annee : Année d'horizon : 2026 est avant l'année de base (2030).\n"
        "- incertitude.echantillons : Nombre de tirages : 5 ; une valeur entre 10 et 4096 est "
        "attendue."
    )
    with pytest.raises(CommandError) as caught:
        call_command("observatoire_etude", str(tmp_path / "absente.json"), stdout=io.StringIO())
    assert str(caught.value) == (
        f"{tmp_path / 'absente.json'} : fichier illisible (No such file or directory)."
    )


_CELLS = st.one_of(
    st.none(),
    st.integers(min_value=-(10**6), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["#N/D", "#DIV/0!", "0,5", "1 200", "12 %", "oui", "zone:x", "1001", "2A004"]),
    st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=12),
)


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(cells=st.lists(_CELLS, min_size=14, max_size=14))
def test_any_cell_gives_a_study_or_located_french_errors(cells):
    """Whatever a person types in the cells, reading gives a study or errors that each say
    where they are (sheet, line, column), never a crash."""
    book = Workbook()
    study = book.active
    study.title = "Étude"
    study.append(["Clé", "Valeur"])
    for key, value in zip(
        ("nom", "annee_base", "perimetre.echelon", "zone_de_chalandise.rayon_km"),
        cells[:4],
        strict=True,
    ):
        study.append([key, value])
    book.create_sheet("Horizons").append(["Année", "Croissance annuelle"])
    book["Horizons"].append(cells[4:6])
    book.create_sheet("Communes").append(["Code commune"])
    book["Communes"].append(cells[6:7])
    inputs = book.create_sheet("Données saisies")
    inputs.append(["Code", "Télétravailleurs", "Distance domicile-travail (km)"])
    inputs.append(cells[7:10])
    desks = book.create_sheet("Postes saisis")
    desks.append(["Nom", "Postes", "Commune", "Statut"])
    desks.append(cells[10:14])
    buffer = io.BytesIO()
    book.save(buffer)
    try:
        study_from_xlsx(buffer.getvalue())
    except StudyInvalid as invalid:
        for error in invalid.errors:
            assert error.message.startswith("Feuille « "), (error.field, error.message)

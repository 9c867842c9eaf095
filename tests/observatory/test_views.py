"""Observatory pages: the diagnosis of a territory, downloads, bad input, siting, scenarios."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory import inputs as inputs_mod
from maillage.observatory import siting_run
from maillage.observatory.analysis import INDICATORS
from maillage.observatory.models import SavedScenario
from maillage.observatory.scenarios import default_scenarios
from maillage.observatory.uncertainty import FIGURES, uncertainty_bands
from maillage.places.permissions import COORDINATORS_GROUP
from maillage.territory.models import EPCI, Commune, Departement
from tests.factories import UserFactory

CAEN_LA_MER = "200065597"
pytestmark = pytest.mark.django_db


def _territory_url(**params):
    url = reverse("observatory:territory", args=["epci", CAEN_LA_MER])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def test_index_lists_regions_and_finds_an_epci(client):
    response = client.get(reverse("observatory:index"), {"q": "Caen la Mer"})
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("observatory:territory", args=["region", "28"]) in body
    assert reverse("observatory:territory", args=["epci", CAEN_LA_MER]) in body


def test_territory_page_shows_the_scenarios_side_by_side(client, place):
    response = client.get(_territory_url())
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("Pratiques actuelles", "Tendance prolongée", "Rupture"):
        assert label in body
    assert "Postes nécessaires" in body
    assert "estimation par défaut" in body.lower()
    assert "1 lieu de l'annuaire" in body
    config = response.context["map_config"]
    assert config["outlinesUrl"] == "/api/territoires/epci/200065597/contours?maille=communes"
    assert "resultats" in config["resultsUrl"]


def test_territory_page_epci_table_matches_the_analysis(client):
    response = client.get(_territory_url(maille="epci", scenario="rupture"))
    analysis = response.context["analysis"]
    rows = response.context["rows"]
    assert [row["code"] for row in rows] == [CAEN_LA_MER]
    desks = rows[0]["cells"][[i.key for i in INDICATORS].index("postes")]["value"]
    assert desks == pytest.approx(analysis.totals("rupture")["postes"])


def test_commune_table_is_sorted_by_the_indicator(client):
    response = client.get(_territory_url(maille="communes", indicateur="potentiel"))
    values = [row["cells"][0]["value"] for row in response.context["rows"]]
    assert values == sorted(values, reverse=True)
    assert len(values) == Commune.objects.filter(epci__code=CAEN_LA_MER).count()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"rayon": "0"}, "rayon", "Rayon"),
        ({"rayon": "-3"}, "rayon", "Rayon"),
        ({"mode": "temps", "minutes": "0"}, "minutes", "minutes"),
        ({"scenario": "inconnu"}, "scenario", "inconnu"),
        ({"indicateur": "nimporte"}, "indicateur", "nimporte"),
    ],
)
def test_bad_parameters_give_a_400_naming_the_field(client, params, field, message):
    response = client.get(_territory_url(**params))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert "analysis" not in response.context


def test_unknown_territory_is_a_404(client):
    response = client.get(reverse("observatory:territory", args=["epci", "999999999"]))
    assert response.status_code == 404
    response = client.get(reverse("observatory:territory", args=["canton", "14"]))
    assert response.status_code == 404


def test_csv_download_has_one_row_per_commune(client):
    response = client.get(_territory_url(maille="communes", format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    members = Commune.objects.filter(epci__code=CAEN_LA_MER).count()
    assert len(rows) == 1 + members
    assert rows[0][:2] == ["Code commune", "Commune"]
    assert any(header.startswith("Postes nécessaires (postes) — rupture") for header in rows[0])


def test_xlsx_download_sheets_add_up(client):
    response = client.get(_territory_url(format="xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Synthèse",
        "EPCI",
        "Communes",
        "Lieux (offre)",
        "Paramètres et sources",
        "Provenance des données",
    ]
    communes = list(workbook["Communes"].iter_rows(values_only=True))
    epci = list(workbook["EPCI"].iter_rows(values_only=True))
    column = communes[0].index("Postes nécessaires (postes) — tendanciel")
    epci_column = epci[0].index("Postes nécessaires (postes) — tendanciel")
    assert sum(row[column] for row in communes[1:]) == pytest.approx(epci[1][epci_column])
    parameters = list(workbook["Paramètres et sources"].iter_rows(values_only=True))
    assert any("Insee" in (row[4] or "") for row in parameters)
    impacts = {row[2]: row[3] for row in parameters if row[0] == "impacts"}
    assert impacts["facteur d'émission de la voiture (kgCO2e par km)"] == "0,2176"
    assert impacts["part de la voiture dans les trajets domicile-travail"] == "70 %"


def test_a_changed_emission_factor_is_used_and_marked_in_the_parameters(client):
    response = client.get(_territory_url(format="xlsx", facteur_emission="0.3"))
    assert response.status_code == 200
    rows = load_workbook(io.BytesIO(response.content))["Paramètres et sources"].iter_rows(
        values_only=True
    )
    factor = next(row for row in rows if row[2] and row[2].startswith("facteur d'émission"))
    assert (factor[3], factor[4]) == ("0,3", "valeur modifiée par l'utilisateur")
    refused = client.get(_territory_url(facteur_emission="-2"))
    assert refused.status_code == 400
    assert "facteur_emission" in refused.context["form"].errors


def test_xlsx_keeps_a_place_whose_name_holds_a_control_character(client, place):
    place.name = "Tiers\x01lieu du bocage"
    place.save(update_fields=["name"])
    response = client.get(_territory_url(format="xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in workbook["Lieux (offre)"].iter_rows(values_only=True)]
    assert "Tierslieu du bocage" in names


def test_geojson_download_carries_indicators(client):
    response = client.get(_territory_url(maille="communes", format="geojson", scenario="actuel"))
    collection = json.loads(response.content)
    members = Commune.objects.filter(epci__code=CAEN_LA_MER).count()
    assert len(collection["features"]) == members
    feature = collection["features"][0]
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert {"postes", "offre", "ecart", "co2_evite", "estimation_par_defaut"} <= set(
        feature["properties"]
    )
    assert feature["properties"]["scenario"] == "actuel"


@pytest.mark.parametrize(
    ("level", "code", "query"),
    [
        ("epci", CAEN_LA_MER, {}),  # the default mesh (EPCI) of an EPCI: its communes
        ("epci", CAEN_LA_MER, {"maille": "epci", "minutes": "", "vitesse": "", "detour": ""}),
        ("departement", "14", {"maille": "epci", "rayon": "", "mode": "distance"}),
    ],
)
def test_every_map_area_gets_a_result(client, level, code, query):
    """The map joins the outlines and the results by code: each outline must find its row, and
    the results URL must be valid even when the page accepted empty fields."""
    config = client.get(reverse("observatory:territory", args=[level, code]), query).context[
        "map_config"
    ]
    results = client.get(config["resultsUrl"])
    assert results.status_code == 200, results.content[:300]
    outlines = json.loads(client.get(config["outlinesUrl"]).content)
    outline_codes = {feature["properties"]["code"] for feature in outlines["features"]}
    result_codes = {row["code"] for row in results.json()["lignes"]}
    assert outline_codes
    assert outline_codes <= result_codes


def test_siting_needs_an_account(client):
    url = reverse("observatory:siting", args=["departement", "14"])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_siting_chooses_k_sites_and_proves_optimality(client):
    client.force_login(UserFactory())
    url = reverse("observatory:siting", args=["departement", "14"])
    response = client.post(
        url, {"scenario": "tendanciel", "objectif": "nombre", "k": "3", "seuil_population": "5000"}
    )
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert len(outcome.sites) == 3
    assert outcome.result.status == "optimal"
    assert outcome.result.mip_gap == 0.0
    download = client.post(
        url,
        {
            "scenario": "tendanciel",
            "objectif": "nombre",
            "k": "3",
            "seuil_population": "5000",
            "format": "csv",
        },
    )
    lines = download.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 4


def test_siting_page_says_when_a_run_of_the_account_is_under_way(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("observatory:siting", args=["departement", "14"])
    data = {"scenario": "tendanciel", "objectif": "nombre", "k": "1", "seuil_population": "5000"}
    with siting_run.siting_slot(user):
        response = client.post(url, data)
    assert response.status_code == 429
    assert "déjà en cours" in response.content.decode()
    assert "outcome" not in response.context
    assert client.post(url, data).status_code == 200


def test_siting_with_a_list_of_candidates_outside_the_territory_is_refused(client):
    client.force_login(UserFactory())
    url = reverse("observatory:siting", args=["departement", "14"])
    response = client.post(
        url, {"scenario": "tendanciel", "objectif": "nombre", "k": "1", "candidats": "76540"}
    )
    assert response.status_code == 400
    assert "76540" in " ".join(response.context["form"].errors["candidats"])


def test_scenarios_page_compares_two_scenarios(client):
    response = client.get(reverse("observatory:scenarios"), {"a": "actuel", "b": "rupture"})
    assert response.status_code == 200
    rows = {row["label"]: row for row in response.context["rows"]}
    assert rows["Taux d'adoption du télétravail"]["differs"] is True
    assert rows["Jours d'ouverture par semaine"]["differs"] is False
    assert "Insee Flash" in rows["Taux d'adoption du télétravail"]["source_a"]


def _scenario_post(**overrides):
    data = {
        "name": "rupture-locale",
        "label": "Rupture locale",
        "horizon": "2031",
        "compatible_ratio": "74,4",
        "adoption": "80",
        "days_per_week": "2",
        "shared_days_per_week": "1,5",
        "shared_bounds_km": "5 ; 50",
        "shared_shares": "5 ; 10 ; 20",
        "solo_share": "10",
        "solo_days_per_week": "2",
        "opening_days": "5",
        "occupancy": "80",
        "tau_agriculteurs": "3",
        "tau_artisans_commercants_chefs": "33",
        "tau_cadres": "72",
        "tau_professions_intermediaires": "48",
        "tau_employes": "36",
        "tau_ouvriers": "2",
    }
    data.update(overrides)
    return data


def test_a_copied_scenario_is_saved_and_shown(client):
    client.force_login(UserFactory())
    url = reverse("observatory:scenario-new", args=["tendanciel"])
    response = client.post(url, _scenario_post())
    assert response.status_code == 302
    saved = SavedScenario.objects.get(name="rupture-locale")
    assert saved.version == 1
    assert saved.data["adoption"] == pytest.approx(0.8)
    assert saved.data["compatible_ratio"] == pytest.approx(0.744)
    assert saved.data["shared_days_per_week"] == 1.5
    page = client.get(_territory_url(scenario="rupture-locale"))
    assert page.status_code == 200
    assert "rupture-locale" in page.context["analysis"].outcomes


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"horizon": "2020"}, "horizon", "passé"),
        ({"horizon": "99999999999999999999999"}, "horizon", "trop lointaine"),
        ({"tau_ouvriers": "120"}, "tau_ouvriers", "120 %"),
        ({"occupancy": "150"}, "occupancy", "150 %"),
        ({"adoption": "120"}, "adoption", "120"),
        ({"shared_shares": "5 ; 10"}, "shared_shares", "3 valeurs"),
        ({"shared_bounds_km": "cinq"}, "shared_bounds_km", "points-virgules"),
    ],
)
def test_a_bad_scenario_value_is_refused_and_nothing_saved(client, overrides, field, fragment):
    client.force_login(UserFactory())
    url = reverse("observatory:scenario-new", args=["tendanciel"])
    response = client.post(url, _scenario_post(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert fragment in " ".join(errors[field])
    assert not SavedScenario.objects.exists()


def test_imports_page_is_for_the_coordination(client):
    client.force_login(UserFactory())
    assert client.get(reverse("observatory:imports")).status_code == 404
    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(coordinator)
    response = client.get(reverse("observatory:imports"))
    assert response.status_code == 200
    assert "Aucun import" in response.content.decode()


def test_measured_impacts_are_for_the_coordination_and_hidden_below_three_people(client, place):
    assert client.get(_territory_url()).context["measured"] is None
    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(coordinator)
    response = client.get(_territory_url())
    measured = response.context["measured"]
    # Twelve complete months, fixed for the whole month.
    today = timezone.localdate()
    assert measured["last"] == today.replace(day=1) - timedelta(days=1)
    assert measured["first"].day == 1
    assert (measured["last"] - measured["first"]).days in range(364, 366)
    assert measured["bookings"] == 0
    assert measured["figures"] is None
    assert "Pas assez d'usagers" in response.content.decode()


# --- bad input and French decimals on the scenario page (issue 11) ------------------------------


def test_a_scenario_typed_with_french_decimal_commas_is_saved(client):
    client.force_login(UserFactory())
    url = reverse("observatory:scenario-new", args=["tendanciel"])
    response = client.post(
        url,
        _scenario_post(
            adoption="80,5",
            days_per_week="1,5",
            tau_cadres="72,25",
            shared_bounds_km="5 ; 1 000",
            shared_shares="5 ; 10,5 ; 20",
            occupancy="80,0",
        ),
    )
    assert response.status_code == 302
    data = SavedScenario.objects.get(name="rupture-locale").data
    assert data["adoption"] == 80.5 / 100
    assert data["days_per_week"] == 1.5
    assert data["teleworkable"][2] == 72.25 / 100
    assert data["shared_bounds_km"] == [5.0, 1000.0]
    assert data["shared_shares"] == [0.05, 10.5 / 100, 0.2]
    assert data["occupancy"] == 0.8


def test_the_scenario_form_shows_its_values_with_commas(client):
    client.force_login(UserFactory())
    response = client.get(reverse("observatory:scenario-new", args=["actuel"]))
    assert response.status_code == 200
    form = response.context["form"]
    html = str(form["days_per_week"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert "." not in form.initial["shared_shares"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"adoption": "80,5,1"},
            "adoption",
            "« 80,5,1 » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5.",
        ),
        (
            {"occupancy": "beaucoup"},
            "occupancy",
            "« beaucoup » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5.",
        ),
        (
            {"adoption": "-5"},
            "adoption",
            "Taux d'adoption du télétravail : -5 % n'est pas une part valide ; saisir une valeur "
            "entre 0 % et 100 %.",
        ),
        (
            {"solo_share": "100,5"},
            "solo_share",
            "Part des indépendants sans salarié utilisant un tiers-lieu : 100,5 % n'est pas une "
            "part valide ; saisir une valeur entre 0 % et 100 %.",
        ),
        (
            {"shared_bounds_km": "50 ; 5"},
            "shared_bounds_km",
            "Bornes des tranches de distance domicile-travail : les bornes doivent être "
            "strictement croissantes (reçu 50, 5 km).",
        ),
        (
            {"shared_shares": "5 ; 1,2,3 ; 20"},
            "shared_shares",
            "Des nombres séparés par des points-virgules sont attendus, ex. « 5 ; 50 ».",
        ),
        ({"name": ""}, "name", "Ce champ est obligatoire."),
        (
            {"name": "a" * 61},
            "name",
            "Assurez-vous que cette valeur comporte au plus 60 caractères (actuellement 61).",
        ),
        (
            {"label": "x" * 121},
            "label",
            "Assurez-vous que cette valeur comporte au plus 120 caractères (actuellement 121).",
        ),
        (
            {"shared_shares": "5 ; " * 60 + "5"},
            "shared_shares",
            "Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 241).",
        ),
    ],
)
def test_bad_scenario_input_gets_a_french_message_on_its_field(client, overrides, field, message):
    client.force_login(UserFactory())
    url = reverse("observatory:scenario-new", args=["tendanciel"])
    response = client.post(url, _scenario_post(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not SavedScenario.objects.exists()


def test_someone_elses_scenario_name_is_a_form_error_not_a_new_version(client):
    url = reverse("observatory:scenario-new", args=["tendanciel"])
    client.force_login(UserFactory())
    assert client.post(url, _scenario_post()).status_code == 302
    client.force_login(UserFactory())
    response = client.post(url, _scenario_post(adoption="10"))
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "Nom du scénario : « rupture-locale » appartient à quelqu'un d'autre ; choisir un autre "
        "nom."
    ]
    assert SavedScenario.objects.get().version == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rayon": "12,5"}, {"mode": "distance", "radius_km": 12.5, "detour": 1.3}),
        (
            {"rayon": "12,5", "detour": "1,45"},
            {"mode": "distance", "radius_km": 12.5, "detour": 1.45},
        ),
        (
            {"mode": "temps", "minutes": "22,5", "vitesse": "47,5"},
            {"mode": "time", "minutes": 22.5, "speed_kmh": 47.5},
        ),
    ],
)
def test_catchment_takes_french_decimal_commas(client, params, expected):
    response = client.get(_territory_url(**params))
    assert response.status_code == 200
    catchment = response.context["form"].cleaned_data["catchment"]
    assert {key: getattr(catchment, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rayon": "douze"}, "rayon"),
        ({"mode": "temps", "minutes": "20,,5"}, "minutes"),
        ({"facteur_emission": "0,2,1"}, "facteur_emission"),
    ],
)
def test_catchment_garbage_is_a_french_field_error(client, params, field):
    response = client.get(_territory_url(**params))
    assert response.status_code == 400
    typed = params[field]
    assert response.context["form"].errors[field] == [
        f"« {typed} » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5."
    ]


def test_the_emission_factor_takes_a_comma(client):
    response = client.get(_territory_url(facteur_emission="0,1088", cout_km="0,714"))
    assert response.status_code == 200
    impacts = response.context["form"].cleaned_data["impacts"]
    assert (impacts.emission_factor, impacts.cost_per_km) == (0.1088, 0.714)


# --- impacts in two parts, rounding for people (issue 11) --------------------------------------

IMPACT_TOTALS = ("km_evites", "co2_evite", "co2_evite_net", "heures_gagnees", "euros_economises")


def test_the_page_splits_every_impact_between_home_and_tiers_lieux(client):
    """Under each impact total, « dont télétravail à domicile » and « dont tiers-lieux », whose
    values add up to the total: the page never credits all telework to tiers-lieux."""
    response = client.get(_territory_url(scenario="tendanciel"))
    assert response.status_code == 200
    analysis = response.context["analysis"]
    keys = [row["indicator"].key for row in response.context["comparison"]]
    for key in IMPACT_TOTALS:
        at = keys.index(key)
        assert keys[at : at + 3] == [key, f"{key}_domicile", f"{key}_tiers_lieux"]
        for name in analysis.outcomes:
            totals = analysis.totals(name)
            home, shared = totals[f"{key}_domicile"], totals[f"{key}_tiers_lieux"]
            assert home + shared == pytest.approx(totals[key], rel=1e-12)
            assert home > shared > 0  # most telework days are at home, some in shared places
    body = response.content.decode()
    assert body.count('<span class="obs-part-label">dont télétravail à domicile</span>') == 5
    assert body.count('<span class="obs-part-label">dont tiers-lieux</span>') == 5
    assert "Kilomètres évités, dont tiers-lieux" in body  # full label in the commune table
    assert "5 km aller, hypothèse" in body


def test_the_page_shows_people_and_desks_as_integers(client):
    response = client.get(_territory_url(scenario="rupture"))
    comparison = {row["indicator"].key: row["cells"] for row in response.context["comparison"]}
    analysis = response.context["analysis"]
    names = response.context["scenario_names"]
    for key in ("potentiel", "teletravailleurs", "usagers", "postes", "offre", "non_couverts"):
        expected = [f"{round(analysis.totals(n)[key]):,}".replace(",", "\u202f") for n in names]
        assert comparison[key] == expected, key
    for row in response.context["rows"]:
        for cell, indicator in zip(row["cells"], INDICATORS, strict=True):
            if indicator.unit in {"personnes", "postes"}:
                assert "," not in cell["text"], (indicator.key, cell["text"])


def test_data_downloads_keep_full_precision_and_the_xlsx_shows_integers(client):
    """CSV and GeoJSON are data: unrounded values. The XLSX keeps the value and shows desks
    and people as integers through the cell's number format."""
    response = client.get(_territory_url(maille="communes", format="csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Postes nécessaires (postes) — rupture")
    values = [float(row[column]) for row in rows[1:]]
    assert any(value != round(value) for value in values)
    for key in IMPACT_TOTALS:
        for scenario in ("actuel", "rupture"):
            total = next(h for h in rows[0] if h.startswith(f"{_label(key)} (") and scenario in h)
            home = rows[0].index(total.replace(" (", ", dont télétravail à domicile (", 1))
            shared = rows[0].index(total.replace(" (", ", dont tiers-lieux (", 1))
            at = rows[0].index(total)
            for row in rows[1:]:
                assert float(row[home]) + float(row[shared]) == pytest.approx(
                    float(row[at]), rel=1e-12, abs=1e-9
                )

    geojson = json.loads(
        client.get(_territory_url(maille="communes", format="geojson", scenario="rupture")).content
    )
    properties = geojson["features"][0]["properties"]
    assert {"km_evites_domicile", "km_evites_tiers_lieux"} <= set(properties)
    assert any(
        f["properties"]["postes"] != round(f["properties"]["postes"]) for f in geojson["features"]
    )

    book = load_workbook(io.BytesIO(client.get(_territory_url(format="xlsx")).content))
    sheet = book["Communes"]
    header = [cell.value for cell in sheet[1]]
    desks = header.index("Postes nécessaires (postes) — rupture") + 1
    co2 = header.index("CO2e évité, dont tiers-lieux (tonnes par an) — rupture") + 1
    cell = sheet.cell(row=2, column=desks)
    assert cell.number_format == "#,##0"
    assert isinstance(cell.value, float)
    assert sheet.cell(row=2, column=co2).number_format == "#,##0.0"
    assert sheet.cell(row=2, column=header.index("Population") + 1).number_format == "#,##0"
    synthesis = {row[0].value: row[2] for row in book["Synthèse"].iter_rows(min_row=2)}
    assert synthesis["Postes nécessaires"].number_format == "#,##0"
    assert synthesis["CO2e évité, dont télétravail à domicile"].number_format == "#,##0.0"


def _label(key: str) -> str:
    return next(i.label for i in INDICATORS if i.key == key)


def test_underserved_communes_read_as_whole_desks(client):
    """Ranked communes have an unmet need above zero: shown as integers, « moins de 1 » below a
    half desk, never « 0 postes non couverts »."""
    response = client.get(_territory_url(scenario="actuel"))
    analysis = response.context["analysis"]
    values = analysis.outcomes["actuel"].values["non_couverts"].tolist()
    unmet = dict(zip(analysis.codes.tolist(), values, strict=True))
    assert response.context["underserved"]
    for row in response.context["underserved"]:
        value = unmet[row["code"]]
        expected = "moins de 1" if value < 0.5 else f"{round(value):,}".replace(",", "\u202f")
        assert row["unmet"] == expected
        assert row["plural"] == (value >= 1.5)
    body = response.content.decode()
    assert " 0 postes non couverts" not in body
    assert " 1 postes" not in body


def _small_epci() -> list[Commune]:
    """An EPCI of three hand-made communes near Bayeux (default estimate: no import covers
    them), so that the bands are those of exactly these inputs."""
    epci = EPCI.objects.create(code="999999991", name="CC du test", kind="CC")
    departement = Departement.objects.get(code="14")
    return [
        Commune.objects.create(
            code=code,
            name=name,
            departement=departement,
            epci=epci,
            population=population,
            centroid_lat=lat,
            centroid_lon=lon,
            search_name=name.lower(),
        )
        for code, name, population, lat, lon in (
            ("14991", "Bourg-Test", 12_500, 49.28, -0.70),
            ("14992", "Hameau-Test", 640, 49.30, -0.75),
            ("14993", "Village-Test", 2_300, 49.25, -0.66),
        )
    ]


def test_the_page_shows_the_p10_p90_band_of_each_figure_and_the_tornado(client):

    communes = _small_epci()
    response = client.get(reverse("observatory:territory", args=["epci", "999999991"]))
    assert response.status_code == 200
    body = response.content.decode()
    inputs = inputs_mod.commune_inputs(
        codes=[c.code for c in communes],
        population=[c.population for c in communes],
        lat=[c.centroid_lat for c in communes],
        lon=[c.centroid_lon for c in communes],
    )
    catalogue = default_scenarios(timezone.localdate().year)
    shown = response.context["uncertainty"]
    assert [item["name"] for item in shown] == ["actuel", "tendanciel", "rupture"]
    for item in shown:
        totals = uncertainty_bands(inputs, catalogue[item["name"]]).totals
        for key, label in FIGURES.items():
            band = totals[key]
            text = (
                f"{french_decimal(band.point, 0)} {label} (entre {french_decimal(band.p10, 0)} "
                f"et {french_decimal(band.p90, 0)} dans 8 cas sur 10)"
            )
            assert text in body, text
        # The point estimate of the page's own table is the band's point.
        analysis = response.context["analysis"]
        assert totals["desks"].point == pytest.approx(analysis.totals(item["name"])["postes"])
    desks = uncertainty_bands(inputs, catalogue["tendanciel"]).totals["desks"]
    assert desks.p10 < desks.point < desks.p90
    assert body.count("<summary>Quels paramètres pèsent le plus ?</summary>") == 3
    assert body.count('class="obs-tornade"') == 3
    assert "Sensibilité des postes nécessaires, scénario « Tendance prolongée »</title>" in body
    assert 'viewBox="0 0 720 ' in body and 'width="100%"' in body


def test_the_bands_follow_odd_parameters_without_a_500(client):
    _small_epci()
    url = reverse("observatory:territory", args=["epci", "999999991"])
    for params in ({"rayon": "0,5"}, {"rayon": "1e9"}, {"scenario": "x" * 500}, {"projets": "?"}):
        response = client.get(url, params)
        assert response.status_code in {200, 400}, params

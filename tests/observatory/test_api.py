"""Observatory API: results, scenarios, siting; field-level French errors."""

import pytest
from django.utils import timezone

from maillage.observatory import siting_run
from maillage.observatory.inputs import commune_inputs
from maillage.observatory.models import SavedScenario
from maillage.observatory.scenarios import default_scenarios
from maillage.observatory.uncertainty import uncertainty_bands
from maillage.places.services import place_update
from maillage.territory.models import Commune
from tests.factories import UserFactory

CAEN_LA_MER = "200065597"
RESULTS = f"/api/observatoire/territoires/epci/{CAEN_LA_MER}/resultats"
pytestmark = pytest.mark.django_db


def test_results_by_commune_add_up_to_the_totals(client, place):
    response = client.get(RESULTS, {"scenario": "tendanciel", "maille": "communes"})
    assert response.status_code == 200
    body = response.json()
    assert body["territoire"] == {
        "echelon": "epci",
        "code": CAEN_LA_MER,
        "nom": body["territoire"]["nom"],
    }
    assert body["scenario"]["nom"] == "tendanciel"
    assert body["scenario"]["publie"] is True
    members = set(Commune.objects.filter(epci__code=CAEN_LA_MER).values_list("code", flat=True))
    assert {row["code"] for row in body["lignes"]} == members
    for key, total in body["totaux"].items():
        assert sum(row["valeurs"][key] for row in body["lignes"]) == pytest.approx(total)
    assert body["totaux"]["offre"] > 0
    assert "15 km par la route" in body["chalandise"]
    assert [item["cle"] for item in body["indicateurs"]][:4] == [
        "potentiel",
        "teletravailleurs",
        "usagers",
        "postes",
    ]


def test_results_by_epci(client):
    body = client.get(RESULTS, {"maille": "epci"}).json()
    assert [row["code"] for row in body["lignes"]] == [CAEN_LA_MER]
    assert body["lignes"][0]["valeurs"]["postes"] == pytest.approx(body["totaux"]["postes"])


def test_results_are_cached_until_the_directory_changes(
    client, place, django_assert_max_num_queries
):
    params = {"scenario": "tendanciel", "maille": "epci"}
    first = client.get(RESULTS, params).json()
    assert first["totaux"]["offre"] > 0  # the place's 26 desks, shared with the ring's demand
    with django_assert_max_num_queries(6):  # the scenario catalogue and the inputs' version
        again = client.get(RESULTS, params, HTTP_ACCEPT_ENCODING="gzip")
    assert again["Content-Encoding"] == "gzip"
    place_update(place=place, data={"open_space_desks": 30})
    after = client.get(RESULTS, params).json()
    assert after["totaux"]["offre"] > first["totaux"]["offre"]
    assert after["totaux"]["ecart"] < first["totaux"]["ecart"]


def test_results_follow_a_new_version_of_a_saved_scenario(client):
    client.force_login(UserFactory())
    url = "/api/observatoire/scenarios"
    base = {"nom": "local", "depuis": "tendanciel", "libelle": "Local"}
    client.post(url, {**base, "parametres": {"adoption": 0.3}}, content_type="application/json")
    low = client.get(RESULTS, {"scenario": "local"}).json()["totaux"]["postes"]
    client.post(url, {**base, "parametres": {"adoption": 0.6}}, content_type="application/json")
    high = client.get(RESULTS, {"scenario": "local"}).json()["totaux"]["postes"]
    assert high > low > 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rayon": 0}, "rayon"),
        ({"mode": "temps", "minutes": -5}, "minutes"),
        ({"scenario": "inconnu"}, "scenario"),
        ({"maille": "cantons"}, "maille"),
    ],
)
def test_bad_result_parameters_are_422_with_the_field(client, params, field):
    response = client.get(RESULTS, params)
    assert response.status_code == 422
    body = response.json()
    assert body["erreurs"][0]["champ"] == field
    assert body["erreurs"][0]["message"]


def test_api_errors_are_french_and_placed_where_the_value_was(client):
    body = client.get(RESULTS, {"maille": "cantons"}).json()
    assert (
        body["erreurs"][0]["message"]
        == "valeur non reconnue : valeurs possibles 'communes' ou 'epci'"
    )
    client.force_login(UserFactory())
    url = "/api/observatoire/scenarios"
    cases = [
        ({"nom": "a", "parametres": []}, ["body", "parametres"], "objet JSON attendu"),
        (
            {"nom": "a", "parametres": {"teleworkable": 5}},
            ["body", "parametres", "teleworkable"],
            "liste de nombres",
        ),
        ({"nom": "a", "parametres": {"label": "x"}}, ["body", "parametres", "label"], "inconnu"),
        ({"nom": "actuel"}, ["body", "nom"], "réservé"),
    ]
    for payload, where, fragment in cases:
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 422, payload
        error = response.json()["erreurs"][0]
        assert error["emplacement"] == where, payload
        assert fragment in error["message"], payload
    siting = client.post(
        "/api/observatoire/territoires/departement/14/implantation",
        {"k": 0, "seuil_population": 10**400},
        content_type="application/json",
    )
    assert siting.status_code == 422
    places = {tuple(error["emplacement"]) for error in siting.json()["erreurs"]}
    assert places == {("body", "k"), ("body", "seuil_population")}
    assert not SavedScenario.objects.exists()


def test_the_emission_factor_and_the_cost_per_km_can_be_changed(client):
    default = client.get(RESULTS).json()["totaux"]
    halved = client.get(RESULTS, {"facteur_emission": 0.1088, "cout_km": 0.714}).json()["totaux"]
    assert default["co2_evite"] > 0
    assert halved["co2_evite"] == pytest.approx(default["co2_evite"] / 2)
    assert halved["euros_economises"] == pytest.approx(default["euros_economises"] * 2)
    assert halved["km_evites"] == pytest.approx(default["km_evites"])
    refused = client.get(RESULTS, {"facteur_emission": -1})
    assert refused.status_code == 422
    assert refused.json()["erreurs"][0]["champ"] == "facteur_emission"


def test_unknown_territory_is_404(client):
    response = client.get("/api/observatoire/territoires/epci/999999999/resultats")
    assert response.status_code == 404
    assert "999999999" in response.json()["detail"]


def test_scenarios_are_listed_with_their_sources(client):
    body = client.get("/api/observatoire/scenarios").json()
    assert [item["nom"] for item in body][:3] == ["actuel", "tendanciel", "rupture"]
    assert all(item["publie"] for item in body[:3])
    assert "Insee" in body[0]["sources"]["teleworkable"]
    one = client.get("/api/observatoire/scenarios/rupture").json()
    assert one["parametres"]["adoption"] == pytest.approx(0.85)
    assert client.get("/api/observatoire/scenarios/absent").status_code == 404


def test_saving_a_scenario_needs_an_account(client):
    response = client.post(
        "/api/observatoire/scenarios",
        {"nom": "essai", "parametres": {"adoption": 0.7}},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not SavedScenario.objects.exists()


def test_a_saved_scenario_marks_changed_values(client):
    client.force_login(UserFactory())
    response = client.post(
        "/api/observatoire/scenarios",
        {"nom": "essai", "depuis": "actuel", "parametres": {"adoption": 0.7}},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 1
    assert body["parametres"]["adoption"] == pytest.approx(0.7)
    assert "modifiée par l'utilisateur" in body["sources"]["adoption"]
    assert "Insee" in body["sources"]["teleworkable"]
    again = client.post(
        "/api/observatoire/scenarios",
        {"nom": "essai", "depuis": "actuel", "parametres": {"adoption": 0.75}},
        content_type="application/json",
    )
    assert again.json()["version"] == 2


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"adoption": 1.5}, "adoption"),
        ({"horizon": 2001}, "horizon"),
        ({"horizon": 1_000_000_000_000}, "horizon"),
        ({"occupancy": 0}, "occupancy"),
        ({"nope": 1}, "nope"),
    ],
)
def test_a_bad_scenario_is_422_and_not_saved(client, parameters, field):
    client.force_login(UserFactory())
    response = client.post(
        "/api/observatoire/scenarios",
        {"nom": "essai", "parametres": parameters},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["erreurs"][0]["champ"] == field
    assert not SavedScenario.objects.exists()


def test_reserved_scenario_names_are_refused(client):
    client.force_login(UserFactory())
    response = client.post(
        "/api/observatoire/scenarios",
        {"nom": "rupture", "parametres": {"adoption": 0.9}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not SavedScenario.objects.exists()


def test_siting_api(client):
    url = "/api/observatoire/territoires/departement/14/implantation"
    payload = {"scenario": "tendanciel", "objectif": "nombre", "k": 2, "seuil_population": 5000}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    client.force_login(UserFactory())
    body = client.post(url, payload, content_type="application/json").json()
    assert body["statut"] == "optimal"
    assert body["ecart_optimalite"] == 0.0
    assert len(body["sites"]) == 2
    assert body["besoin_couvert"] == pytest.approx(sum(s["postes_couverts"] for s in body["sites"]))
    # Ranked by the need each serves; each need is the sum of its served communes' needs.
    assert [site["rang"] for site in body["sites"]] == [1, 2]
    assert body["sites"][0]["postes_couverts"] >= body["sites"][1]["postes_couverts"]
    for site in body["sites"]:
        assert site["postes_couverts"] == pytest.approx(sum(c["postes"] for c in site["communes"]))
        assert site["population_servie"] == sum(c["population"] for c in site["communes"])
    assert 0 < body["part_couverte"] <= 1
    share = client.post(
        url, {**payload, "objectif": "part", "part": 0.5}, content_type="application/json"
    ).json()
    assert share["part_couverte"] >= 0.5 - 1e-9


def test_one_siting_run_at_a_time_per_account(client):
    user = UserFactory()
    client.force_login(user)
    url = "/api/observatoire/territoires/departement/14/implantation"
    payload = {"scenario": "tendanciel", "objectif": "nombre", "k": 1, "seuil_population": 5000}
    with siting_run.siting_slot(user) as free:
        assert free
        busy = client.post(url, payload, content_type="application/json")
        assert busy.status_code == 429
        assert "déjà en cours" in busy.json()["detail"]
        other = UserFactory()
        with siting_run.siting_slot(other) as other_free:
            assert other_free  # another account is not held up
    assert client.post(url, payload, content_type="application/json").status_code == 200


def test_a_scenario_name_belongs_to_its_author(client):
    author, other = UserFactory(), UserFactory()
    client.force_login(author)
    payload = {"nom": "essai", "depuis": "actuel", "parametres": {"adoption": 0.7}}
    assert (
        client.post("/api/observatoire/scenarios", payload, content_type="application/json")
    ).status_code == 201
    client.force_login(other)
    taken = client.post(
        "/api/observatoire/scenarios",
        {**payload, "parametres": {"adoption": 0.1}},
        content_type="application/json",
    )
    # A name taken by someone else is a conflict with what is stored, not a malformed body.
    assert taken.status_code == 409
    assert taken.json()["erreurs"] == [
        {
            "champ": "nom",
            "emplacement": ["body", "nom"],
            "message": "Nom du scénario : « essai » appartient à quelqu'un d'autre ; choisir un "
            "autre nom.",
        }
    ]
    assert SavedScenario.objects.filter(name="essai").count() == 1


# --- bad input on saved scenarios (issue 11) ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"nom": "   "},
            ["body", "nom"],
            "Nom du scénario : ce champ est obligatoire.",
        ),
        (
            {"nom": "Essai 2030"},
            ["body", "nom"],
            "Nom du scénario : « Essai 2030 » n'est pas valide ; utiliser des minuscules sans "
            "accent, des chiffres et des tirets (par exemple « normandie-2030 »).",
        ),
        (
            {"parametres": {"adoption": -0.1}},
            ["body", "parametres", "adoption"],
            "Taux d'adoption du télétravail : -10 % n'est pas une part valide ; saisir une "
            "valeur entre 0 % et 100 %.",
        ),
        (
            {"parametres": {"teleworkable": [0.03, 0.33, 1.2, 0.48, 0.36, 0.02]}},
            ["body", "parametres", "teleworkable"],
            "Part des emplois télétravaillables (cadres et professions intellectuelles "
            "supérieures) : 120 % n'est pas une part valide ; saisir une valeur entre 0 % et "
            "100 %.",
        ),
        (
            {"parametres": {"shared_bounds_km": [50, 5], "shared_shares": [0.1, 0.2, 0.3]}},
            ["body", "parametres", "shared_bounds_km"],
            "Bornes des tranches de distance domicile-travail : les bornes doivent être "
            "strictement croissantes (reçu 50, 5 km).",
        ),
        (
            {"parametres": {"horizon": 2030.5}},
            ["body", "parametres", "horizon"],
            "Année d'horizon : « 2030.5 » n'est pas une année.",
        ),
        (
            {"parametres": {"adoption": "0,35"}},
            ["body", "parametres", "adoption"],
            "Taux d'adoption du télétravail : un nombre.",
        ),
        (
            {"parametres": {"shared_bounds_km": list(range(1, 10_001))}},
            ["body", "parametres", "shared_shares"],
            "Part des télétravailleurs qui utilisent un tiers-lieu : 10001 valeurs attendues "
            "(une par tranche, la dernière au-delà de 10000 km), 3 reçues.",
        ),
    ],
)
def test_bad_scenario_input_is_a_french_422_on_its_field(client, body, field, message):
    """Shares outside [0, 1], bounds out of order, a horizon that is not a year, a number
    sent as text, an absurd list: a French message on the field, nothing saved."""
    client.force_login(UserFactory())
    response = client.post(
        "/api/observatoire/scenarios",
        {"nom": "essai", "depuis": "actuel", **body},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["erreurs"][0]
    assert (error["emplacement"], error["message"]) == (field, message)
    assert not SavedScenario.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"nom": ""}, "nom"), ({"nom": "a" * 61}, "nom"), ({"libelle": "x" * 121}, "libelle")],
)
def test_empty_or_too_long_names_are_422(client, body, field):
    client.force_login(UserFactory())
    response = client.post(
        "/api/observatoire/scenarios",
        {"nom": "essai", "depuis": "actuel", **body},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["erreurs"][0]["champ"] == field
    assert not SavedScenario.objects.exists()


# --- impacts in two parts (issue 11) -----------------------------------------------------------


def test_results_carry_the_home_and_tiers_lieux_parts_of_every_impact(client):
    """New keys beside the existing ones (backward compatible): `<impact>_domicile` and
    `<impact>_tiers_lieux` per row and in the totals, described in `indicateurs`."""
    body = client.get(RESULTS, {"scenario": "rupture", "maille": "communes"}).json()
    indicators = {item["cle"]: item for item in body["indicateurs"]}
    for key in ("km_evites", "co2_evite", "co2_evite_net", "heures_gagnees", "euros_economises"):
        assert (indicators[key]["partie_de"], indicators[key]["partie"]) == ("", "")
        home, shared = indicators[f"{key}_domicile"], indicators[f"{key}_tiers_lieux"]
        assert (home["partie_de"], home["partie"]) == (key, "domicile")
        assert (shared["partie_de"], shared["partie"]) == (key, "tiers_lieux")
        assert home["libelle"].endswith(", dont télétravail à domicile")
        assert shared["libelle"].endswith(", dont tiers-lieux")
        for values in [body["totaux"], *(row["valeurs"] for row in body["lignes"])]:
            assert values[f"{key}_domicile"] + values[f"{key}_tiers_lieux"] == pytest.approx(
                values[key], rel=1e-12, abs=1e-12
            )
        assert body["totaux"][f"{key}_tiers_lieux"] > 0
        assert f"{key}_tiers_lieux" in body["legendes"]
    # Data keep full precision; `decimales` only says how a reader rounds.
    assert indicators["postes"]["decimales"] == 0
    assert body["totaux"]["postes"] != round(body["totaux"]["postes"])


def test_the_openapi_schema_documents_the_impact_parts(client):
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "tiers_lieux" in components["IndicatorOut"]["properties"]["partie"]["description"]
    assert "_domicile" in components["RowOut"]["properties"]["valeurs"]["description"]


def test_desk_map_classes_keep_a_decimal_while_values_read_as_integers(client):
    """Desks are integers for readers, but class bounds of a map of communes need a decimal:
    « plus de 0,4 à 0,9 », never « 0 à 0 » twice."""
    body = client.get(RESULTS, {"scenario": "actuel", "maille": "communes"}).json()
    for key in ("postes", "usagers", "non_couverts"):
        labels = [item["libelle"] for item in body["legendes"][key]]
        assert len(labels) == len(set(labels)), labels
        assert any("," in label for label in labels), labels


def test_results_carry_the_uncertainty_of_the_headline_figures(client):
    body = client.get(RESULTS, {"scenario": "tendanciel", "maille": "communes"}).json()
    communes = list(
        Commune.objects.filter(epci__code=CAEN_LA_MER, centroid_lat__isnull=False)
        .order_by("code")
        .values_list("code", "population", "centroid_lat", "centroid_lon")
    )
    inputs = commune_inputs(
        codes=[row[0] for row in communes],
        population=[row[1] or 0 for row in communes],
        lat=[row[2] for row in communes],
        lon=[row[3] for row in communes],
    )
    scenario = default_scenarios(timezone.localdate().year)["tendanciel"]
    bands = uncertainty_bands(inputs, scenario).totals
    uncertainty = body["incertitude"]
    assert (uncertainty["tirages"], uncertainty["graine"]) == (256, 2026)
    keys = {"potential": "potentiel", "teleworkers": "teletravailleurs", "users": "usagers"}
    for name, key in {**keys, "desks": "postes"}.items():
        band = bands[name]
        assert uncertainty["totaux"][key] == {
            "point": band.point,
            "p10": band.p10,
            "p50": band.p50,
            "p90": band.p90,
        }
        assert uncertainty["totaux"][key]["point"] == pytest.approx(body["totaux"][key])
    desks = uncertainty["totaux"]["postes"]
    assert desks["p10"] < desks["point"] < desks["p90"]
    assert desks["p10"] < desks["p50"] < desks["p90"]


@pytest.mark.parametrize(
    "params",
    [
        {"rayon": "1e308"},
        {"rayon": "nan"},
        {"scenario": "x" * 61},
        {"mode": "temps", "minutes": "-1"},
    ],
)
def test_odd_parameters_never_give_a_500(client, params):
    response = client.get(RESULTS, params)
    assert response.status_code == 422, response.content


def test_the_openapi_schema_documents_the_uncertainty(client):
    components = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert "incertitude" in components["ResultsOut"]["required"]
    assert "P10–P90" in components["UncertaintyOut"]["properties"]["totaux"]["description"]
    assert "médiane" in components["BandOut"]["properties"]["p50"]["description"]

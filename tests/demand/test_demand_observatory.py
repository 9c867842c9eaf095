"""Stated demand in the observatory: the siting option, the territory page's section, the API
layer and the downloads."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from maillage.observatory import selectors, siting_run
from maillage.observatory.catchment import Catchment
from maillage.observatory.errors import ObservatoryError
from tests.demand.statements import confirmed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CAEN_LA_MER = "200065597"


def _siting(k: int, **overrides):
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    arguments = {
        "level": "epci",
        "code": CAEN_LA_MER,
        "scenario": catalogue["tendanciel"],
        "catchment": Catchment(radius_km=5),
        "include_projects": False,
        "objective": "nombre",
        "k": k,
        "share": 0.8,
        "population_threshold": 0,
        "candidate_codes": ["14488", "14118", "14327"],
        "demand_source": "exprimee",
    }
    arguments.update(overrides)
    return siting_run.siting_for_territory(**arguments)


def _stated_demand():
    for _ in range(5):
        confirmed("14488", days_per_week=5)  # Ouistreham: 5 desks-equivalent
    for _ in range(3):
        confirmed("14118", days_per_week=5)  # Caen: 3
    for _ in range(4):
        confirmed("14327", days_per_week=2)  # Hérouville-Saint-Clair: 1.6


def test_siting_on_stated_demand_points():
    _stated_demand()
    # 5 km by road: Ouistreham (13 km from Caen) serves only itself; Caen and Hérouville serve
    # each other (4 km apart): 3 + 1.6 = 4.6 < 5.
    one = _siting(1)
    assert [(site["code"], site["postes_couverts"]) for site in one.sites] == [("14488", 5.0)]
    assert one.total_unmet == pytest.approx(9.6)
    assert one.demand_source == "exprimee"
    two = _siting(2)
    assert [
        (
            site["code"],
            pytest.approx(site["postes_couverts"]),
            [c["code"] for c in site["communes"]],
        )
        for site in two.sites
    ] == [("14488", 5.0, ["14488"]), ("14118", 4.6, ["14118", "14327"])]
    assert siting_run.as_dict(two)["demande"] == "exprimee"


def test_siting_on_stated_demand_refuses_a_territory_without_published_demand():
    confirmed("14118", days_per_week=5)  # one person: secret
    with pytest.raises(ObservatoryError) as refused:
        _siting(1)
    assert refused.value.field == "demande"
    assert "Aucune demande exprimée publiable" in refused.value.message


PAGE = f"/observatoire/epci/{CAEN_LA_MER}/"
API = f"/api/observatoire/territoires/epci/{CAEN_LA_MER}/demande"


def _published_and_secret():
    _stated_demand()
    # Ifs: one person, secret; Caen (3 people), the smallest visible commune, is hidden too.
    confirmed("14341", days_per_week=3)


def test_api_layer_for_the_coordination_only(client):
    _published_and_secret()
    assert client.get(API).status_code == 401
    client.force_login(UserFactory())
    assert client.get(API).status_code == 404
    client.force_login(UserFactory(coordinator=True))
    body = client.get(API).json()
    assert body["seuil_personnes"] == 3
    assert [
        (row["code"], row["secret"], row["personnes"], row["postes_equivalents"], row["libelle"])
        for row in body["communes"]
    ] == [
        ("14118", True, None, None, "secret statistique (moins de 3 personnes)"),
        ("14327", False, 4, 1.6, ""),
        ("14341", True, None, None, "secret statistique (moins de 3 personnes)"),
        ("14488", False, 5, 5.0, ""),
    ]
    assert [(row["code"], row["personnes"], row["postes_equivalents"]) for row in body["epci"]] == [
        (CAEN_LA_MER, 13, pytest.approx(10.2))
    ]


def test_territory_page_section_ranking_and_comparison(client):
    _published_and_secret()
    anonymous = client.get(PAGE)
    assert anonymous.context["demand"] is None
    assert 'id="obs-demande"' not in anonymous.content.decode()
    client.force_login(UserFactory(coordinator=True))
    response = client.get(PAGE, {"classement": "demande"})
    page = response.content.decode()
    demand = response.context["demand"]
    assert [(row["name"], row["secret"], row["desks"]) for row in demand["communes"]] == [
        ("Caen", True, "secret statistique"),
        ("Hérouville-Saint-Clair", False, "1,6"),
        ("Ifs", True, "secret statistique"),
        ("Ouistreham", False, "5,0"),
    ]
    assert page.count("secret statistique (moins de 3 personnes)") >= 2
    # Ranked by stated demand: only published communes, largest first.
    assert [(row["code"], row["stated"]) for row in response.context["underserved"]] == [
        ("14488", "5,0 poste(s)-équivalent(s) demandé(s) par 5 personne(s)"),
        ("14327", "1,6 poste(s)-équivalent(s) demandé(s) par 4 personne(s)"),
    ]
    analysis = response.context["analysis"]
    model = analysis.outcomes[response.context["chosen"].name].values["postes"]
    index = {code: i for i, code in enumerate(analysis.codes.tolist())}
    rows = demand["comparison"]["rows"]
    assert [row["code"] for row in rows] == ["14327", "14488"]
    assert rows[0]["ratio_value"] == pytest.approx(1.6 / float(model[index["14327"]]))
    assert rows[1]["ratio_value"] == pytest.approx(5.0 / float(model[index["14488"]]))
    assert 'id="demand-map-config"' in page and 'id="demand-comparison"' in page
    # The model's ranking stays the default, with the stated demand beside it.
    default = client.get(PAGE).context["underserved"]
    assert all("stated" in row for row in default)
    assert demand["downloads"]["csv"] == f"/demande/observatoire/epci/{CAEN_LA_MER}/csv/"


def test_downloads_leave_secrets_empty(client):
    _published_and_secret()
    url = f"/demande/observatoire/epci/{CAEN_LA_MER}/"
    client.force_login(UserFactory())
    assert client.get(url + "csv/").status_code == 404
    client.force_login(UserFactory(coordinator=True))
    assert client.get(url + "pdf/").status_code == 404
    response = client.get(url + "csv/")
    assert response["Content-Disposition"] == (
        'attachment; filename="demande-exprimee-communaute-urbaine-caen-la-mer.csv"'
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["Maille", "Code", "Nom", "EPCI (SIREN)"]
    assert lines[1:] == [
        "commune;14118;Caen;200065597;;0;;;;;;;;;oui",
        "commune;14327;Hérouville-Saint-Clair;200065597;4;0;8;1.6;0;0;0;0;;;non",
        "commune;14341;Ifs;200065597;;0;;;;;;;;;oui",
        "commune;14488;Ouistreham;200065597;5;0;25;5.0;0;0;0;0;;;non",
        "EPCI;200065597;Communauté urbaine Caen la Mer;200065597;13;0;51;10.2;0;0;0;0;;;non",
    ]
    workbook = load_workbook(io.BytesIO(client.get(url + "xlsx/").content))
    assert workbook.sheetnames == ["Communes", "EPCI"]
    assert (workbook["EPCI"]["D2"].value, workbook["EPCI"]["G2"].value) == (13, 10.2)


def test_siting_page_offers_stated_demand_to_the_coordination_only(client):
    _stated_demand()
    url = f"/observatoire/epci/{CAEN_LA_MER}/implantation/"
    run = {
        "scenario": "tendanciel",
        "objectif": "nombre",
        "k": "1",
        "rayon": "5",
        "candidats": "14488 14118 14327",
        "demande": "exprimee",
    }
    client.force_login(UserFactory())
    assert "demande" not in client.get(url).context["form"].fields
    ignored = client.post(url, run)
    assert ignored.context["outcome"].demand_source == "modele"
    client.force_login(UserFactory(coordinator=True))
    response = client.post(url, run)
    assert response.status_code == 200
    assert [(s["code"], s["postes_couverts"]) for s in response.context["outcome"].sites] == [
        ("14488", 5.0)
    ]
    assert "Points de demande : la demande exprimée (postes-équivalents déclarés)." in (
        response.content.decode()
    )

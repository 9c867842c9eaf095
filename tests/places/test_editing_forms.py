"""The place form for non-experts (weekly hours editor without JavaScript, map picker markup) and
the readable moderation and history pages."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.places.diffs import DiffRow
from maillage.places.services import place_edit, proposal_submit
from tests.factories import UserFactory, place_data

pytestmark = pytest.mark.django_db


def new_place_post(**overrides) -> dict:
    """What a browser without JavaScript posts: the raw hours empty, the week in day fields."""
    data = {
        "name": "Atelier du Bassin",
        "kinds": ["coworking"],
        "status": "ouvert",
        "latitude": "49.1806",
        "longitude": "-0.354",
        "postal_code": "14000",
        "opening_hours": "",
        "semaine-source": "",
    }
    for day in ("mo", "tu", "we", "th", "fr"):
        data[f"semaine-{day}_opens_1"] = "09:00"
        data[f"semaine-{day}_closes_1"] = "18:00"
    data.update(overrides)
    return data


def test_form_offers_the_picker_and_the_week(client):
    client.force_login(UserFactory())
    response = client.get("/lieux/proposer/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="place-picker" data-maillage-picker hidden>' in html  # shown by the script
    assert 'id="id_semaine-mo_opens_1"' in html and 'id="id_semaine-su_closes_2"' in html
    config = json.loads(
        html.split('id="place-editing-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["communesUrl"] == "/api/territoires/communes"
    assert "aucune adresse n'est envoyée à un service extérieur" in html


def test_week_posted_without_javascript_becomes_osm_hours(client, manager, place):
    client.force_login(manager)
    response = client.post(
        "/lieux/proposer/",
        new_place_post(
            operator=str(place.operator_id),
            **{
                "semaine-sa_opens_1": "09:00",
                "semaine-sa_closes_1": "12:00",
                "semaine-holidays_closed": "on",
            },
        ),
    )
    assert response.status_code == 302
    created = place.operator.places.exclude(pk=place.pk).get()
    # The editor writes « PH off »; the validation stores the parser's spelling.
    assert created.opening_hours == "Mo-Fr 09:00-18:00; Sa 09:00-12:00; PH closed"


def test_half_filled_day_is_refused_in_french(client):
    client.force_login(UserFactory())
    response = client.post("/lieux/proposer/", new_place_post(**{"semaine-mo_closes_1": ""}))
    assert response.status_code == 400
    assert response.context["form"].errors["opening_hours"] == [
        "Semaine type : Lundi : indiquez l'ouverture et la fermeture."
    ]


def test_hours_the_week_cannot_read_are_kept_and_said(client, manager, place):
    raw = 'Mo-Fr 09:00-18:00; Jul-Aug Mo-Fr 10:00-16:00 "horaires d\'été"'
    place_edit(user=manager, place=place, data={"opening_hours": raw})
    client.force_login(manager)
    page = client.get(f"/lieux/{place.public_id}/modifier/")
    assert "La semaine type ne sait pas lire ces horaires" in page.content.decode()
    data = {
        **place_data(operator=place.operator_id, opening_hours=raw),
        "semaine-source": raw,
        "semaine-mo_opens_1": "07:00",
        "semaine-mo_closes_1": "08:00",
    }
    assert client.post(f"/lieux/{place.public_id}/modifier/", data).status_code == 302
    place.refresh_from_db()
    assert place.opening_hours == raw


def test_moderation_shows_a_readable_diff_and_the_point(client, place):
    contributor = UserFactory()
    proposal_submit(
        user=contributor,
        place=place,
        data={
            "services": ["visioconference", "tres-haut-debit"],  # same set, other order
            "opening_hours": "Mo-Fr 09:00-18:00; PH off",
            "latitude": 49.1812,
        },
    )
    client.force_login(UserFactory(coordinator=True))
    response = client.get("/moderation/")
    assert response.status_code == 200
    (proposal,) = response.context["proposals"]
    assert proposal.changes == [
        DiffRow("latitude", "Latitude", "49,1806", "49,1812"),
        DiffRow(
            "opening_hours",
            "Horaires",
            "Du lundi au vendredi : 9 h – 18 h",
            "Du lundi au vendredi : 9 h – 18 h ; Fermé les jours fériés",
        ),
    ]
    html = response.content.decode()
    assert (
        f'id="proposal-map-{proposal.pk}" role="region" aria-label="Carte : position proposée '
        'et position actuelle du lieu" data-lat="49.181200" data-lon="-0.354000" '
        'data-current-lat="49.180600" data-current-lon="-0.354000"'
    ) in html
    assert "['" not in html


def test_moderation_queries_do_not_grow_with_proposals(client, place):
    client.force_login(UserFactory(coordinator=True))

    def queries_for(count: int) -> int:
        for n in range(count):
            proposal_submit(user=UserFactory(), place=place, data={"name": f"Nom {n}"})
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/moderation/").status_code == 200
        return len(captured)

    one = queries_for(1)
    assert queries_for(2) == one  # three proposals now


def test_history_reads_like_moderation(client, manager, place):
    place_edit(
        user=manager,
        place=place,
        data={"services": ["cafe", "tres-haut-debit", "visioconference"], "price_day": "15"},
    )
    client.force_login(manager)
    response = client.get(f"/lieux/{place.public_id}/historique/")
    latest, first = response.context["rows"]
    assert latest["changes"] == [
        DiffRow(
            "services",
            "Services",
            "Connexion très haut débit, Visioconférence",
            "Café, cuisine partagée, Connexion très haut débit, Visioconférence",
        )
    ]
    assert [row.field for row in first["changes"]][:3] == ["name", "status", "address"]
    assert "Accessible en fauteuil roulant" in response.content.decode()

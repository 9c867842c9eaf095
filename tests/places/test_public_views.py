import pytest

from maillage.places.services import place_create
from tests.factories import UserFactory, place_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    return [
        place_create(data=place_data()),
        place_create(
            data=place_data(
                name="Fablab de Bayeux",
                kinds=["fablab"],
                services=["imprimante-3d"],
                latitude=49.2765,
                longitude=-0.7036,
                postal_code="14400",
                open_space_desks=4,
                private_office_seats=0,
            )
        ),
        place_create(
            data=place_data(
                name="Le Quai de Rouen",
                latitude=49.4431,
                longitude=1.0993,
                postal_code="76000",
                services=["cafe"],
            ),
            is_demo=True,
        ),
    ]


def card_names(response) -> list[str]:
    return [p.name for p in response.context["places"]]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Fablab de Bayeux", "La Fabrique du Port", "Le Quai de Rouen"]),
        ("service=imprimante-3d", ["Fablab de Bayeux"]),
        ("type=coworking", ["La Fabrique du Port", "Le Quai de Rouen"]),
        ("postes_min=10", ["La Fabrique du Port", "Le Quai de Rouen"]),
        ("departement=76", ["Le Quai de Rouen"]),
        ("epci=200065597", ["La Fabrique du Port"]),
        ("commune=14047", ["Fablab de Bayeux"]),
        ("q=bayeux", ["Fablab de Bayeux"]),
        ("pres_de=14118&rayon_km=40", ["La Fabrique du Port", "Fablab de Bayeux"]),
        ("statut=ferme", []),
    ],
)
def test_directory_filters_from_the_url(client, places, query, names):
    response = client.get(f"/lieux/?{query}")
    assert response.status_code == 200
    assert card_names(response) == names


def test_directory_htmx_returns_the_list_only(client, places):
    response = client.get("/lieux/?service=imprimante-3d", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-query="service=imprimante-3d"' in html
    assert "1 lieu trouvé" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("postes_min=-1", "supérieure ou égale à 0"),
        ("pres_de=99999", "Commune inconnue"),
        ("rayon_km=0", "supérieure ou égale à 1"),
        ("epci=12", "Le SIREN d&#x27;un EPCI compte 9 chiffres."),
        ("service=teleportation", "Sélectionnez un choix valide"),
    ],
)
def test_directory_bad_filters_are_400_with_french_message(client, query, message):
    response = client.get(f"/lieux/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_demo_places_carry_a_badge(client, places):
    html = client.get("/lieux/").content.decode()
    assert html.count('class="badge badge-demo"') == 1


def test_place_page(client, places):
    place = places[0]
    html = client.get(f"/lieux/{place.public_id}/").content.decode()
    assert "<h1>La Fabrique du Port</h1>" in html
    assert "Du lundi au vendredi : 9 h – 18 h" in html
    assert "Mis à jour le" in html
    assert '<tr><th scope="row">Postes en espace partagé</th><td>20</td></tr>' in html
    assert "15,00 €" in html
    assert "Connectez-vous pour proposer une correction" in html
    assert "vendor/icons/wifi.svg" in html


def test_place_page_renders_description_inert(client, places):
    from maillage.places.services import place_update

    place_update(place=places[0], data={"description": "<script>alert('x')</script>"})
    html = client.get(f"/lieux/{places[0].public_id}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_place_page_links_for_signed_in_contributor(client, places):
    client.force_login(UserFactory())
    html = client.get(f"/lieux/{places[0].public_id}/").content.decode()
    assert "Proposer une correction" in html
    assert "Historique" not in html


def test_unknown_place_is_404(client):
    assert client.get("/lieux/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_widget_can_be_framed_by_partner_sites(client, places):
    response = client.get("/lieux/carte-integree/?type=fablab")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'self'" in csp
    assert 'target="_blank" rel="noopener"' in response.content.decode()
    assert card_names(response) == ["Fablab de Bayeux"]
    assert client.get("/lieux/")["X-Frame-Options"] == "DENY"


def test_directory_query_count_does_not_grow_with_places(client, places):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        client.get("/lieux/")
    for n in range(4):
        place_create(data=place_data(name=f"Lieu {n}"))
    with CaptureQueriesContext(connection) as seven:
        client.get("/lieux/")
    assert len(seven) == len(three)

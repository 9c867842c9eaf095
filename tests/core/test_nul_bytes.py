"""A NUL character cannot be stored by PostgreSQL: it is refused with the same French answer on
both databases (found by schemathesis on the commune search and the places list)."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_api_query_with_nul_is_a_field_level_422(client):
    response = client.get("/api/territoires/communes", {"q": "Ca\x00en"})
    assert response.status_code == 422
    assert response.json()["erreurs"][0]["champ"] == "q"
    assert "Caractère nul" in response.json()["erreurs"][0]["message"]


def test_api_json_body_with_nul_is_refused_before_any_write(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    body = json.dumps({"nom": "Lieu\u0000"})
    response = client.post("/api/lieux", body, content_type="application/json")
    assert response.status_code == 422 and response.json()["erreurs"][0]["champ"] == "body"


def test_page_query_with_nul_is_a_400_in_french(client):
    response = client.get("/lieux/", {"q": "a\x00"})
    assert response.status_code == 400 and "Caractère nul" in response.content.decode()


def test_ordinary_requests_pass(client):
    response = client.get("/api/territoires/communes", {"q": "Caen"})
    assert (response.status_code, response.json()["resultats"][0]["code"]) == (200, "14118")


def test_path_with_nul_is_refused(client):
    assert client.get("/api/territoires/departements/1%004/contours").status_code == 422

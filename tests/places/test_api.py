import json

import pytest

from maillage.places.models import Place, PlaceProposal
from maillage.places.services import place_create
from tests.factories import UserFactory, fablab_data

pytestmark = pytest.mark.django_db


def test_catalogue_lists_seeded_vocabulary(client):
    body = client.get("/api/lieux/catalogue").json()
    assert [k["slug"] for k in body["types"]][:3] == ["coworking", "telecentre", "fablab"]
    assert {"slug": "imprimante-3d", "nom": "Imprimante 3D", "pictogramme": "cube"} in body[
        "services"
    ]


def test_list_and_detail(client, place):
    listed = client.get("/api/lieux").json()
    assert [p["nom"] for p in listed] == ["La Fabrique du Port"]
    detail = client.get(f"/api/lieux/{place.public_id}").json()
    assert detail["commune"] == {"code": "14118", "nom": "Caen"}
    assert detail["horaires"] == "Mo-Fr 09:00-18:00"
    assert detail["postes_espace_partage"] == 20
    assert detail["services"] == ["tres-haut-debit", "visioconference"]


def test_unknown_place_is_404(client):
    response = client.get("/api/lieux/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json() == {"detail": "Lieu introuvable."}


def test_map_geojson_is_light(client, place):
    response = client.get("/api/lieux/carte.geojson", {"service": "tres-haut-debit"})
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["features"] == [
        {
            "type": "Feature",
            "id": str(place.public_id),
            "geometry": {"type": "Point", "coordinates": [-0.354, 49.1806]},
            "properties": {
                "nom": "La Fabrique du Port",
                "commune": "Caen",
                "types": ["coworking"],
                "statut": "ouvert",
                "postes": 26,
            },
        }
    ]
    assert client.get("/api/lieux/carte.geojson", {"service": "cafe"}).json()["features"] == []


def test_invalid_filters_are_422(client):
    assert client.get("/api/lieux", {"rayon_km": 0}).status_code == 422
    assert client.get("/api/lieux", {"statut": "ailleurs"}).status_code == 422
    assert client.get("/api/lieux", {"pres_de": "99999"}).status_code == 404


def test_anonymous_cannot_write(client, place):
    assert client.post("/api/lieux", {}, content_type="application/json").status_code == 401
    response = client.patch(
        f"/api/lieux/{place.public_id}", {"nom": "X"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_manager_patch_is_published(client, manager, place):
    client.force_login(manager)
    response = client.patch(
        f"/api/lieux/{place.public_id}",
        {"horaires": "Mo-Sa 08:00-20:00"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["publie"] is True
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Sa 08:00-20:00"


def test_contributor_patch_becomes_a_proposal(client, place):
    client.force_login(UserFactory())
    response = client.patch(
        f"/api/lieux/{place.public_id}", {"nom": "Autre nom"}, content_type="application/json"
    )
    assert response.status_code == 202
    assert response.json()["publie"] is False
    place.refresh_from_db()
    assert place.name == "La Fabrique du Port"
    assert PlaceProposal.objects.get().snapshot["name"] == "Autre nom"


def test_patch_with_bad_values_gives_field_level_errors_and_changes_nothing(client, manager, place):
    client.force_login(manager)
    response = client.patch(
        f"/api/lieux/{place.public_id}",
        {"horaires": "tous les jours", "postes_espace_partage": -1},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["champ"] for e in response.json()["erreurs"]}
    assert fields == {"horaires", "postes_espace_partage"}
    place.refresh_from_db()
    assert (place.opening_hours, place.open_space_desks) == ("Mo-Fr 09:00-18:00", 20)


def test_manager_creates_place_for_their_organisation(client, manager, place):
    client.force_login(manager)
    payload = {
        "nom": "Antenne de Bayeux",
        "types": ["telecentre"],
        "latitude": 49.2765,
        "longitude": -0.7036,
        "structure": place.operator_id,
    }
    response = client.post("/api/lieux", payload, content_type="application/json")
    assert response.status_code == 201
    created = Place.objects.get(public_id=response.json()["lieu"])
    assert created.commune.code == "14047"


def test_moderation_endpoints_are_for_coordinators(client, place):
    contributor = UserFactory()
    client.force_login(contributor)
    client.patch(f"/api/lieux/{place.public_id}", {"nom": "Y"}, content_type="application/json")
    assert client.get("/api/moderation/propositions").status_code == 404
    proposal = PlaceProposal.objects.get()
    assert client.post(f"/api/moderation/propositions/{proposal.pk}/accepter").status_code == 404

    client.force_login(UserFactory(coordinator=True))
    pending = client.get("/api/moderation/propositions").json()
    assert [p["id"] for p in pending] == [proposal.pk]
    response = client.post(
        f"/api/moderation/propositions/{proposal.pk}/refuser",
        {"motif": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(f"/api/moderation/propositions/{proposal.pk}/accepter")
    assert response.status_code == 200
    place.refresh_from_db()
    assert place.name == "Y"


def test_map_cache_follows_every_change(client, manager, place):
    first = client.get("/api/lieux/carte.geojson").json()
    assert [f["properties"]["nom"] for f in first["features"]] == ["La Fabrique du Port"]
    from maillage.places.services import place_edit

    place_edit(user=manager, place=place, data={"services": ["cafe"], "name": "Nouveau nom"})
    second = client.get("/api/lieux/carte.geojson").json()
    assert [f["properties"]["nom"] for f in second["features"]] == ["Nouveau nom"]
    assert client.get("/api/lieux/carte.geojson?service=cafe").json()["features"][0]["id"] == str(
        place.public_id
    )
    place.delete()
    assert client.get("/api/lieux/carte.geojson").json()["features"] == []


def test_map_gzip_from_cache_is_identical(client, place):
    import gzip

    plain = client.get("/api/lieux/carte.geojson").content
    first = client.get("/api/lieux/carte.geojson", HTTP_ACCEPT_ENCODING="gzip")
    cached = client.get("/api/lieux/carte.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == cached["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.content) == gzip.decompress(cached.content) == plain


def test_map_near_a_commune_gives_distances_nearest_first(client, place):
    place_create(data=fablab_data())
    features = client.get("/api/lieux/carte.geojson", {"pres_de": "14047", "rayon_km": 40}).json()[
        "features"
    ]
    assert [f["properties"]["nom"] for f in features] == ["Fablab de Bayeux", "La Fabrique du Port"]
    distances = [f["properties"]["distance_km"] for f in features]
    assert distances == sorted(distances) and distances[0] < 2 < 20 < distances[1] < 40

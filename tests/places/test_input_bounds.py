"""Never a 500 on input (issue 12, point 3), places side: a « près de » made of punctuation on
every page that reads it, unbounded API parameters, photos whose decoding would take gigabytes."""

import struct
import zlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from maillage.places.models import PlacePhoto
from maillage.places.photos import MAX_DECODED_PIXELS, photo_add
from maillage.places.validation import place_clean
from tests.factories import UserFactory, place_data

pytestmark = pytest.mark.django_db

PUNCTUATION_ONLY = ["-", "_", "'", "()", "—", "..."]


def unknown_commune(text: str) -> str:
    return f"Commune inconnue : « {text} ». Donnez son nom ou son code INSEE, ex. 14118."


@pytest.mark.parametrize("text", PUNCTUATION_ONLY)
@pytest.mark.parametrize("url", ["/lieux/", "/lieux/carte-integree/", "/reserver/"])
def test_pages_refuse_a_near_commune_made_of_punctuation(client, url, text):
    response = client.get(url, {"pres_de": text})
    assert response.status_code == 400
    assert response.context["form"].errors["pres_de"] == [unknown_commune(text)]


@pytest.mark.parametrize("text", PUNCTUATION_ONLY)
def test_travel_profile_refuses_communes_made_of_punctuation(client, text):
    client.force_login(UserFactory())
    response = client.post("/compte/profil-de-deplacement", {"residence": text, "travail": text})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "residence": [unknown_commune(text)],
        "travail": [unknown_commune(text)],
    }


@pytest.mark.parametrize("text", ["-", "_"])
def test_api_near_commune_made_of_punctuation_is_a_404(client, text):
    response = client.get("/api/lieux", {"pres_de": text})
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Commune introuvable : aucune commune n'a le code INSEE « {text} »."
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "nombre fini attendu"),
        ("inf", "nombre fini attendu"),
        ("-inf", "nombre fini attendu"),
        ("0", "doit être supérieur à 0.0"),
        ("501", "doit être inférieur ou égal à 500.0"),
    ],
)
def test_api_radius_must_be_a_finite_number_within_500_km(client, value, message):
    response = client.get("/api/lieux", {"rayon_km": value})
    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {"champ": "rayon_km", "emplacement": ["query", "rayon_km"], "message": message}
    ]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"postes_min": "99999999999999999999999"},
            "postes_min",
            "doit être inférieur ou égal à 100000",
        ),
        ({"postes_min": "-1"}, "postes_min", "doit être supérieur ou égal à 0"),
        ({"q": "x" * 101}, "q", "texte trop long (au plus 100 caractères)"),
        ({"pres_de": "x" * 101}, "pres_de", "texte trop long (au plus 100 caractères)"),
        ({"type": ["x"] * 51}, "type", "au plus 50 éléments"),
    ],
)
def test_api_place_filters_are_bounded(client, params, field, message):
    response = client.get("/api/lieux", params)
    assert response.status_code == 422
    assert [(e["champ"], e["message"]) for e in response.json()["erreurs"]] == [(field, message)]


# Photos: PNG files as a decompression bomb is made, a header announcing a huge canvas and a few
# bytes of zlib data (all-zero rows compress a thousandfold).


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> SimpleUploadedFile:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 8)  # the first rows only: never decoded
    content = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bombe.png", content, content_type="image/png")


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def test_photo_decompression_bomb_is_refused(manager, place, media_root):
    with pytest.raises(ValidationError) as error:
        photo_add(user=manager, place=place, upload=png_claiming(20000, 20000), alt_text="x")
    assert error.value.message_dict == {
        "image": ["Photo trop grande : 40 millions de pixels au plus."]
    }
    assert PlacePhoto.objects.count() == 0


def test_photo_of_120_megapixels_is_refused_before_decoding(manager, place, media_root):
    with pytest.raises(ValidationError) as error:
        photo_add(user=manager, place=place, upload=png_claiming(12000, 10000), alt_text="x")
    assert error.value.message_dict == {
        "image": ["Photo trop grande : 40 millions de pixels au plus."]
    }


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_photo_just_over_the_pixel_bound_names_its_size(manager, place, media_root):
    with pytest.raises(ValidationError) as error:
        photo_add(user=manager, place=place, upload=png_claiming(8000, 5001), alt_text="x")
    assert error.value.message_dict == {
        "image": [
            "Photo trop grande : 8000 × 5001 pixels, 40 millions de pixels au plus "
            "(réduisez-la avant de l'envoyer)."
        ]
    }


def test_pillow_bound_is_ours():
    assert Image.MAX_IMAGE_PIXELS == MAX_DECODED_PIXELS == 40_000_000


def test_photo_bomb_through_the_page_is_a_french_message(client, manager, place, media_root):
    client.force_login(manager)
    response = client.post(
        f"/lieux/{place.public_id}/photos/",
        {"image": png_claiming(20000, 20000), "alt_text": "La façade"},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Photo trop grande : 40 millions de pixels au plus."
    ]


def test_api_fifty_services_all_required_still_answer(client, place):
    """Each service once was one more join: 50 of them passed SQLite's 64-table limit (a 500)."""
    wanted = ["tres-haut-debit", "visioconference"]
    assert [p["nom"] for p in client.get("/api/lieux", {"service": wanted}).json()] == [place.name]
    many = wanted + [f"service-{n}" for n in range(48)]
    response = client.get("/api/lieux", {"service": many})
    assert response.status_code == 200
    assert response.json() == []


def test_directory_repeated_service_counts_once(client, place):
    response = client.get("/lieux/", {"service": ["tres-haut-debit"] * 100})
    assert response.status_code == 200
    assert [p.name for p in response.context["places"]] == [place.name]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_opening_date_outside_1800_2100_is_refused(day):
    with pytest.raises(ValidationError) as error:
        place_clean(place_data(opening_date=day))
    assert error.value.message_dict == {
        "opening_date": ["Date d'ouverture entre 1800 et 2100 attendue."]
    }


def test_opening_date_in_the_span_is_kept():
    assert place_clean(place_data(opening_date="2026-09-01")).values["opening_date"] == date(
        2026, 9, 1
    )

"""The coordination's import page: upload, mapping with preview, dry run, import, refused rows."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.places.models import ImportMapping, Place, PlaceImport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADERLESS = (
    "Coworking du Pré;49,1806;-0,3540;14000;Caen\r\n"
    "Sans lieu;;;;\r\n"
    "Atelier 21;49,2765;-0,7036;14400;Bayeux\r\n"
).encode("cp1252")


@pytest.fixture
def coordinator(client):
    user = UserFactory(coordinator=True)
    client.force_login(user)
    return user


def upload(client, content=HEADERLESS, source="hub du Calvados", name="lieux.csv"):
    return client.post(
        "/lieux/import/", {"fichier": SimpleUploadedFile(name, content), "source": source}
    )


def test_import_pages_are_for_the_coordination_only(client):
    assert client.get("/lieux/import/").status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get("/lieux/import/").status_code == 404
    other = PlaceImport.objects.create(
        created_by=UserFactory(coordinator=True), filename="x.csv", content=b"a", source="s"
    )
    client.force_login(UserFactory(coordinator=True))
    assert client.get(f"/lieux/import/{other.pk}/").status_code == 404  # someone else's file


def test_upload_shows_detected_format_and_a_guessed_mapping_with_preview(client, coordinator):
    response = upload(client)
    upload_ = PlaceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/lieux/import/{upload_.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "séparateur point-virgule" in page and "sans ligne d&#x27;en-tête" in page
    assert "Latin-1" in page and "CRLF" in page
    assert upload_.columns == {
        "#1": "name",
        "#2": "latitude",
        "#3": "longitude",
        "#4": "postal_code",
        "#5": "city",
    }
    assert "Coworking du Pré" in page  # preview of the first rows


def test_bad_upload_is_a_french_400_and_nothing_is_kept(client, coordinator):
    response = upload(client, content=b"", source="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nommez la source" in page
    assert PlaceImport.objects.count() == 0
    response = upload(client, content=b"\x00\x01PK binary", source="s", name="x.xlsx")
    assert response.status_code == 400
    assert "enregistrez-le en CSV" in response.content.decode()


def test_dry_run_then_valid_rows_then_refused_rows_download(client, coordinator):
    upload(client)
    upload_ = PlaceImport.objects.get()
    url = f"/lieux/import/{upload_.pk}/"
    form = {f"colonne-{i}": t for i, t in enumerate(
        ["name", "latitude", "longitude", "postal_code", "city"])}  # fmt: skip
    response = client.post(url, {**form, "entete": "non", "action": "simuler"})
    assert response.status_code == 200
    page = response.content.decode()
    assert Place.objects.count() == 0
    assert "ligne 2 « Sans lieu »" in page and "ni coordonnées ni commune" in page
    assert "Importer les 2 lignes valides seulement" in page
    refused = client.get(f"{url}lignes-refusees.csv")
    assert refused["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(refused.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:1] == ["Sans lieu"] and "ni coordonnées" in rows[0][-1]

    response = client.post(url, {"action": "importer", "enregistrer": "oui"})
    assert response.status_code == 400  # all or nothing: one row is refused
    assert Place.objects.count() == 0
    response = client.post(url, {"action": "importer-valides", "enregistrer": "oui"})
    assert response.status_code == 302
    assert sorted(Place.objects.values_list("name", flat=True)) == [
        "Atelier 21",
        "Coworking du Pré",
    ]
    assert PlaceImport.objects.get().status == PlaceImport.Status.DONE
    assert ImportMapping.objects.get(source="hub du Calvados").has_header is False
    again = client.post(url, {"action": "importer-valides"})
    assert again.status_code == 200 and Place.objects.count() == 2  # a done import is closed


def test_a_mapping_without_name_is_refused_with_a_message_on_the_page(client, coordinator):
    upload(client)
    upload_ = PlaceImport.objects.get()
    response = client.post(
        f"/lieux/import/{upload_.pk}/",
        {"colonne-0": "ignorer", "colonne-1": "latitude", "colonne-2": "longitude",
         "entete": "non", "action": "simuler"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Choisissez la colonne qui donne le nom du lieu." in response.content.decode()
    hostile = client.post(
        f"/lieux/import/{upload_.pk}/",
        {"colonne-0": "<script>", "colonne-99": "name", "entete": "peut-être", "action": "x"},
    )
    assert hostile.status_code in (200, 400)


def test_old_uploads_are_purged(client, coordinator):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    upload(client)
    kept = PlaceImport.objects.get()
    old = PlaceImport.objects.create(created_by=coordinator, filename="x", content=b"a", source="s")
    PlaceImport.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=31))
    out = io.StringIO()
    call_command("places_import_purge", stdout=out)
    assert list(PlaceImport.objects.all()) == [kept]
    assert out.getvalue() == "1 fichier(s) d'import effacé(s).\n"

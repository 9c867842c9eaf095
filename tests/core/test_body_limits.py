"""Request bodies are capped: a French 413 (page, or JSON under /api/) before anything reads an
oversized body, while the pages made for large files still take them."""

import io
import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.core.body_limits import body_limit, declared_length
from maillage.observatory.models import CensusImport
from maillage.observatory.study.forms import (
    CommuneFormSet,
    DeskFormSet,
    StudyForm,
    ZoneFormSet,
)
from maillage.places.permissions import COORDINATORS_GROUP
from tests.factories import UserFactory
from tests.observatory.test_imports import csv_bytes, zipped
from tests.observatory.test_insee_files import EMPLOYMENT21_HEADER, EMPLOYMENT21_ROWS

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_login_refuses_a_100_mb_form_with_a_french_413(client):
    body = b"username=a%40b.fr&password=" + b"x" * (100 * MB)

    response = client.post(
        reverse("accounts:login"), data=body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1>Envoi trop volumineux</h1>" in page
    assert "Envoi trop volumineux : 8 Mo au plus pour cette adresse." in page
    assert '<link rel="stylesheet" href="/static/core/site.css">' in page


def test_login_refuses_a_large_file_that_django_alone_would_stream_to_disk(client):
    """DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out: the whole-body limit catches them."""
    junk = SimpleUploadedFile("gros.bin", b"\0" * (9 * MB))

    response = client.post(
        reverse("accounts:login"), {"username": "a@b.fr", "password": "x", "piece": junk}
    )

    assert response.status_code == 413
    assert "8 Mo au plus" in response.content.decode()


def test_form_fields_over_django_limit_get_a_413_too(client):
    """Under the whole-body limit but over DATA_UPLOAD_MAX_MEMORY_SIZE (fields, not files)."""
    body = b"username=a%40b.fr&password=" + b"x" * (3 * MB)

    response = client.post(
        reverse("accounts:login"), data=body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert "Envoi trop volumineux : 2,5 Mo au plus pour cette adresse." in (
        response.content.decode()
    )


def test_api_json_over_the_field_limit_is_a_french_json_413(client):
    client.force_login(UserFactory())
    body = b'{"nom": "' + b"x" * (3 * MB) + b'"}'

    response = client.post(
        "/api/observatoire/etudes/calcul", data=body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": "Envoi trop volumineux : 2,5 Mo au plus pour cette adresse."
    }


def test_api_body_over_the_whole_limit_is_a_french_json_413(client):
    response = client.post(
        "/api/observatoire/etudes/calcul",
        data=b"x" * (9 * MB),
        content_type="application/octet-stream",
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "Envoi trop volumineux : 8 Mo au plus pour cette adresse."}


def test_too_many_fields_is_a_french_400(client):
    fields = "&".join(f"c{i}=" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.post(
        reverse("accounts:login"), data=fields, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert (
        "Formulaire trop long : au plus 25\u202f000 champs par envoi." in response.content.decode()
    )


def test_insee_archive_above_the_default_limit_is_still_imported(client):
    """An INSEE archive carries documentation beside its CSV: 9 MB here, over the 8 MB default
    but within the import page's own limit, and imported."""
    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(coordinator)
    archive = io.BytesIO(
        zipped(
            {
                "base-cc-caract_emp-2021.CSV": csv_bytes(EMPLOYMENT21_HEADER, EMPLOYMENT21_ROWS),
                "documentation.pdf": os.urandom(9 * MB),  # does not compress
            }
        )
    )
    archive.name = "base-cc-caract_emp-2021_csv.zip"
    assert 9 * MB < len(archive.getvalue()) < settings.MAILLAGE_BODY_LIMITS["observatory:imports"]

    response = client.post(
        reverse("observatory:imports"), {"kind": "emploi", "file": archive}, follow=True
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Import réussi : Caractéristiques de l'emploi 2021, 2 communes enregistrées."
    ]
    assert CensusImport.objects.filter(kind="emploi").count() == 1


def test_body_limit_by_url_name():
    assert body_limit(reverse("observatory:imports")) == 201 * MB
    assert body_limit(reverse("places:import")) == 21 * MB
    assert body_limit(reverse("accounts:login")) == 8 * MB
    assert body_limit("/nulle-part/") == 8 * MB


@pytest.mark.parametrize(
    ("header", "expected"), [("1234", 1234), ("", 0), ("abc", 0), ("-5", 0), (None, 0)]
)
def test_declared_length_reads_like_django(rf, header, expected):
    request = rf.get("/")
    request.META.pop("CONTENT_LENGTH", None)
    if header is not None:
        request.META["CONTENT_LENGTH"] = header

    assert declared_length(request) == expected


def test_study_editor_fits_under_the_field_count_limit():
    """Every input of the study editor at its largest (each formset at max_num rows, with the
    delete box and the management form): the limit must let it through."""
    formsets = [ZoneFormSet, CommuneFormSet, DeskFormSet]
    rows = sum(fs.max_num * (len(fs.form.base_fields) + 1) for fs in formsets)
    management = 4 * len(formsets)
    largest = len(StudyForm.base_fields) + rows + management

    assert largest == 20_730  # plus a few buttons and checked scenarios: 25,000 leaves room
    assert largest <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS

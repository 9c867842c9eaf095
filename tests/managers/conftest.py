"""The managers' space for the tests: a coordinator, two place teams, a signed-in person with
no team, and the private document storage in a temporary folder."""

import io
import zipfile

import pytest

from maillage.managers.services import post_create
from tests.factories import OrganisationFactory, UserFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    """STORAGES["managers"] in a folder of the test's own."""
    folder = tmp_path / "managers-documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "managers": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True, display_name="Camille Coordination")


@pytest.fixture
def team_member():
    user = UserFactory(display_name="Dominique Gestion")
    OrganisationFactory(managers=[user])
    return user


@pytest.fixture
def other_team_member():
    user = UserFactory(display_name="Sacha Lieu")
    OrganisationFactory(managers=[user])
    return user


@pytest.fixture
def outsider():
    """Signed in, but neither coordinator nor in any place team."""
    return UserFactory(display_name="Personne Extérieure")


def make_post(author, **overrides):
    fields = {
        "title": "Ouverture d'un atelier de réparation",
        "body": "Nous lançons un repair café le samedi.\n\nVenez voir comment nous faisons.",
        "category": "bonne-pratique",
    } | overrides
    return post_create(user=author, **fields)


def office_file(kind: str) -> bytes:
    """Minimal ODF or OOXML archives, shaped like the real ones (their identifying member)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        elif kind == "ods":
            archive.writestr(
                zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
            )
            archive.writestr("content.xml", "<office:document-content/>")
        elif kind == "docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        else:  # a zip that is no office document
            archive.writestr("index.html", "<script>alert(1)</script>")
    return buffer.getvalue()

"""Documents attached to posts: recognised by content, capped at 10 MB, stored under a generated
name, served as a download to the space's members only."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.managers.documents import MAX_DOCUMENT_BYTES, NOT_ACCEPTED, download_name
from maillage.managers.models import Post
from tests.managers.conftest import PDF_BYTES, PNG_BYTES, office_file

pytestmark = pytest.mark.django_db

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def post_with(client, upload, title="Guide d'accueil"):
    data = {"title": title, "body": "Le guide.", "category": "ressource", "document": upload}
    return client.post(reverse("managers:post_new"), data)


def stored_files(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Lieu"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", b"<html><body>pas un PDF</body></html>"),  # wrong magic bytes
        ("dessin.svg", SVG),
        ("dessin.png", SVG),  # an SVG under an image's name
        ("page.docx", office_file("other")),  # a ZIP that is no office document
        ("script.pdf", b"MZ\x90\x00\x03"),
    ],
)
def test_refused_types_save_nothing(client, team_member, documents_dir, name, content):
    client.force_login(team_member)
    response = post_with(client, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert response.context["form"].errors["document"] == [NOT_ACCEPTED]
    assert Post.objects.count() == 0
    assert stored_files(documents_dir) == []


def test_oversize_is_refused(client, team_member, documents_dir, settings):
    settings.MAILLAGE_BODY_LIMITS = {"managers:post_new": 12 * 1024 * 1024}
    client.force_login(team_member)
    big = PDF_BYTES + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(PDF_BYTES))
    response = post_with(client, SimpleUploadedFile("gros.pdf", big))
    assert response.status_code == 400
    assert response.context["form"].errors["document"] == ["Fichier trop lourd : 10 Mo au plus."]
    assert Post.objects.count() == 0
    assert stored_files(documents_dir) == []


def test_good_pdf_is_stored_under_a_generated_name(client, team_member, documents_dir, tmp_path):
    client.force_login(team_member)
    response = post_with(client, SimpleUploadedFile("../../Guide d'accueil.pdf", PDF_BYTES))
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.document_name, post.document_type, post.document_size) == (
        "Guide_daccueil.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    files = stored_files(documents_dir)
    assert files == [post.document_path]
    assert len(post.document_path) == 36 and post.document_path.endswith(".pdf")
    assert (documents_dir / post.document_path).read_bytes() == PDF_BYTES
    assert stored_files(tmp_path) == files  # nothing written beside the storage


def test_document_served_as_attachment_to_members_only(
    client, team_member, other_team_member, coordinator, outsider
):
    client.force_login(team_member)
    post_with(client, SimpleUploadedFile("guide.pdf", PDF_BYTES))
    post = Post.objects.get()
    url = reverse("managers:post_document", kwargs={"post_id": post.pk})
    for user in (other_team_member, coordinator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="guide.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "expected_name", "expected_type"),
    [
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "photo.jpg", "image/jpeg"),
        ("plan.PNG", PNG_BYTES, "plan.png", "image/png"),
        (
            "compte-rendu.odt",
            office_file("odt"),
            "compte-rendu.odt",
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "budget.ods",
            office_file("ods"),
            "budget.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            "note.docx",
            office_file("docx"),
            "note.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "tableau.xlsx",
            xlsx_bytes(),
            "tableau.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("sans-extension", PDF_BYTES, "sans-extension.pdf", "application/pdf"),
    ],
)
def test_accepted_types_read_from_content(
    client, team_member, name, content, expected_name, expected_type
):
    client.force_login(team_member)
    assert post_with(client, SimpleUploadedFile(name, content)).status_code == 302
    post = Post.objects.get()
    assert (post.document_name, post.document_type) == (expected_name, expected_type)


def test_download_name_is_cleaned():
    assert download_name("..\\..\\windows\\rapport final.svg", "pdf") == "rapport_final.pdf"
    assert download_name("..", "png") == "document.png"
    assert download_name("", "pdf") == "document.pdf"


def test_replacing_and_removing_the_document(
    client, team_member, documents_dir, django_capture_on_commit_callbacks
):
    """The old file goes once the change is committed."""
    client.force_login(team_member)
    post_with(client, SimpleUploadedFile("v1.pdf", PDF_BYTES))
    post = Post.objects.get()
    first = post.document_path
    url = reverse("managers:post_edit", kwargs={"post_id": post.pk})
    fields = {"title": post.title, "body": post.body, "category": post.category}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**fields, "document": SimpleUploadedFile("v2.png", PNG_BYTES)})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.document_name == "v2.png"
    assert stored_files(documents_dir) == [post.document_path]
    assert post.document_path != first

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**fields, "remove_document": "on"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.document_path, post.document_name, post.document_size) == ("", "", 0)
    assert stored_files(documents_dir) == []
    assert (
        client.get(reverse("managers:post_document", kwargs={"post_id": post.pk})).status_code
        == 404
    )

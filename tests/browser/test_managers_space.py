"""The managers' space in a browser: a team member publishes a post with a PDF under our CSP, a
coordinator reads it and replies; every page passes axe and fits a phone (375 px)."""

import pytest

from maillage.managers.models import Post
from tests.browser.conftest import serious_violations, signed_in_context
from tests.factories import OrganisationFactory, UserFactory
from tests.managers.conftest import PDF_BYTES, make_post

pytestmark = pytest.mark.browser


@pytest.fixture
def space(reference_geography, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "managers": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "managers")},
        },
    }
    member = UserFactory(display_name="Dominique Gestion")
    OrganisationFactory(managers=[member])
    coordinator = UserFactory(coordinator=True, display_name="Camille Coordination")
    return member, coordinator


def signed_in(browser, live_server, user, width, **options):
    return signed_in_context(browser, live_server, user, width=width, axe=False, **options)


def test_publish_with_a_document_then_reply(browser, live_server, space, tmp_path):
    member, coordinator = space
    document = tmp_path / "guide-accueil.pdf"
    document.write_bytes(PDF_BYTES)
    context = signed_in(browser, live_server, member, 375)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto("/gestionnaires/")
        page.get_by_role("link", name="Publier un message").click()
        page.get_by_label("Titre").fill("Guide d'accueil des nouveaux membres")
        page.get_by_label("Catégorie").select_option("ressource")
        page.get_by_label("Texte").fill("Voici notre guide.\n\nÀ adapter à chaque lieu.")
        page.get_by_label("Document joint").set_input_files(str(document))
        page.get_by_role("button", name="Publier").click()
        page.wait_for_selector("h1#post-title")
        assert page.locator("h1#post-title").inner_text() == "Guide d'accueil des nouveaux membres"
        assert page.locator(".managers-body p").all_inner_texts() == [
            "Voici notre guide.",
            "À adapter à chaque lieu.",
        ]
        assert page.get_by_role("link", name="guide-accueil.pdf").count() == 1
    finally:
        context.close()
    assert errors == []

    post = Post.objects.get()
    context = signed_in(browser, live_server, coordinator, 1280)
    page = context.new_page()
    try:
        page.goto("/gestionnaires/")
        assert page.get_by_role("link", name="Notifications 1 non lue").count() == 1
        page.get_by_role("link", name="Guide d'accueil des nouveaux membres").click()
        page.get_by_label("Votre réponse").fill("Merci, nous le diffusons.")
        page.get_by_role("button", name="Publier la réponse").click()
        page.wait_for_selector("#replies-title")
        assert page.locator("#replies-title").inner_text() == "1 réponse"
        with page.expect_download() as download:
            page.get_by_role("link", name="guide-accueil.pdf").click()
        assert download.value.suggested_filename == "guide-accueil.pdf"
    finally:
        context.close()
    assert post.comments.get().author == coordinator


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_pass_axe_and_fit(browser, live_server, space, width):
    member, coordinator = space
    post = make_post(coordinator, title="Une actualité au titre assez long pour passer à la ligne")
    paths = [
        "/gestionnaires/",
        "/gestionnaires/publier/",
        f"/gestionnaires/messages/{post.pk}/",
        "/gestionnaires/notifications/",
        "/gestionnaires/preferences/",
    ]
    context = signed_in(browser, live_server, member, width, bypass_csp=True)
    page = context.new_page()
    problems = {}
    try:
        for path in paths:
            response = page.goto(path)
            page.wait_for_load_state("networkidle")
            found = [] if response.status == 200 else [("statut", response.status)]
            found += serious_violations(page)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                found.append(("défilement horizontal", scroll))
            if found:
                problems[path] = found
    finally:
        context.close()
    assert problems == {}

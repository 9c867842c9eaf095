import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from tests.mailbox import deliver

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Camille@Exemple.fr",
    "display_name": "Camille",
    "password1": "un-long-mot-de-passe-2026",
    "password2": "un-long-mot-de-passe-2026",
    "consent": "on",
}


def confirmation_link(mail) -> str:
    """The link's path, once checked to be under the configured public address."""
    link = re.search(r"https?://\S+", mail.body).group(0)
    assert link.startswith(settings.MAILLAGE_SITE_URL + "/")
    return link.removeprefix(settings.MAILLAGE_SITE_URL)


def test_signup_creates_inactive_account_and_sends_one_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/inscription", SIGNUP)
    assert response.status_code == 200
    assert "Vérifiez votre boîte mail" in response.content.decode()
    user = get_user_model().objects.get(email="Camille@exemple.fr")
    assert user.is_active is False
    assert len(deliver()) == 1
    assert mailoutbox[0].to == ["Camille@exemple.fr"]
    assert "/compte/confirmer/" in mailoutbox[0].body


def test_confirmation_link_activates_logs_in_and_works_once(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/inscription", SIGNUP)
    link = confirmation_link(deliver()[0])
    response = client.get(link)
    assert response.status_code == 302
    assert get_user_model().objects.get(email="Camille@exemple.fr").is_active is True
    assert client.get("/").context["user"].is_authenticated
    client.logout()
    again = client.get(link)
    assert again.status_code == 400
    assert (
        "n&#x27;est pas valide" in again.content.decode()
        or "n'est pas valide" in again.content.decode()
    )


def test_tampered_token_is_refused(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/inscription", SIGNUP)
    link = confirmation_link(deliver()[0])
    assert client.get(link[:-3] + "zzz").status_code == 400
    assert get_user_model().objects.get(email="Camille@exemple.fr").is_active is False


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password1": "123", "password2": "123"}, "password1", "trop court"),
        ({"password2": "autre-chose-2026"}, "password2", "ne correspondent pas"),
        ({"consent": ""}, "consent", "obligatoire"),
    ],
)
def test_signup_errors(client, changes, field, message):
    get_user_model().objects.create_user(email="camille@exemple.fr", password="x")
    data = {**SIGNUP, "email": "autre@exemple.fr", **changes}
    response = client.post("/compte/inscription", data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert get_user_model().objects.count() == 1


def test_login_with_email(client):
    get_user_model().objects.create_user(email="a@exemple.fr", password="mot-de-passe-solide")
    response = client.post(
        "/compte/connexion", {"username": "a@exemple.fr", "password": "mot-de-passe-solide"}
    )
    assert response.status_code == 302
    response = client.post("/compte/connexion", {"username": "a@exemple.fr", "password": "faux"})
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_unconfirmed_user_is_told_to_confirm(client):
    get_user_model().objects.create_user(
        email="b@exemple.fr", password="mot-de-passe-solide", is_active=False
    )
    response = client.post(
        "/compte/connexion", {"username": "b@exemple.fr", "password": "mot-de-passe-solide"}
    )
    assert response.status_code == 200
    assert "Confirmez d&#x27;abord votre adresse e-mail" in response.content.decode()


def test_logout_requires_post(client):
    user = get_user_model().objects.create_user(email="c@exemple.fr", password="x")
    client.force_login(user)
    assert client.get("/compte/deconnexion").status_code == 405
    assert client.post("/compte/deconnexion").status_code == 302


def test_resend_is_neutral(client, mailoutbox):
    get_user_model().objects.create_user(email="d@exemple.fr", password="x", is_active=False)
    client.post("/compte/renvoyer", {"email": "inconnu@exemple.fr"})
    assert deliver() == []
    response = client.post("/compte/renvoyer", {"email": "d@exemple.fr"}, follow=True)
    assert len(deliver()) == 1
    assert "Si un compte non confirmé existe" in response.content.decode()


def test_password_reset_sends_email(client, mailoutbox):
    get_user_model().objects.create_user(email="e@exemple.fr", password="x")
    client.post("/compte/mot-de-passe/oubli", {"email": "e@exemple.fr"})
    assert len(mailoutbox) == 1
    assert "/compte/mot-de-passe/nouveau/" in mailoutbox[0].body


def signup_page(client, data):
    response = client.post("/compte/inscription", data)
    return response.status_code, response.content.decode().replace(data["email"], "ADRESSE")


def test_signup_with_an_existing_address_looks_like_a_new_one(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = get_user_model().objects.create_user(email="camille@exemple.fr", password="ancien-2026")
    with django_capture_on_commit_callbacks(execute=True):
        new = signup_page(client, {**SIGNUP, "email": "dominique@exemple.fr"})
    with django_capture_on_commit_callbacks(execute=True):
        taken = signup_page(client, {**SIGNUP, "email": "camille@exemple.fr"})
    assert taken == new
    assert new[0] == 200
    assert "Un lien de confirmation vient d'être envoyé à ADRESSE." in new[1]
    # Nothing created or changed for the existing address; its owner is told, with a way in.
    assert get_user_model().objects.filter(email__iexact="camille@exemple.fr").count() == 1
    owner.refresh_from_db()
    assert owner.check_password("ancien-2026") is True
    assert [m.to for m in deliver()] == [["dominique@exemple.fr"], ["camille@exemple.fr"]]
    notice = mailoutbox[1]
    assert notice.subject == "Votre compte maillage existe déjà"
    assert "aucun autre n'a été créé" in notice.body
    reset_link = re.search(r"https?://\S+(/compte/mot-de-passe/nouveau/\S+)", notice.body)
    assert reset_link.group(0).startswith(settings.MAILLAGE_SITE_URL + "/compte/")
    # The link opens the form for a new password (Django redirects to the token-free address).
    opened = client.get(reset_link.group(1), follow=True)
    assert opened.status_code == 200
    assert opened.context["validlink"] is True


def test_signup_again_before_confirming_sends_the_confirmation_again(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/inscription", SIGNUP)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/compte/inscription", {**SIGNUP, "email": "CAMILLE@exemple.fr"})
    assert again.status_code == 200
    assert get_user_model().objects.count() == 1
    assert len(deliver()) == 2
    assert mailoutbox[1].to == ["Camille@exemple.fr"]
    assert client.get(confirmation_link(mailoutbox[1])).status_code == 302
    assert get_user_model().objects.get().is_active is True


def test_password_reset_answers_the_same_for_an_unknown_address(client, mailoutbox):
    get_user_model().objects.create_user(email="e@exemple.fr", password="x")
    known = client.post("/compte/mot-de-passe/oubli", {"email": "e@exemple.fr"}, follow=True)
    unknown = client.post("/compte/mot-de-passe/oubli", {"email": "f@exemple.fr"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/compte/mot-de-passe/envoye", 302)]
    assert known.content == unknown.content
    assert [m.to for m in mailoutbox] == [["e@exemple.fr"]]


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_login_ignores_a_foreign_next(client, next_url):
    get_user_model().objects.create_user(email="g@exemple.fr", password="mot-de-passe-solide")
    response = client.post(
        "/compte/connexion",
        {"username": "g@exemple.fr", "password": "mot-de-passe-solide", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"

"""« Je veux un lieu »: the public form, its anti-spam guards and bad input (issue 14, point 7)."""

import pytest
from django.urls import reverse

from maillage.demand.forms import StatementForm
from maillage.demand.models import DemandStatement
from tests.demand.conftest import form_data, link_path, queued
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/je-veux-un-lieu/"


def test_url_name_is_the_public_address():
    assert reverse("demand:new") == URL


def test_page_shows_the_form_with_its_consent_text(client):
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Je veux un lieu près de chez moi" in body
    assert "la demande est conservée 3 ans ou jusqu&#x27;à ce que je la retire" in body
    assert 'name="email"' in body
    assert 'aria-hidden="true"' in body and 'name="site_web"' in body and 'tabindex="-1"' in body


def test_anonymous_statement_waits_for_its_confirmation_email(client, commune):
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("demand:sent")
    statement = DemandStatement.objects.get()
    assert statement.status == DemandStatement.Status.PENDING
    assert statement.source == DemandStatement.Source.FORM
    assert statement.email == "alice.martin@exemple.fr"
    assert statement.user is None
    assert statement.confirmed_at is None
    assert statement.commune == commune("14118")
    assert statement.work_commune == commune("14047")
    assert statement.days_per_week == 2
    assert statement.needs == ["poste", "salle"]
    assert (statement.commute_mode, statement.commute_km, statement.commute_minutes) == (
        "voiture",
        28,
        35,
    )
    assert statement.willingness == "oui"
    assert statement.notify_opening is True
    [email] = queued()
    assert email.to == ["alice.martin@exemple.fr"]
    assert email.subject == "Confirmez votre demande de lieu"
    assert link_path(email).startswith("/je-veux-un-lieu/confirmer/")


def test_services_wanted_are_kept(client):
    from maillage.places.models import Service

    wanted = list(Service.objects.order_by("pk")[:2])
    client.post(URL, form_data(services=[str(s.pk) for s in wanted]))
    statement = DemandStatement.objects.get()
    assert list(statement.services.order_by("pk")) == wanted


def test_signed_in_statement_is_confirmed_at_once_without_email(client, commune):
    user = UserFactory()
    client.force_login(user)
    response = client.post(URL, form_data(email=None))
    assert response.status_code == 302
    assert response["Location"] == reverse("demand:mine")
    statement = DemandStatement.objects.get()
    assert statement.status == DemandStatement.Status.CONFIRMED
    assert statement.user == user
    assert statement.email == ""
    assert statement.confirmed_at is not None
    assert queued() == []


def test_signed_in_new_statement_replaces_the_previous_one(client, commune):
    user = UserFactory()
    client.force_login(user)
    client.post(URL, form_data(email=None))
    client.post(URL, form_data(email=None, commune="Bayeux", jours="4"))
    [statement] = DemandStatement.objects.all()
    assert (statement.commune, statement.days_per_week, statement.status) == (
        commune("14047"),
        4,
        DemandStatement.Status.CONFIRMED,
    )


def test_signed_in_statement_replaces_the_one_confirmed_by_email_before_the_account(
    client, commune
):
    """Same address, same person: counted once (the review found it counted twice)."""
    client.post(URL, form_data(email="alice.martin@exemple.fr"))
    client.post(link_path(queued()[0]))
    assert DemandStatement.objects.get().status == DemandStatement.Status.CONFIRMED
    user = UserFactory(email="alice.martin@exemple.fr")
    client.force_login(user)
    client.post(URL, form_data(email=None, commune="Bayeux", jours="4"))
    [statement] = DemandStatement.objects.all()
    assert (statement.user, statement.email, statement.commune, statement.days_per_week) == (
        user,
        "",
        commune("14047"),
        4,
    )


def test_honeypot_filled_pretends_success_and_stores_nothing(client):
    response = client.post(URL, form_data(site_web="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("demand:sent")
    assert DemandStatement.objects.count() == 0
    assert queued() == []


def test_honeypot_filled_with_junk_elsewhere_pretends_success_too(client):
    response = client.post(URL, form_data(site_web="x", jours="99", commune=""))
    assert response.status_code == 302
    assert DemandStatement.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("jours", "0", "Choisissez un nombre de jours entre 1 et 5."),
        ("jours", "9", "Choisissez un nombre de jours entre 1 et 5."),
        ("jours", "", "Choisissez un nombre de jours entre 1 et 5."),
        ("km", "-1", "La distance ne peut pas être négative."),
        ("km", "5000", "La distance ne peut pas dépasser 1000 km."),
        ("km", "douze", "Donnez un nombre entier de kilomètres."),
        ("minutes", "601", "La durée ne peut pas dépasser 600 minutes."),
        ("besoins", [], "Cochez au moins un besoin."),
        ("besoins", ["piscine"], "Choix inconnu : « piscine »."),
        ("email", "pas-une-adresse", "Adresse e-mail invalide."),
        ("email", "", "Donnez votre adresse e-mail : elle sert à confirmer la demande."),
        ("consentement", "", "Cochez cette case pour envoyer la demande."),
        ("mode", "fusee", "Choisissez un mode de déplacement de la liste."),
        ("services", ["999999"], "Service inconnu."),
    ],
)
def test_bad_input_gets_a_french_field_message_and_nothing_is_saved(client, field, value, message):
    response = client.post(URL, form_data(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert "rien n'a été enregistré" in response.content.decode()
    assert DemandStatement.objects.count() == 0
    assert queued() == []


def test_unknown_commune_gets_a_french_field_message(client):
    response = client.post(URL, form_data(commune="Zzyzxville-sur-Mer"))
    assert response.status_code == 400
    [message] = response.context["form"].errors["commune"]
    assert message.startswith("Commune inconnue")
    assert DemandStatement.objects.count() == 0


def test_huge_texts_are_bounded(client):
    response = client.post(URL, form_data(commune="x" * 5000, email="a" * 300 + "@b.fr"))
    assert response.status_code == 400
    assert DemandStatement.objects.count() == 0


def test_no_address_field_anywhere():
    """Only communes: neither the form nor the model has a street address."""
    assert sorted(StatementForm().fields) == sorted(
        [
            "commune",
            "commune_travail",
            "jours",
            "besoins",
            "services",
            "mode",
            "km",
            "minutes",
            "disposition",
            "prevenir",
            "email",
            "consentement",
            "site_web",
        ]
    )
    names = {f.name for f in DemandStatement._meta.get_fields()}
    assert {n for n in names if "address" in n or "adresse" in n or "street" in n} == set()


def test_client_address_is_throttled_at_five_an_hour(client):
    for n in range(5):
        response = client.post(URL, form_data(email=f"p{n}@exemple.fr"))
        assert response.status_code == 302
    response = client.post(URL, form_data(email="p6@exemple.fr"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Trop de tentatives : réessayez dans" in response.content.decode()
    assert DemandStatement.objects.count() == 5


def test_bad_attempts_count_for_the_client_address_too(client):
    for _ in range(5):
        assert client.post(URL, form_data(jours="9")).status_code == 400
    assert client.post(URL, form_data()).status_code == 429
    assert DemandStatement.objects.count() == 0


def test_one_email_address_is_throttled_at_three_a_day(client):
    for n in range(3):
        response = client.post(URL, form_data(), REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 302
    response = client.post(URL, form_data(email="ALICE.martin@exemple.fr"), REMOTE_ADDR="10.0.1.9")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 86400
    assert DemandStatement.objects.count() == 3
    assert len(queued()) == 3


def test_an_address_with_an_account_gets_the_same_answer_and_email(client):
    UserFactory(email="bob@exemple.fr")
    first = client.post(URL, form_data(email="bob@exemple.fr"), REMOTE_ADDR="10.0.0.1")
    second = client.post(URL, form_data(email="carla@exemple.fr"), REMOTE_ADDR="10.0.0.2")
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    bob, carla = queued()
    assert bob.subject == carla.subject
    assert bob.message.replace(link_path(bob), "") == carla.message.replace(link_path(carla), "")

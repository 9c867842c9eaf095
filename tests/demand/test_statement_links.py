"""Confirming, seeing and withdrawing a statement; the RGPD eraser (issue 14, point 7)."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from maillage.core.erasure import erasers
from maillage.demand import services
from maillage.demand.models import DemandStatement
from maillage.demand.services import DemandError, StatementInput
from tests.demand.conftest import form_data, link_path, queued
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = DemandStatement.Status


def _submit(commune, *, email="alice@exemple.fr", user=None, now=None, code="14118"):
    data = StatementInput(commune=commune(code), days_per_week=3, needs=["poste"])
    return services.statement_submit(data=data, email=email, user=user, now=now)


def _confirm_path(client, **overrides) -> str:
    client.post("/je-veux-un-lieu/", form_data(**overrides))
    return link_path(queued()[-1])


def test_confirmation_link_get_asks_then_post_confirms(client):
    path = _confirm_path(client)
    response = client.get(path)
    assert response.status_code == 200
    assert "Confirmer ma demande</button>" in response.content.decode()
    assert DemandStatement.objects.get().status == Status.PENDING

    response = client.post(path)
    assert response.status_code == 200
    assert "Votre demande près de Caen est confirmée" in response.content.decode()
    statement = DemandStatement.objects.get()
    assert statement.status == Status.CONFIRMED
    assert statement.confirmed_at is not None
    assert statement.email == "alice.martin@exemple.fr"
    confirm_email, confirmed_email = queued()
    assert confirm_email.subject == "Confirmez votre demande de lieu"
    assert confirmed_email.subject == "Votre demande de lieu est confirmée"
    assert link_path(confirmed_email).startswith("/je-veux-un-lieu/demande/")


def test_confirmation_link_twice_keeps_one_confirmed_statement(client):
    path = _confirm_path(client)
    client.post(path)
    response = client.post(path)
    assert response.status_code == 200
    assert DemandStatement.objects.get().status == Status.CONFIRMED
    assert len(queued()) == 2  # the request and one « confirmée », not two


def test_expired_confirmation_link_is_refused(commune):
    now = timezone.now().replace(microsecond=0)  # links are signed to the second
    statement = _submit(commune, now=now)
    token = services.confirm_token(statement, now=now)
    with pytest.raises(DemandError) as refused:
        services.statement_confirm(token=token, now=now + timedelta(days=7, seconds=1))
    assert (refused.value.status, refused.value.message) == (
        410,
        "Ce lien de confirmation a expiré : envoyez de nouveau la demande.",
    )
    statement.refresh_from_db()
    assert statement.status == Status.PENDING
    # One second before, the same link works.
    confirmed = services.statement_confirm(token=token, now=now + timedelta(days=7))
    assert confirmed.status == Status.CONFIRMED


def test_expired_link_page_says_so(client, commune):
    old = timezone.now() - timedelta(days=8)
    statement = _submit(commune, now=old)
    token = services.confirm_token(statement, now=old)
    response = client.post(f"/je-veux-un-lieu/confirmer/{token}/")
    assert response.status_code == 410
    assert "Ce lien de confirmation a expiré" in response.content.decode()


def test_tampered_confirmation_link_is_refused(client):
    path = _confirm_path(client)
    token = path.split("/")[-2]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post(f"/je-veux-un-lieu/confirmer/{tampered}/")
    assert response.status_code == 404
    assert "Ce lien n&#x27;est pas valide." in response.content.decode()
    assert DemandStatement.objects.get().status == Status.PENDING


def test_link_signed_for_another_address_is_refused(commune):
    statement = _submit(commune)
    forged = signing.dumps(
        {
            "s": str(statement.public_id),
            "e": "mallory@exemple.fr",
            "t": int(timezone.now().timestamp()),
        },
        salt=services.CONFIRM_SALT,
    )
    with pytest.raises(DemandError) as refused:
        services.statement_confirm(token=forged)
    assert refused.value.status == 404
    # A manage link is not a confirmation link either (different salt).
    with pytest.raises(DemandError):
        services.statement_confirm(token=services.manage_token(statement))


def test_confirming_a_new_statement_replaces_the_previous_one(client, commune):
    client.post(_confirm_path(client))
    client.post(_confirm_path(client, commune="Bayeux", jours="5"), REMOTE_ADDR="10.0.0.2")
    [statement] = DemandStatement.objects.all()
    assert (statement.commune, statement.days_per_week, statement.status) == (
        commune("14047"),
        5,
        Status.CONFIRMED,
    )


def test_an_unconfirmed_new_statement_leaves_the_confirmed_one_counting(client, commune):
    client.post(_confirm_path(client))
    _confirm_path(client, commune="Bayeux")
    assert sorted(DemandStatement.objects.values_list("status", flat=True)) == [
        Status.CONFIRMED,
        Status.PENDING,
    ]


def test_confirming_an_address_with_an_account_attaches_it_to_the_account(client, commune):
    user = UserFactory(email="bob@exemple.fr")
    client.post(_confirm_path(client, email="Bob@exemple.fr"))
    statement = DemandStatement.objects.get()
    assert (statement.user, statement.email, statement.status) == (user, "", Status.CONFIRMED)
    client.force_login(user)
    response = client.get("/je-veux-un-lieu/ma-demande/")
    assert "Caen (14118)" in response.content.decode()


def test_manage_link_shows_and_withdraws_keeping_nothing_personal(client, commune):
    client.post(_confirm_path(client))
    manage = link_path(queued()[-1])
    response = client.get(manage)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Caen (14118)" in body and "Bayeux (14047)" in body
    assert "Un poste de travail (espace partagé), Une salle de réunion" in body

    response = client.post(manage)
    assert response.status_code == 200
    assert "Votre demande est retirée" in response.content.decode()
    statement = DemandStatement.objects.get()
    assert statement.status == Status.WITHDRAWN
    assert (statement.email, statement.user, statement.notify_opening) == ("", None, False)
    assert statement.withdrawn_at is not None
    assert statement.commune == commune("14118")
    # The link is dead now, and says nothing.
    assert client.get(manage).status_code == 404


def test_mine_shows_and_withdraws_the_accounts_statement(client, commune):
    user = UserFactory()
    client.force_login(user)
    client.post("/je-veux-un-lieu/", form_data(email=None))
    response = client.get("/je-veux-un-lieu/ma-demande/")
    assert response.status_code == 200
    assert "Caen (14118)" in response.content.decode()
    response = client.post("/je-veux-un-lieu/ma-demande/")
    assert response.status_code == 302
    statement = DemandStatement.objects.get()
    assert (statement.status, statement.user, statement.email) == (Status.WITHDRAWN, None, "")
    response = client.get("/je-veux-un-lieu/ma-demande/")
    assert "Vous n'avez pas de demande en cours." in response.content.decode()


def test_mine_never_shows_someone_elses_statement(client, commune):
    _submit(commune, user=UserFactory(), email="")
    client.force_login(UserFactory())
    response = client.get("/je-veux-un-lieu/ma-demande/")
    assert "Vous n'avez pas de demande en cours." in response.content.decode()
    client.post("/je-veux-un-lieu/ma-demande/")
    assert DemandStatement.objects.get().status == Status.CONFIRMED


def test_mine_needs_an_account(client):
    response = client.get("/je-veux-un-lieu/ma-demande/")
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_a_pending_statement_has_no_manage_link(commune):
    statement = _submit(commune)
    with pytest.raises(DemandError) as refused:
        services.statement_for_manage_token(token=services.manage_token(statement))
    assert refused.value.status == 404


def test_eraser_detaches_keeps_communes_and_deletes_unconfirmed(commune):
    user = UserFactory(email="erin@exemple.fr")
    mine = _submit(commune, user=user, email="")
    by_address = _submit(commune, email="erin@exemple.fr", code="14047")
    services.statement_confirm(
        token=services.confirm_token(by_address, now=timezone.now())
    )  # joins the account, replacing `mine`
    pending = _submit(commune, email="erin@exemple.fr", code="14488")
    other = _submit(commune, email="zoe@exemple.fr")
    assert not DemandStatement.objects.filter(pk=mine.pk).exists()

    assert erasers()["demandes de lieu"](user) == 2
    kept = DemandStatement.objects.get(pk=by_address.pk)
    assert (kept.user, kept.email, kept.notify_opening, kept.status) == (
        None,
        "",
        False,
        Status.CONFIRMED,
    )
    assert kept.commune == commune("14047")
    assert not DemandStatement.objects.filter(pk=pending.pk).exists()
    assert DemandStatement.objects.get(pk=other.pk).email == "zoe@exemple.fr"


def test_pending_statements_older_than_seven_days_are_purged(commune):
    now = timezone.now()
    old = _submit(commune)
    recent = _submit(commune, email="bea@exemple.fr")
    confirmed = _submit(commune, user=UserFactory(), email="")
    DemandStatement.objects.filter(pk__in=[old.pk, confirmed.pk]).update(
        created_at=now - timedelta(days=8)
    )
    assert services.pending_purge(now=now) == 1
    assert sorted(DemandStatement.objects.values_list("pk", flat=True)) == sorted(
        [recent.pk, confirmed.pk]
    )


def test_confirmed_statements_are_withdrawn_after_the_three_years_promised(commune):
    now = timezone.now()
    old = _submit(commune, user=UserFactory(), email="")
    kept = _submit(commune, user=UserFactory(), email="")
    DemandStatement.objects.filter(pk=old.pk).update(confirmed_at=now - timedelta(days=1096))
    DemandStatement.objects.filter(pk=kept.pk).update(confirmed_at=now - timedelta(days=1094))
    assert services.pending_purge(now=now) == 1
    old.refresh_from_db()
    assert (old.status, old.user, old.email, old.notify_opening, old.withdrawn_at) == (
        DemandStatement.Status.WITHDRAWN,
        None,
        "",
        False,
        now,
    )
    assert DemandStatement.objects.get(pk=kept.pk).status == DemandStatement.Status.CONFIRMED
    assert services.pending_purge(now=now) == 0


def test_second_click_answers_the_same_whether_or_not_the_address_has_an_account(client):
    UserFactory(email="bob@exemple.fr")
    bob = _confirm_path(client, email="bob@exemple.fr")
    carla = _confirm_path(client, email="carla@exemple.fr")
    for path in (bob, carla, bob, carla):
        response = client.post(path)
        assert response.status_code == 200
        assert "Votre demande près de Caen est confirmée" in response.content.decode()

"""One person's statement written from several connections at once (reliability.md rule 4):
threads released together, each on its own connection; never a crash, one active statement."""

import pytest
from django.utils import timezone

from maillage.demand import services
from maillage.demand.models import DemandStatement
from maillage.demand.services import DemandError, StatementInput
from tests.concurrency import race
from tests.demand.conftest import queued
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = DemandStatement.Status


def _data(commune, code="14118"):
    return StatementInput(commune=commune(code), days_per_week=2, needs=["poste"])


def test_one_link_clicked_five_times_at_once_confirms_once(commune):
    statement = services.statement_submit(data=_data(commune), email="alice@exemple.fr")
    token = services.confirm_token(statement, now=timezone.now())
    outcomes = race([lambda: services.statement_confirm(token=token).status] * 5)
    assert outcomes == [("ok", Status.CONFIRMED)] * 5
    assert [e.subject for e in queued()] == [
        "Confirmez votre demande de lieu",
        "Votre demande de lieu est confirmée",
    ]


def test_two_links_of_one_address_clicked_at_once_leave_one_statement(commune):
    first = services.statement_submit(data=_data(commune), email="alice@exemple.fr")
    second = services.statement_submit(data=_data(commune, "14047"), email="alice@exemple.fr")
    tokens = [services.confirm_token(s, now=timezone.now()) for s in (first, second)]
    outcomes = race([lambda t=t: _confirm_or_refusal(t) for t in tokens])
    [kept] = DemandStatement.objects.all()
    assert kept.status == Status.CONFIRMED
    # Whichever confirmed last replaced the other, which answered with itself (confirmed
    # first, replaced after) or with « gone » (replaced before its turn): never a crash.
    assert [status for status, _answer in outcomes] == ["ok", "ok"]
    answers = [answer for _ok, answer in outcomes]
    other = answers[1 - answers.index(kept.pk)]
    assert other in {first.pk, second.pk, (404, services.GONE)} - {kept.pk}


def _confirm_or_refusal(token):
    try:
        return services.statement_confirm(token=token).pk
    except DemandError as error:
        return (error.status, error.message)


def test_one_account_submitting_four_times_at_once_keeps_one_statement(commune):
    user = UserFactory()
    outcomes = race([lambda: services.statement_submit(data=_data(commune), user=user).status] * 4)
    assert outcomes == [("ok", Status.CONFIRMED)] * 4
    assert DemandStatement.objects.filter(user=user).count() == 1

"""The label's guarantees under real concurrency (reliability.md rule 4): separate connections
released together by a barrier, several rounds. One open application per place; one decision
per application; one reminder per award and delay."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from maillage.labelling import services
from maillage.labelling.errors import LabelError
from maillage.labelling.models import Application, ApplicationStep, Award, ReminderSent
from maillage.labelling.reminders import label_reminders_send
from tests.concurrency import race
from tests.labelling.conftest import NOW, judge_all, submitted

ROUNDS = 3
pytestmark = pytest.mark.django_db(transaction=True)


def refusal_or(call):
    """The call's result, or ("refus", status, message) for a label refusal."""
    try:
        return call()
    except LabelError as error:
        return ("refus", error.status, error.message)


def test_two_concurrent_apply_requests_open_one_application(
    reference_geography, scheme, place, manager
):
    url = f"/label/candidater/{place.public_id}/"
    for _ in range(ROUNDS):
        clients = [Client() for _ in range(4)]
        for client in clients:
            client.force_login(manager)

        outcomes = race([lambda c=c: c.post(url).status_code for c in clients])

        assert sorted(outcomes) == [("ok", 302)] + [("ok", 409)] * 3
        open_ones = Application.objects.filter(place=place, status__in=Application.OPEN_STATUSES)
        assert open_ones.count() == 1
        services.application_withdraw(user=manager, application=open_ones.get())
    assert ApplicationStep.objects.filter(kind=ApplicationStep.Kind.CREATED).count() == ROUNDS


def test_two_coordinators_granting_at_once_make_one_award(
    reference_geography, scheme, place, manager
):
    from tests.factories import UserFactory

    coordinators = [UserFactory(coordinator=True) for _ in range(2)]
    for round_number in range(ROUNDS):
        application = submitted(scheme, place, manager)
        judge_all(application, coordinators[0])

        outcomes = race(
            [
                lambda c=c, a=application: refusal_or(
                    lambda: services.application_grant(user=c, application=a, now=NOW).pk
                )
                for c in coordinators
            ]
        )

        assert [o[0] for o in outcomes] == ["ok", "ok"]
        results = [o[1] for o in outcomes]
        assert len([r for r in results if isinstance(r, int)]) == 1
        assert [r for r in results if isinstance(r, tuple)] == [
            (
                "refus",
                409,
                "Seule une candidature déposée peut être accordée "
                "(la candidature est « Label accordé »).",
            )
        ]
        assert Award.objects.filter(application=application).count() == 1
        assert (
            ApplicationStep.objects.filter(
                application=application, kind=ApplicationStep.Kind.GRANTED
            ).count()
            == 1
        )
        award = Award.objects.get(application=application)
        services.award_revoke(user=coordinators[0], award=award, reason=f"Tour {round_number}")


def test_two_concurrent_reminder_runs_send_each_reminder_once(
    reference_geography, scheme, place, manager
):
    from tests.factories import UserFactory

    coordinator = UserFactory(coordinator=True)
    application = submitted(scheme, place, manager)
    judge_all(application, coordinator)
    award = services.application_grant(user=coordinator, application=application, now=NOW)
    # 85 days before the expiry of 30/11/2029: the 90-day reminder is due.
    when = datetime(2029, 9, 6, 8, 0, tzinfo=UTC)

    rounds = [
        sorted(race([lambda: label_reminders_send(now=when) for _ in range(2)]))
        for _ in range(ROUNDS)
    ]

    assert rounds == [[("ok", 0), ("ok", 1)]] + [[("ok", 0), ("ok", 0)]] * (ROUNDS - 1)

    assert list(ReminderSent.objects.values_list("award_id", "days_before")) == [(award.pk, 90)]
    assert ApplicationStep.objects.filter(kind=ApplicationStep.Kind.REMINDER).count() == 1

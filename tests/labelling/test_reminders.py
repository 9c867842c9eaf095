"""Renewal reminders by time travel: once per award and delay, the tightest delay reached."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from maillage.labelling import services
from maillage.labelling.models import ApplicationStep, ReminderSent
from maillage.labelling.reminders import _due_delay, label_reminders_send
from tests.labelling.conftest import NOW, judge_all
from tests.mailbox import deliver

pytestmark = pytest.mark.django_db


def paris_morning(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 7, 0, tzinfo=UTC)


@pytest.fixture
def award(application, coordinator):
    """30/11/2026 → 30/11/2029, reminders at 90 and 30 days."""
    judge_all(application, coordinator)
    return services.application_grant(user=coordinator, application=application, now=NOW)


@pytest.mark.parametrize(
    ("days", "left", "expected"),
    [
        ([90, 30], 91, None),
        ([90, 30], 90, 90),
        ([90, 30], 60, 90),
        ([90, 30], 20, 30),
        ([], 5, None),
    ],
)
def test_due_delay(days, left, expected):
    assert _due_delay(days, left) == expected


def test_each_reminder_is_sent_once_when_its_delay_is_reached(award, manager):
    deliver()
    mail.outbox.clear()
    timeline = [
        (paris_morning(2029, 8, 31), 0),  # 91 days left
        (paris_morning(2029, 9, 1), 1),  # 90 days left: J-90
        (paris_morning(2029, 9, 1), 0),  # same day again
        (paris_morning(2029, 10, 15), 0),  # 46 days left: J-90 already sent
        (paris_morning(2029, 10, 31), 1),  # 30 days left: J-30
        (paris_morning(2029, 11, 29), 0),
        (paris_morning(2029, 11, 30), 0),  # expired: not in force any more
    ]

    assert [label_reminders_send(now=when) for when, _ in timeline] == [n for _, n in timeline]

    assert sorted(ReminderSent.objects.values_list("days_before", flat=True)) == [30, 90]
    steps = ApplicationStep.objects.filter(kind=ApplicationStep.Kind.REMINDER)
    assert list(steps.values_list("message", flat=True)) == [
        "Label valable jusqu'au 29/11/2029 inclus (J-90).",
        "Label valable jusqu'au 29/11/2029 inclus (J-30).",
    ]
    sent = deliver()
    assert [m.to for m in sent] == [[manager.email], [manager.email]]
    assert sent[0].subject == (
        "Label régional des tiers-lieux — Renouvellement du label à prévoir — La Fabrique du Port"
    )
    assert "pensez à déposer une demande de renouvellement" in sent[0].body


def test_a_suspended_award_gets_no_reminder(award, coordinator):
    services.award_suspend(user=coordinator, award=award, reason="Travaux.", now=NOW)
    assert label_reminders_send(now=paris_morning(2029, 9, 1)) == 0
    assert ReminderSent.objects.count() == 0


def test_a_late_start_sends_only_the_tightest_delay(award):
    # First run 20 days before expiry: J-30 only, and J-90 never afterwards.
    assert label_reminders_send(now=paris_morning(2029, 11, 10)) == 1
    assert label_reminders_send(now=paris_morning(2029, 11, 11)) == 0
    assert list(ReminderSent.objects.values_list("days_before", flat=True)) == [30]

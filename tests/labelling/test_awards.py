"""The award's dates (month arithmetic, expiry by time travel, renewal continuity) and its life
(suspension, reinstatement, revocation)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from maillage.labelling import services
from maillage.labelling.errors import LabelError
from maillage.labelling.models import ApplicationStep, Award
from maillage.labelling.services import add_months
from tests.labelling.conftest import NOW, judge_all, submitted
from tests.mailbox import deliver

Step = ApplicationStep.Kind


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 36, date(2029, 11, 30)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(6, 120))
def test_add_months_lands_in_the_right_month_never_later_in_it(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    assert result > day


def _grant(application, coordinator, now=NOW, **kwargs):
    judge_all(application, coordinator)
    return services.application_grant(user=coordinator, application=application, now=now, **kwargs)


@pytest.mark.django_db
def test_the_label_is_in_force_from_its_start_until_the_day_before_expiry(application, coordinator):
    award = _grant(application, coordinator, starts_on=date(2027, 1, 31))
    assert (award.starts_on, award.expires_on) == (date(2027, 1, 31), date(2030, 1, 31))

    in_force = Award.objects.active_on
    assert list(in_force(date(2027, 1, 30))) == []
    assert list(in_force(date(2027, 1, 31))) == [award]
    assert list(in_force(date(2030, 1, 30))) == [award]
    assert list(in_force(date(2030, 1, 31))) == []
    assert list(in_force(date(2031, 6, 1))) == []


@pytest.mark.django_db
def test_default_start_is_today_in_paris(application, coordinator):
    # 23:30 UTC on 31 December is already 1 January in Paris.
    award = _grant(application, coordinator, now=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert award.starts_on == date(2027, 1, 1)


@pytest.mark.django_db
def test_a_renewal_granted_before_expiry_starts_at_the_old_expiry(
    application, coordinator, scheme, place, manager
):
    first = _grant(application, coordinator)  # 30/11/2026 → 30/11/2029
    later = datetime(2029, 9, 1, 8, 0, tzinfo=UTC)
    renewal = submitted(scheme, place, manager, now=later)
    second = _grant(renewal, coordinator, now=later)

    assert (second.starts_on, second.expires_on) == (date(2029, 11, 30), date(2032, 11, 30))
    for day in (date(2029, 11, 29), date(2029, 11, 30), date(2029, 12, 1)):
        assert Award.objects.active_on(day).filter(place=place).count() == 1
    assert list(Award.objects.active_on(date(2029, 11, 29))) == [first]
    assert list(Award.objects.active_on(date(2029, 11, 30))) == [second]


@pytest.mark.django_db
def test_a_renewal_after_expiry_starts_on_the_day_of_the_decision(
    application, coordinator, scheme, place, manager
):
    _grant(application, coordinator)
    later = datetime(2030, 3, 2, 8, 0, tzinfo=UTC)
    second = _grant(submitted(scheme, place, manager, now=later), coordinator, now=later)
    assert second.starts_on == date(2030, 3, 2)
    assert list(Award.objects.active_on(date(2030, 1, 15))) == []


@pytest.mark.django_db
def test_suspension_needs_a_reason_and_lifts_the_label_until_reinstated(
    application, coordinator, manager, place
):
    award = _grant(application, coordinator)
    today = date(2027, 6, 1)
    with pytest.raises(LabelError, match="Indiquez le motif de la suspension"):
        services.award_suspend(user=coordinator, award=award, reason="")
    deliver()  # the grant's e-mail
    mail.outbox.clear()

    services.award_suspend(user=coordinator, award=award, reason="Fermeture pour travaux.", now=NOW)
    assert list(Award.objects.active_on(today)) == []
    with pytest.raises(LabelError, match="déjà suspendu"):
        services.award_suspend(user=coordinator, award=award, reason="encore", now=NOW)

    services.award_reinstate(user=coordinator, award=award, now=NOW)
    assert list(Award.objects.active_on(today)) == [award]
    with pytest.raises(LabelError, match="n'est pas suspendu"):
        services.award_reinstate(user=coordinator, award=award, now=NOW)

    kinds = list(ApplicationStep.objects.filter(place=place).values_list("kind", flat=True))
    assert kinds[-2:] == [Step.SUSPENDED, Step.REINSTATED]
    assert [m.subject.split(" — ")[1] for m in deliver()] == ["Label suspendu", "Label rétabli"]


@pytest.mark.django_db
def test_revocation_is_final(application, coordinator):
    award = _grant(application, coordinator)
    services.award_revoke(user=coordinator, award=award, reason="Lieu fermé.", now=NOW)

    assert list(Award.objects.active_on(date(2027, 1, 1))) == []
    for call in (
        lambda: services.award_revoke(user=coordinator, award=award, reason="x"),
        lambda: services.award_suspend(user=coordinator, award=award, reason="x"),
        lambda: services.award_reinstate(user=coordinator, award=award),
    ):
        with pytest.raises(LabelError):
            call()
    award.refresh_from_db()
    assert award.suspended_at is None


@pytest.mark.django_db
def test_a_renewal_after_revocation_does_not_wait_for_the_revoked_expiry(
    application, coordinator, scheme, place, manager
):
    award = _grant(application, coordinator)
    services.award_revoke(user=coordinator, award=award, reason="Lieu fermé.", now=NOW)
    later = NOW + timedelta(days=60)
    second = _grant(submitted(scheme, place, manager, now=later), coordinator, now=later)
    assert second.starts_on == date(2027, 1, 29)

"""Label fixtures for the badge tests (imported by tests/labelling/test_badges*.py and
tests/booking/test_figures_labels.py): awards written directly, as only tests may do (the label
workflow's services are another part's)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from maillage.labelling.models import Application, Award, AwardSuspension, LabelScheme
from maillage.places.opening_hours import PARIS

MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"


def paris_today() -> date:
    return datetime.now(PARIS).date()


def french_day(day: date) -> str:
    """« 7 décembre 2026 », written independently of Django's formats."""
    return f"{day.day} {MONTHS.split()[day.month - 1]} {day.year}"


@pytest.fixture
def badge_scheme(db) -> LabelScheme:
    """The coordination's scheme (seeded by a migration when present), with known names."""
    scheme = LabelScheme.objects.order_by("id").first() or LabelScheme(validity_months=36)
    scheme.name = "Label régional des tiers-lieux de Normandie"
    scheme.short_name = "Label régional"
    scheme.save()
    return scheme


@pytest.fixture
def grant(badge_scheme):
    """grant(place, starts_on, expires_on, suspended=False, revoked=False) -> Award; a
    suspended or revoked award is so from its first day."""

    def make(place, starts_on: date, expires_on: date, *, suspended=False, revoked=False):
        application = Application.objects.create(
            scheme=badge_scheme,
            place=place,
            status=Application.Status.GRANTED,
            decided_at=timezone.now(),
        )
        # Suspended or revoked from its first day (Paris), so every day of the award says so.
        since = datetime.combine(starts_on, time.min, tzinfo=PARIS)
        award = Award.objects.create(
            scheme=badge_scheme,
            place=place,
            application=application,
            starts_on=starts_on,
            expires_on=expires_on,
            suspended_at=since if suspended else None,
            suspension_reason="Horaires non respectés" if suspended else "",
            revoked_at=since if revoked else None,
        )
        if suspended:  # the suspension period, as award_suspend keeps it
            AwardSuspension.objects.create(
                award=award,
                origin=award,
                suspended_at=award.suspended_at,
                reason=award.suspension_reason,
            )
        return award

    return make


@pytest.fixture
def granted_today(place, grant):
    """`place` (La Fabrique du Port, Caen) labelled from today for three years."""
    today = paris_today()
    return grant(place, today, today + timedelta(days=3 * 365))

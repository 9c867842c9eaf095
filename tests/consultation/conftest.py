"""Consultations for the tests: a coordinator, and a consultation on three sites of the Pays
d'Auge, 10 points each, published and open at NOW (service tests pass `now=`) or open around
the real clock (page tests)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from maillage.consultation.models import Consultation
from maillage.consultation.services import (
    OptionInput,
    Settings,
    consultation_create,
    consultation_publish,
)
from tests.factories import UserFactory

# Monday 30 November 2026, 10:00 in Paris; the vote runs from 1 to 15 December.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
OPENS = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 15, 17, 0, tzinfo=UTC)
DURING = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
AFTER = datetime(2026, 12, 16, 9, 0, tzinfo=UTC)

SITES = [
    OptionInput("Tiers-lieu de Lisieux", "dans l'ancienne gare"),
    OptionInput("Fablab de Pont-l'Évêque"),
    OptionInput("Espace de coworking d'Orbec"),
]


def settings_for(**overrides) -> Settings:
    values = {
        "title": "Où ouvrir le prochain tiers-lieu ?",
        "question": "Répartissez vos gommettes entre les sites proposés.",
        "points": 10,
        "max_per_option": None,
        "access": Consultation.Access.INVITATION,
        "results": Consultation.Results.HIDDEN,
        "opens_at": OPENS,
        "closes_at": CLOSES,
    } | overrides
    return Settings(**values)


@pytest.fixture
def coordinator():
    return UserFactory(email="coordination@reseau.fr", coordinator=True)


def make_consultation(actor, *, options=SITES, publish=True, now=NOW, **overrides):
    consultation = consultation_create(
        actor=actor, settings=settings_for(**overrides), options=options
    )
    if publish:
        consultation = consultation_publish(actor=actor, consultation=consultation, now=now)
    return consultation


def live_window() -> dict:
    """Opening and closing around the real clock, for pages (they read timezone.now())."""
    now = timezone.now()
    return {"opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=7)}


def option_ids(consultation) -> dict[str, int]:
    return {o.label: o.pk for o in consultation.options.all()}

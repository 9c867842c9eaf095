from datetime import UTC, datetime

import pytest

from maillage.community.services import ProfileData, profile_save
from tests.factories import UserFactory

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def make_profile(user=None, *, visible=True, places=(), **fields):
    """A directory profile saved through the service, visible (consent given) by default."""
    user = user or UserFactory()
    values = {
        "display_name": user.display_name or "Membre",
        "trade": "Menuisière",
        "skills": ["Menuiserie", "Gestion de projet"],
        "home_places": list(places),
        "offers": "Des conseils pour aménager un atelier.",
        "looks_for": "Une graphiste pour mon site.",
    }
    return profile_save(user=user, data=ProfileData(**(values | fields)), visible=visible, now=NOW)


@pytest.fixture
def alice():
    return UserFactory(display_name="Alice Leroy", email="alice@exemple.fr")


@pytest.fixture
def bruno():
    return UserFactory(display_name="Bruno Petit", email="bruno@exemple.fr")


@pytest.fixture
def alice_profile(alice):
    return make_profile(alice, display_name="Alice L.")


@pytest.fixture
def bruno_profile(bruno):
    return make_profile(
        bruno, display_name="Bruno P.", trade="Développeur", skills=["Python", "Web"]
    )

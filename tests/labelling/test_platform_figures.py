"""The platform's figures beside the answers: live while the team edits, frozen at submission."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from maillage.labelling.models import Answer, Criterion
from maillage.labelling.platform import platform_figure
from maillage.places.services import place_update
from tests.events.conftest import make_event
from tests.labelling.conftest import NOW, submitted

pytestmark = pytest.mark.django_db
Figure = Criterion.PlatformFigure


def frozen(application, title: str) -> dict | None:
    return Answer.objects.get(application=application, criterion__title=title).platform_value


def test_figures_are_frozen_on_the_answers_at_submission(scheme, place, manager):
    make_event(manager, place, now=datetime(2026, 6, 1, 8, tzinfo=UTC), day=date(2026, 6, 10))
    application = submitted(scheme, place, manager)
    at = "2026-11-30T09:00:00+00:00"
    updated = timezone.localtime(place.updated_at).strftime("%d/%m/%Y")

    assert frozen(application, "Ouvert au moins 4 jours par semaine") == {
        "text": "Du lundi au vendredi : 9 h – 18 h",
        "at": at,
    }
    assert frozen(
        application, "Espace de travail partagé équipé (postes, impression, salle de réunion)"
    ) == {"text": "Connexion très haut débit, Visioconférence", "at": at}
    assert frozen(
        application, "Accessible aux personnes à mobilité réduite ou solution d'accueil"
    ) == {
        "text": "Accessible en fauteuil roulant",
        "at": at,
    }
    assert frozen(application, "Au moins un événement ouvert par mois") == {
        "text": "1 événement publié sur les 12 derniers mois.",
        "at": at,
    }
    assert frozen(application, "Données d'occupation partagées avec le réseau") == {
        "text": "Aucun poste réservable publié sur les 12 derniers mois.",
        "at": at,
    }
    assert frozen(application, "Fiche du lieu tenue à jour (moins de 6 mois)") == {
        "text": f"Fiche mise à jour le {updated}.",
        "at": at,
    }
    assert frozen(application, "Accès internet très haut débit (≥ 100 Mbit/s)") is None

    # The place changes afterwards: the live figure follows, the frozen one does not.
    place_update(place=place, data={"opening_hours": "Sa 10:00-12:00", "wheelchair": "no"})
    place.refresh_from_db()
    assert platform_figure(place, Figure.OPENING_HOURS, now=NOW)["text"] != (
        "Du lundi au vendredi : 9 h – 18 h"
    )
    assert platform_figure(place, Figure.ACCESSIBILITY, now=NOW)["text"] == "Non accessible"
    assert frozen(application, "Ouvert au moins 4 jours par semaine")["text"] == (
        "Du lundi au vendredi : 9 h – 18 h"
    )


def test_events_outside_the_last_twelve_months_are_not_counted(scheme, place, manager):
    make_event(manager, place, now=datetime(2025, 6, 1, 8, tzinfo=UTC), day=date(2025, 6, 10))
    assert platform_figure(place, Figure.EVENTS, now=NOW)["text"] == (
        "0 événement publié sur les 12 derniers mois."
    )


def test_unpublished_opening_hours_are_said_so(place):
    place_update(place=place, data={"opening_hours": ""})
    place.refresh_from_db()
    assert platform_figure(place, Figure.OPENING_HOURS, now=NOW)["text"] == (
        "Horaires non publiés."
    )
    assert platform_figure(place, Figure.NONE, now=NOW) is None

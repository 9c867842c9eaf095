"""Readable differences between snapshots: labels and names, sets for relations, hours in words."""

import pytest

from maillage.places.diffs import DiffRow, diff_names_load, snapshot_diff
from maillage.places.services import place_create
from maillage.places.snapshots import place_snapshot
from tests.factories import OrganisationFactory, place_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def current():
    """The snapshot of a published place, as moderation reads it."""
    organisation = OrganisationFactory(name="Coopérative du Port")
    return place_snapshot(place_create(data=place_data(operator=organisation.pk)))


def diff(before, after):
    return snapshot_diff(before, after, names=diff_names_load([s for s in (before, after) if s]))


def test_same_services_in_another_order_and_same_price_spelled_otherwise_is_no_change(current):
    proposed = {
        **current,
        "services": list(reversed(current["services"])),
        "price_day": "15",
        "latitude": "49.18060",
        "open_space_desks": "20",
        "opening_hours": "mo-fr 09:00-18:00",
    }
    assert proposed["services"] != current["services"]
    assert diff(current, proposed) == []


def test_changes_read_with_labels_and_names(current):
    other = OrganisationFactory(name="Tiers-lieu des Marais")
    proposed = {
        **current,
        "services": ["visioconference", "imprimante-3d", "cafe"],
        "kinds": ["fablab", "coworking"],
        "operator": other.pk,
        "status": "projet",
        "opening_hours": "Mo-Fr 09:00-18:00; PH off",
        "price_day": "20.5",
        "email": "",
        "latitude": 49.1812,
        "wheelchair": "limited",
        "opening_date": "2027-03-01",
    }
    assert diff(current, proposed) == [
        DiffRow("status", "Statut", "Ouvert", "En projet"),
        DiffRow("opening_date", "Date d'ouverture", "", "1 mars 2027"),
        DiffRow("latitude", "Latitude", "49,1806", "49,1812"),
        DiffRow(
            "operator", "Structure gestionnaire", "Coopérative du Port", "Tiers-lieu des Marais"
        ),
        DiffRow(
            "opening_hours",
            "Horaires",
            "Du lundi au vendredi : 9 h – 18 h",
            "Du lundi au vendredi : 9 h – 18 h ; Fermé les jours fériés",
        ),
        DiffRow("price_day", "Prix de la journée", "15,00 €", "20,50 €"),
        DiffRow(
            "wheelchair",
            "Accessibilité PMR",
            "Accessible en fauteuil roulant",
            "Partiellement accessible",
        ),
        DiffRow(
            "kinds",
            "Types",
            "Espace de coworking",
            "Espace de coworking, Fablab, atelier de fabrication",
        ),
        DiffRow(
            "services",
            "Services",
            "Connexion très haut débit, Visioconférence",
            "Café, cuisine partagée, Imprimante 3D, Visioconférence",
        ),
    ]


def test_new_place_shows_its_filled_fields_only():
    rows = diff(
        None,
        {
            "name": "Atelier numérique",
            "status": "ouvert",
            "kinds": ["fablab"],
            "services": [],
            "email": "",
            "open_space_desks": 0,
            "latitude": 49.2765,
            "longitude": -0.7036,
            "operator": None,
        },
    )
    assert rows == [
        DiffRow("name", "Nom", "", "Atelier numérique"),
        DiffRow("status", "Statut", "", "Ouvert"),
        DiffRow("latitude", "Latitude", "", "49,2765"),
        DiffRow("longitude", "Longitude", "", "-0,7036"),
        DiffRow("kinds", "Types", "", "Fablab, atelier de fabrication"),
    ]


def test_unreadable_hours_and_unknown_slug_are_shown_as_written(current):
    proposed = {**current, "opening_hours": "Jan-Mar Mo 10:00-12:00", "labels": ["ancien-label"]}
    assert diff(current, proposed) == [
        DiffRow(
            "opening_hours",
            "Horaires",
            "Du lundi au vendredi : 9 h – 18 h",
            "Horaires : Jan-Mar Mo 10:00-12:00",
        ),
        DiffRow("labels", "Labels", "", "ancien-label"),
    ]

import pytest
from django.core.management import CommandError, call_command

from maillage.places.models import Place

pytestmark = pytest.mark.django_db


def test_demo_places_are_flagged_inside_the_territory_and_idempotent(capsys):
    call_command("places_demo", "--count", "12")
    places = list(Place.objects.select_related("commune__departement__region"))
    assert len(places) == 12
    assert all(p.is_demo and p.source == "demo" for p in places)
    assert {p.commune.departement.region.code for p in places} == {"28"}
    call_command("places_demo", "--count", "12")
    assert Place.objects.count() == 12
    assert "0 créés, 12 mis à jour" in capsys.readouterr().out


def test_demo_clear_removes_only_demo_places():
    from maillage.places.services import place_create
    from tests.factories import place_data

    real = place_create(data=place_data())
    call_command("places_demo", "--count", "3")
    call_command("places_demo", "--clear")
    assert list(Place.objects.all()) == [real]


def test_demo_refuses_an_unloaded_region():
    with pytest.raises(CommandError, match="Aucune commune chargée pour la région 99"):
        call_command("places_demo", "--region", "99")

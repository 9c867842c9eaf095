import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.places.models import Place, PlaceProposal
from maillage.places.selectors import PlaceFilters, place_directory
from maillage.places.services import (
    place_create,
    place_edit,
    place_revert,
    proposal_accept,
    proposal_reject,
    proposal_submit,
)
from tests.factories import IN_BAYEUX, OrganisationFactory, UserFactory, fablab_data, place_data
from tests.mailbox import deliver

pytestmark = pytest.mark.django_db


def test_create_derives_commune_from_coordinates_and_records_version_1(place):
    assert place.commune.code == "14118"
    version = place.versions.get()
    assert version.number == 1
    assert version.snapshot["name"] == "La Fabrique du Port"
    assert "name" in version.changed_fields and "kinds" in version.changed_fields
    assert sorted(place.services.values_list("slug", flat=True)) == [
        "tres-haut-debit",
        "visioconference",
    ]
    assert place.desks == 26


def test_manager_edit_is_published_at_once_with_history(manager, place):
    place_edit(user=manager, place=place, data={"opening_hours": "Mo-Sa 08:00-20:00"})
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Sa 08:00-20:00"
    latest = place.versions.first()
    assert (latest.number, latest.changed_fields, latest.author) == (
        2,
        ["opening_hours"],
        manager,
    )
    assert place.versions.get(number=1).snapshot["opening_hours"] == "Mo-Fr 09:00-18:00"


def test_edit_without_change_adds_no_version(manager, place):
    place_edit(user=manager, place=place, data={"name": "La Fabrique du Port"})
    assert place.versions.count() == 1


def test_manager_cannot_edit_another_organisations_place(place):
    other_manager = UserFactory()
    OrganisationFactory(managers=[other_manager])
    with pytest.raises(PermissionDenied):
        place_edit(user=other_manager, place=place, data={"name": "Pris"})
    place.refresh_from_db()
    assert place.name == "La Fabrique du Port"
    assert place.versions.count() == 1


def test_manager_cannot_move_a_place_to_an_organisation_they_do_not_belong_to(manager, place):
    stranger_org = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        place_edit(user=manager, place=place, data={"operator": stranger_org.pk})
    assert error.value.message_dict == {
        "operator": ["Vous ne pouvez rattacher un lieu qu'à vos propres structures."]
    }


def test_contributor_proposal_is_not_public_before_acceptance(
    place, mailoutbox, django_capture_on_commit_callbacks
):
    contributor = UserFactory()
    coordinator = UserFactory(coordinator=True)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_submit(user=contributor, place=place, data={"name": "Nouveau nom"})
    place.refresh_from_db()
    assert place.name == "La Fabrique du Port"
    assert [m.to for m in deliver()] == [[coordinator.email]]

    with django_capture_on_commit_callbacks(execute=True):
        proposal_accept(user=coordinator, proposal=proposal)
    place.refresh_from_db()
    assert place.name == "Nouveau nom"
    version = place.versions.first()
    assert (version.author, version.approved_by) == (contributor, coordinator)
    assert deliver()[-1].to == [contributor.email]
    assert "publiée" in mailoutbox[-1].subject


def test_new_place_proposal_creates_place_only_when_accepted(django_capture_on_commit_callbacks):
    contributor = UserFactory()
    coordinator = UserFactory(coordinator=True)
    proposal = proposal_submit(user=contributor, data=place_data(name="Le Hangar"))
    assert not Place.objects.filter(name="Le Hangar").exists()
    place = proposal_accept(user=coordinator, proposal=proposal)
    assert place.name == "Le Hangar"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.place) == (PlaceProposal.Status.ACCEPTED, place)


def test_rejection_needs_a_reason_and_tells_the_contributor(
    place, mailoutbox, django_capture_on_commit_callbacks
):
    contributor = UserFactory()
    coordinator = UserFactory(coordinator=True)
    proposal = proposal_submit(user=contributor, place=place, data={"open_space_desks": 99})
    with pytest.raises(ValidationError):
        proposal_reject(user=coordinator, proposal=proposal, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_reject(user=coordinator, proposal=proposal, reason="Capacité non confirmée.")
    proposal.refresh_from_db()
    assert proposal.status == PlaceProposal.Status.REJECTED
    assert deliver()[-1].to == [contributor.email]
    assert "Capacité non confirmée." in mailoutbox[-1].body
    place.refresh_from_db()
    assert place.open_space_desks == 20


def test_a_proposal_is_moderated_once(place):
    coordinator = UserFactory(coordinator=True)
    proposal = proposal_submit(user=UserFactory(), place=place, data={"name": "X"})
    proposal_accept(user=coordinator, proposal=proposal)
    with pytest.raises(ValidationError, match="déjà été traitée"):
        proposal_reject(user=coordinator, proposal=proposal, reason="trop tard")


def test_only_coordinators_moderate(place, manager):
    proposal = proposal_submit(user=UserFactory(), place=place, data={"name": "X"})
    with pytest.raises(PermissionDenied):
        proposal_accept(user=manager, proposal=proposal)


def test_coordinator_reverts_to_an_earlier_version(place, manager):
    coordinator = UserFactory(coordinator=True)
    place_edit(user=manager, place=place, data={"name": "Vandalisé", "open_space_desks": 1})
    place_revert(user=coordinator, place=place, number=1)
    place.refresh_from_db()
    assert (place.name, place.open_space_desks) == ("La Fabrique du Port", 20)
    latest = place.versions.first()
    assert latest.number == 3
    assert latest.comment == "Retour à la version 1"
    assert sorted(latest.changed_fields) == ["name", "open_space_desks"]
    with pytest.raises(PermissionDenied):
        place_revert(user=manager, place=place, number=2)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"latitude": 49.9, "longitude": -1.2}, "latitude", "aucune commune"),  # la Manche, en mer
        ({"latitude": 51.5, "longitude": -0.12}, "latitude", "aucune commune"),  # Londres
        ({"postal_code": "50000"}, "postal_code", "ne correspond pas à la commune"),
        ({"opening_hours": "lundi 9h-18h"}, "opening_hours", "Horaires"),
        ({"open_space_desks": -3}, "open_space_desks", "supérieure ou égale à 0"),
        ({"price_day": "-5"}, "price_day", "supérieure ou égale à 0"),
        ({"kinds": []}, "kinds", "au moins un type"),
        ({"services": ["teleportation"]}, "services", "Valeur inconnue : teleportation."),
        ({"name": ""}, "name", "obligatoire"),
        ({"email": "pas-un-mail"}, "email", "adresse de courriel valide"),
    ],
)
def test_bad_input_is_refused_with_a_field_message_and_nothing_saved(overrides, field, message):
    with pytest.raises(ValidationError) as error:
        place_create(data=place_data(**overrides))
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert Place.objects.count() == 0


def test_description_html_is_stored_as_text(place, manager):
    place_edit(user=manager, place=place, data={"description": "<script>alert(1)</script>"})
    place.refresh_from_db()
    assert place.description == "<script>alert(1)</script>"  # rendering escapes it (views tests)


def test_directory_filters(place):
    fablab = place_create(data=fablab_data(opening_hours="Sa 10:00-18:00"))

    def names(**kwargs):
        return [p.name for p in place_directory(PlaceFilters(**kwargs))]

    assert names() == ["Fablab de Bayeux", "La Fabrique du Port"]
    assert names(kinds=["fablab"]) == ["Fablab de Bayeux"]
    assert names(services=["tres-haut-debit", "visioconference"]) == ["La Fabrique du Port"]
    assert names(services=["tres-haut-debit", "imprimante-3d"]) == []
    assert names(min_desks=10) == ["La Fabrique du Port"]
    assert names(commune="14047") == ["Fablab de Bayeux"]
    assert names(epci="200065597") == ["La Fabrique du Port"]
    assert names(departement="14") == ["Fablab de Bayeux", "La Fabrique du Port"]
    assert names(q="bayeux") == ["Fablab de Bayeux"]
    assert names(near="14047", radius_km=5) == ["Fablab de Bayeux"]
    assert names(near="14118", radius_km=50) == ["La Fabrique du Port", "Fablab de Bayeux"]
    place_edit(user=UserFactory(coordinator=True), place=fablab, data={"status": "ferme"})
    assert names() == ["La Fabrique du Port"]
    assert names(statuses=["ferme"]) == ["Fablab de Bayeux"]


def test_directory_open_now_and_label_filters(place):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    saturday_lab = place_create(
        data=place_data(
            name="Atelier du samedi",
            labels=["fabrique-de-territoire"],
            opening_hours="Sa 10:00-18:00",
            **IN_BAYEUX,
        )
    )
    monday_10h = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    saturday_11h = datetime(2026, 11, 28, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))

    def names(now, **kwargs):
        return [p.name for p in place_directory(PlaceFilters(**kwargs), now=now)]

    assert names(monday_10h, open_now=True) == ["La Fabrique du Port"]
    assert names(saturday_11h, open_now=True) == ["Atelier du samedi"]
    assert names(monday_10h, labels=["fabrique-de-territoire"]) == [saturday_lab.name]

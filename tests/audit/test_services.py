"""The audit log: each family of writes leaves exactly one event of its own, inside the write's
transaction (a rolled-back write leaves none), and an event is never rewritten."""

import io

import pytest
from django.db import transaction

from maillage.audit.models import AuditEvent
from maillage.audit.services import audit_record
from maillage.booking.models import PassProduct
from maillage.booking.services import BookingRequest, booking_cancel, booking_create, pass_sell
from maillage.observatory.services import census_import, scenario_save, study_save
from maillage.places.models import PlaceProposal
from maillage.places.opendata.imports import places_import
from maillage.places.services import place_edit, proposal_reject, proposal_submit
from tests.booking.conftest import NOW, TUESDAY, make_resource
from tests.factories import UserFactory, place_data
from tests.observatory.test_imports import ACTIVITY21_HEADER, ACTIVITY21_ROWS, csv_bytes
from tests.observatory.test_scenario_store import TODAY
from tests.observatory.test_study_store import _study

pytestmark = pytest.mark.django_db


def events(family: str) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(action__startswith=f"{family}.")
        .order_by("pk")
        .values_list("actor_id", "action", "object_type", "object_id")
    )


def test_place_edit_records_one_update(place, manager):
    AuditEvent.objects.all().delete()  # the fixture's creation

    place_edit(user=manager, place=place, data={"description": "Au bord du bassin Saint-Pierre."})

    assert events("place") == [(manager.pk, "place.update", "places.place", str(place.public_id))]
    assert AuditEvent.objects.get().summary == "La Fabrique du Port"


def test_proposal_reject_records_the_moderator():
    coordinator, author = UserFactory(coordinator=True), UserFactory()
    proposal = proposal_submit(user=author, data=place_data(), notify=False)

    proposal_reject(user=coordinator, proposal=proposal, reason="Lieu fermé depuis 2024")

    assert events("place") == [
        (coordinator.pk, "place.proposal_reject", "places.placeproposal", str(proposal.pk))
    ]
    assert PlaceProposal.objects.get().status == PlaceProposal.Status.REJECTED


def test_booking_and_pass_record_create_debit_cancel_credit(place, manager):
    resource = make_resource(place)
    product = PassProduct.objects.create(place=place, name="10 journées", unit="day", units=10)
    user = UserFactory()
    held = pass_sell(seller=manager, buyer=user, product=product, now=NOW)
    booking, _ = booking_create(
        user=user,
        request=BookingRequest(
            resource=resource, day=TUESDAY, slot="day", payment="pass", pass_id=held.public_id
        ),
        now=NOW,
    )
    booking_cancel(actor=user, public_id=booking.public_id, now=NOW)

    pass_key = ("booking.pass", str(held.public_id))
    assert events("pass") == [
        (manager.pk, "pass.sale", *pass_key),
        (user.pk, "pass.debit", *pass_key),
        (user.pk, "pass.credit", *pass_key),
    ]
    booking_key = ("booking.booking", str(booking.public_id))
    assert events("booking") == [
        (user.pk, "booking.create", *booking_key),
        (user.pk, "booking.cancel", *booking_key),
    ]
    assert AuditEvent.objects.get(action="pass.sale").data == {"units": 10, "buyer": user.pk}


def test_places_import_records_one_event_with_counts():
    coordinator = UserFactory(coordinator=True)
    content = "nom;latitude;longitude\nBon;49.1806;-0.354\nInversé;-0.354;49.1806\n".encode()

    places_import(
        content=content,
        fmt="csv",
        filename="tiers-lieux.csv",
        source="region",
        dry_run=False,
        skip_invalid=True,
        author=coordinator,
    )

    assert events("import") == [(coordinator.pk, "import.places", "places.import", "region")]
    event = AuditEvent.objects.get(action="import.places")
    assert (event.summary, event.data["creer"], event.data["refuse"]) == ("tiers-lieux.csv", 1, 1)
    # The places themselves are counted, not logged one by one.
    assert events("place") == []


def test_census_import_records_one_event():
    coordinator = UserFactory(coordinator=True)

    record = census_import(
        kind="activite",
        file=io.BytesIO(csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS)),
        filename="base-cc-emploi-pop-active-2021.csv",
        user=coordinator,
    )

    assert events("import") == [
        (coordinator.pk, "import.insee", "observatory.censusimport", str(record.pk))
    ]
    assert AuditEvent.objects.get().data["kind"] == "activite"


def test_scenario_and_study_saves_record_one_event_each():
    from maillage.observatory.scenarios import default_scenarios, scenario_copy

    user = UserFactory()
    variant = scenario_copy(
        default_scenarios(TODAY.year)["actuel"], "normandie-2030", today=TODAY, adoption=0.7
    )
    scenario = scenario_save(user=user, scenario=variant, today=TODAY)
    study = study_save(user=user, study=_study())

    assert events("scenario") == [
        (user.pk, "scenario.save", "observatory.savedscenario", str(scenario.pk))
    ]
    assert events("study") == [(user.pk, "study.save", "observatory.savedstudy", str(study.pk))]
    assert AuditEvent.objects.get(action="scenario.save").summary == "normandie-2030 v1"


def test_rolled_back_write_leaves_no_event(place, manager):
    AuditEvent.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        place_edit(user=manager, place=place, data={"description": "Annulé"})
        raise RuntimeError("the caller's transaction fails after the write")

    assert AuditEvent.objects.count() == 0


def test_event_cannot_be_updated_or_deleted():
    event = audit_record(actor=None, action="role.grant", object_type="auth.group", object_id="1")

    event.summary = "réécrit"
    with pytest.raises(ValueError, match="ne peut pas être modifié"):
        event.save()
    with pytest.raises(ValueError, match="ne peut pas être supprimé"):
        event.delete()
    assert AuditEvent.objects.get().summary == ""


def test_deleted_actor_leaves_the_event_without_actor():
    user = UserFactory()
    audit_record(actor=user, action="role.grant", object_type="auth.group", object_id="1")

    user.delete()

    assert AuditEvent.objects.get().actor_id is None


def test_audit_record_logs_at_info_after_commit(caplog, django_capture_on_commit_callbacks):
    user = UserFactory()
    caplog.set_level("INFO", logger="maillage.audit.services")

    with django_capture_on_commit_callbacks(execute=True):
        event = audit_record(
            actor=user, action="role.grant", object_type="auth.group", object_id="3"
        )
        assert caplog.records == []  # nothing logged before the commit

    [record] = caplog.records
    assert (record.levelname, record.getMessage()) == ("INFO", "role.grant ")
    assert (record.actor_id, record.object_id, record.audit_event_id) == (user.pk, "3", event.pk)

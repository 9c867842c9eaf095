"""Priced events collected at the event: invoice and payment at once, credit note and refund when
the registration or the event is cancelled (events.payment_services)."""

from datetime import date

import pytest
from django.urls import reverse

from maillage.audit.models import AuditEvent
from maillage.billing.models import Invoice
from maillage.events.errors import EventError
from maillage.events.models import Registration
from maillage.events.payment_services import registration_settle
from maillage.events.services import (
    event_cancel,
    registration_cancel,
    registration_create,
    registrations_erase,
)
from maillage.payments.models import Payment
from maillage.payments.selectors import invoice_balance
from tests.concurrency import race
from tests.events.conftest import NOW, make_event, make_live_event
from tests.factories import (
    IN_BAYEUX,
    LegalEntityFactory,
    OrganisationFactory,
    UserFactory,
    place_data,
)

pytestmark = pytest.mark.django_db

LABEL = "Inscription : Atelier réparation de vélos — 10/12/2026"


@pytest.fixture
def seller(place):
    return LegalEntityFactory(organisation=place.operator, name="SCIC La Fabrique")


@pytest.fixture
def priced(manager, place):
    return make_event(manager, place, price_cents=1500, capacity=2)


def register(event, user=None):
    return registration_create(event=event, user=user or UserFactory(), now=NOW)


def settle(event, actor, registration, method="cash"):
    return registration_settle(
        user=actor, event=event, registration_id=registration.pk, method=method, now=NOW
    )


def test_settle_issues_the_invoice_and_records_one_payment(priced, manager, seller):
    person = UserFactory()
    registration = register(priced, person)

    invoice = settle(priced, manager, registration)

    line = invoice.lines.get()
    assert (invoice.seller, invoice.buyer_user, invoice.reference, invoice.kind) == (
        seller,
        person,
        "F-000001",
        Invoice.Kind.INVOICE,
    )
    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (
        1250,
        250,
        1500,
    )
    assert (line.label, line.vat_rate_bp, line.service_date) == (LABEL, 2000, date(2026, 12, 10))
    assert (invoice.service_start, invoice.service_end) == (date(2026, 12, 10), date(2026, 12, 10))
    payment = Payment.objects.get()
    assert (
        payment.invoice,
        payment.kind,
        payment.method,
        payment.amount_cents,
        payment.received_on,
        payment.recorded_by,
    ) == (invoice, "payment", "cash", 1500, date(2026, 11, 30), manager)
    registration.refresh_from_db()
    assert registration.invoice == invoice
    assert invoice_balance(invoice).due_cents == 0
    audit = AuditEvent.objects.get(action="event.settle")
    assert audit.data == {
        "registration_id": registration.pk,
        "invoice_id": invoice.pk,
        "cents": 1500,
    }


def test_seller_under_vat_franchise_invoices_without_vat(priced, manager, place):
    LegalEntityFactory(organisation=place.operator, franchise=True)

    invoice = settle(priced, manager, register(priced))

    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (
        1500,
        0,
        1500,
    )
    assert invoice.lines.get().vat_rate_bp == 0


def test_settling_twice_gives_one_invoice(priced, manager, seller):
    registration = register(priced)
    settle(priced, manager, registration)

    with pytest.raises(EventError) as refused:
        settle(priced, manager, registration, method="cheque")

    assert (refused.value.status, refused.value.message) == (
        409,
        "Cette inscription est déjà réglée (facture F-000001).",
    )
    assert (Invoice.objects.count(), Payment.objects.count()) == (1, 1)


def test_another_team_gets_404_and_nothing_is_saved(priced, seller):
    registration = register(priced)
    stranger = UserFactory()
    OrganisationFactory(managers=[stranger])

    with pytest.raises(EventError) as refused:
        settle(priced, stranger, registration)

    assert refused.value.status == 404
    assert (Invoice.objects.count(), Payment.objects.count()) == (0, 0)


def test_a_registration_of_another_event_is_not_found(priced, manager, place, seller):
    elsewhere = make_event(manager, place, price_cents=900, title="Autre atelier")
    registration = register(elsewhere)

    with pytest.raises(EventError) as refused:
        settle(priced, manager, registration)

    assert (refused.value.status, refused.value.message) == (404, "Inscription introuvable.")
    assert Invoice.objects.count() == 0


def test_free_event_refuses_to_collect(manager, place, seller):
    free = make_event(manager, place)
    registration = register(free)

    with pytest.raises(EventError) as refused:
        settle(free, manager, registration)

    assert refused.value.message == "Cet événement est gratuit : il n'y a rien à encaisser."
    assert Invoice.objects.count() == 0


def test_unconfigured_seller_refused_with_nothing_saved(priced, manager):
    registration = register(priced)

    with pytest.raises(EventError) as refused:
        settle(priced, manager, registration)

    assert (refused.value.status, refused.value.code) == (409, "vendeur_absent")
    assert refused.value.message == (
        "Renseignez d'abord l'identité de facturation du lieu (Comptabilité) : "
        "sans elle, aucune facture ne peut être émise."
    )
    registration.refresh_from_db()
    assert registration.invoice is None
    assert (Invoice.objects.count(), Payment.objects.count()) == (0, 0)


def test_waiting_person_and_unknown_method_refused(manager, place, seller):
    event = make_event(manager, place, price_cents=1500, capacity=1)
    confirmed, waiting = register(event), register(event)

    with pytest.raises(EventError) as not_confirmed:
        settle(event, manager, waiting)
    with pytest.raises(EventError) as bad_method:
        settle(event, manager, confirmed, method="online_card")

    assert not_confirmed.value.message == (
        "Seule une inscription confirmée s'encaisse (celle-ci est : liste d'attente)."
    )
    assert (bad_method.value.field, bad_method.value.status) == ("moyen", 400)
    assert Invoice.objects.count() == 0


def test_network_event_is_invoiced_by_the_network(place):
    coordinator = UserFactory(coordinator=True)
    network = LegalEntityFactory(is_network=True, name="Réseau des tiers-lieux")
    LegalEntityFactory(organisation=place.operator)
    event = make_event(
        coordinator, None, price_cents=2400, online_url="https://visio.exemple.fr/atelier"
    )

    invoice = settle(event, coordinator, register(event))

    assert (invoice.seller, invoice.total_ht_cents, invoice.total_ttc_cents) == (
        network,
        2000,
        2400,
    )


def test_cancel_after_settle_credits_refunds_and_promotes(manager, place, seller):
    event = make_event(manager, place, price_cents=1500, capacity=1)
    person, next_in_line = UserFactory(), UserFactory()
    registration = register(event, person)
    waiting = register(event, next_in_line)
    invoice = settle(event, manager, registration, method="card_on_site")

    registration_cancel(event=event, user=person, now=NOW)

    credit_note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert (credit_note.corrects, credit_note.reference, credit_note.reason) == (
        invoice,
        "F-000002",
        "Inscription annulée",
    )
    assert (
        credit_note.total_ht_cents,
        credit_note.total_vat_cents,
        credit_note.total_ttc_cents,
    ) == (1250, 250, 1500)
    assert credit_note.lines.get().label == LABEL
    refund = Payment.objects.get(kind=Payment.Kind.REFUND)
    assert (refund.amount_cents, refund.method, refund.credit_note, refund.invoice) == (
        1500,
        "card_on_site",
        credit_note,
        invoice,
    )
    assert invoice_balance(invoice).due_cents == 0
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.status, registration.invoice) == ("cancelled", invoice)
    assert waiting.status == Registration.Status.CONFIRMED
    event.refresh_from_db()
    assert event.confirmed_count == 1


def test_cancel_not_settled_has_nothing_to_refund(priced, seller):
    person = UserFactory()
    register(priced, person)

    cancelled = registration_cancel(event=priced, user=person, now=NOW)

    assert cancelled.status == Registration.Status.CANCELLED
    assert (Invoice.objects.count(), Payment.objects.count()) == (0, 0)


def test_event_cancel_refunds_every_settled_registration(manager, place, seller):
    event = make_event(manager, place, price_cents=1500, capacity=3)
    first, second, unpaid = register(event), register(event), register(event)
    invoices = [settle(event, manager, first), settle(event, manager, second, method="cheque")]

    event_cancel(user=manager, event=event, now=NOW)

    notes = list(Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).order_by("corrects_id"))
    assert [(n.corrects, n.total_ttc_cents) for n in notes] == [
        (invoices[0], 1500),
        (invoices[1], 1500),
    ]
    refunds = Payment.objects.filter(kind=Payment.Kind.REFUND).order_by("invoice_id")
    assert [(r.invoice, r.method, r.amount_cents) for r in refunds] == [
        (invoices[0], "cash", 1500),
        (invoices[1], "cheque", 1500),
    ]
    statuses = set(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == {"cancelled"}
    unpaid.refresh_from_db()
    assert unpaid.invoice is None
    # Twice: one effect.
    event_cancel(user=manager, event=event, now=NOW)
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 2


def test_registrations_page_collects_and_shows_the_invoice(client, manager, place, seller):
    event = make_live_event(manager, place, price_cents=1500)
    person = UserFactory(display_name="Alice Martin")
    registration = registration_create(event=event, user=person)
    page = reverse("events:registrations", kwargs={"public_id": event.public_id})
    client.force_login(manager)

    before = client.get(page).content.decode()
    response = client.post(
        reverse("events:settle", kwargs={"public_id": event.public_id}),
        {"inscription": registration.pk, "moyen": "card_on_site"},
        follow=True,
    )

    invoice = Invoice.objects.get()
    after = response.content.decode()
    assert 'name="moyen"' in before and "Encaisser" in before
    assert "Inscription encaissée : facture F-000001 de 15,00 €." in after
    link = reverse("billing:invoice_detail", kwargs={"public_id": invoice.public_id})
    assert f'payé — facture <a href="{link}">N° F-000001</a>' in after
    assert "Encaisser" not in after
    assert client.get(link).status_code == 200
    client.force_login(person)
    mine = client.get(reverse("events:detail", kwargs={"public_id": event.public_id}))
    assert f'Réglé : <a href="{link}">facture N° F-000001</a>' in mine.content.decode()
    assert client.get(link).status_code == 200


def test_settle_view_bad_input_and_other_team(client, manager, place, seller):
    event = make_live_event(manager, place, price_cents=1500)
    registration = registration_create(event=event, user=UserFactory())
    url = reverse("events:settle", kwargs={"public_id": event.public_id})
    other = UserFactory()
    from maillage.places.services import place_create

    place_create(
        data=place_data(
            name="Le Hangar de Bayeux",
            operator=OrganisationFactory(managers=[other]).pk,
            **IN_BAYEUX,
        )
    )
    client.force_login(manager)

    bad = client.post(url, {"inscription": "²", "moyen": "bitcoin"}, follow=True)
    client.force_login(other)
    stranger = client.post(url, {"inscription": registration.pk, "moyen": "cash"})

    assert bad.status_code == 200
    assert "Choisissez la personne et le moyen de paiement." in bad.content.decode()
    assert stranger.status_code == 404
    assert Invoice.objects.count() == 0


def test_free_event_page_has_no_collect_action(client, manager, place, seller):
    event = make_live_event(manager, place)
    registration_create(event=event, user=UserFactory())
    client.force_login(manager)

    page = client.get(reverse("events:registrations", kwargs={"public_id": event.public_id}))

    assert "Encaisser" not in page.content.decode()
    detail = client.get(reverse("events:detail", kwargs={"public_id": event.public_id}))
    assert "Gratuit" in detail.content.decode()


def test_event_page_says_where_and_how_to_pay(client, manager, place):
    event = make_live_event(manager, place, price_cents=1500)

    page = client.get(reverse("events:detail", kwargs={"public_id": event.public_id}))

    assert (
        "15,00\u00a0€ TTC, à régler sur place, facture remise par le lieu" in page.content.decode()
    )


def _outcome(call):
    """A race's call that turns the events' refusals into (status, message)."""

    def run():
        try:
            return call()
        except EventError as error:
            return (error.status, error.message)

    return run


@pytest.mark.django_db(transaction=True)
def test_two_collections_at_once_make_one_invoice(reference_geography, manager, place):
    LegalEntityFactory(organisation=place.operator)
    event = make_event(manager, place, price_cents=1500)
    registration = register(event)

    outcomes = race(
        [_outcome(lambda: settle(event, manager, registration).reference) for _ in range(4)]
    )

    assert sorted(map(str, outcomes)) == sorted(
        ["('ok', 'F-000001')"]
        + ["('ok', (409, 'Cette inscription est déjà réglée (facture F-000001).'))"] * 3
    )
    assert (Invoice.objects.count(), Payment.objects.count()) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_collection_and_cancellation_at_once_stay_consistent(reference_geography, manager, place):
    LegalEntityFactory(organisation=place.operator)
    event = make_event(manager, place, price_cents=1500)
    person = UserFactory()
    registration = register(event, person)

    outcomes = race(
        [
            _outcome(lambda: settle(event, manager, registration).reference),
            _outcome(lambda: registration_cancel(event=event, user=person, now=NOW).status),
        ]
    )

    assert "crash" not in {o[0] for o in outcomes}, outcomes
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    invoices = Invoice.objects.filter(kind=Invoice.Kind.INVOICE).count()
    notes = Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count()
    refunds = Payment.objects.filter(kind=Payment.Kind.REFUND).count()
    # Collected first: credited and refunded by the cancellation; cancelled first: nothing.
    assert (invoices, notes, refunds) in {(1, 1, 1), (0, 0, 0)}
    if invoices:
        assert registration.invoice is not None
        assert invoice_balance(registration.invoice).due_cents == 0


def test_erasing_the_account_refunds_an_upcoming_collected_registration(priced, manager, seller):
    person = UserFactory()
    registration = register(priced, person)
    invoice = settle(priced, manager, registration)

    registrations_erase(person, now=NOW)

    registration.refresh_from_db()
    assert (registration.status, registration.user, registration.invoice) == (
        "cancelled",
        None,
        invoice,
    )
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert (note.corrects, note.total_ttc_cents) == (invoice, 1500)
    assert Payment.objects.get(kind=Payment.Kind.REFUND).amount_cents == 1500

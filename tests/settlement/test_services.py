from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice
from maillage.booking.models import Booking, Pass, PassLedger
from maillage.booking.services import pass_sell
from maillage.booking.timeslots import local_day
from maillage.settlement.models import NetworkPassSale, SettlementStatement
from maillage.settlement.selectors import pass_ledger_verify, pass_reconciliation
from maillage.settlement.services import (
    account_for_address,
    agreement_set,
    network_pass_sale,
    self_billing_accept,
    statement_accept,
    statement_compute,
    statement_invoice,
)
from tests.factories import LegalEntityFactory, UserFactory
from tests.settlement.conftest import AFTER, BOOKED_AT, NOVEMBER, SOLD_AT, sell

pytestmark = pytest.mark.django_db


# --- ledger -----------------------------------------------------------------------------------


def test_ledger_rows_are_neither_updated_nor_deleted(coordinator, day_pass_product):
    held = pass_sell(seller=coordinator, buyer=UserFactory(), product=day_pass_product)
    for sql in (
        "UPDATE booking_passledger SET delta = 100 WHERE pass_ref_id = %s",
        "DELETE FROM booking_passledger WHERE pass_ref_id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="mouvement de carnet, non modifiable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [held.pk])
    assert list(PassLedger.objects.filter(pass_ref=held).values_list("delta", flat=True)) == [10]


def test_ledger_verify_reports_a_balance_changed_without_a_ledger_row(
    coordinator, day_pass_product, capsys
):
    good = pass_sell(seller=coordinator, buyer=UserFactory(), product=day_pass_product)
    bad = pass_sell(seller=coordinator, buyer=UserFactory(), product=day_pass_product)
    assert pass_ledger_verify() == []
    call_command("pass_ledger_verify")
    assert "Tous les soldes" in capsys.readouterr().out
    Pass.objects.filter(pk=bad.pk).update(units_left=7)
    assert pass_ledger_verify() == [f"Carnet {bad.public_id} : solde 7, somme des mouvements 10."]
    with pytest.raises(CommandError) as raised:
        call_command("pass_ledger_verify")
    assert raised.value.returncode == 1
    assert good.units_left == 10


# --- sales ------------------------------------------------------------------------------------


def test_sale_to_a_person_creates_the_passes_and_one_network_invoice(
    coordinator, network, day_pass_product
):
    buyer = UserFactory()
    result = sell(coordinator, day_pass_product, buyer, quantity=3, idempotency_key="k1")
    assert [p.owner for p in result.passes] == [buyer] * 3
    assert [p.units_left for p in result.passes] == [10, 10, 10]
    assert result.replayed is False
    invoice = result.invoice
    assert (invoice.seller, invoice.buyer_user, invoice.reference) == (network, buyer, "R-000001")
    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (
        37500,
        7500,
        45000,
    )
    [line] = invoice.lines.all()
    assert (line.quantity, line.unit_price_ht_cents, line.vat_rate_bp) == (Decimal(3), 12500, 2000)
    assert line.pass_ref_id is None  # several passes: no single pass on the line
    assert PassLedger.objects.filter(pass_ref__in=result.passes, reason="sale").count() == 3


def test_sale_of_one_pass_points_the_line_at_it_and_franchise_means_no_vat(
    coordinator, day_pass_product
):
    LegalEntityFactory(is_network=True, franchise=True)
    result = sell(coordinator, day_pass_product, UserFactory())
    [line] = result.invoice.lines.all()
    assert (line.pass_ref_id, line.vat_rate_bp, line.unit_price_ht_cents) == (
        result.passes[0].pk,
        0,
        15000,
    )
    assert result.invoice.total_ttc_cents == 15000


def test_sale_to_an_employer_is_invoiced_to_its_legal_entity(
    coordinator, network, day_pass_product
):
    from maillage.employers.models import Employer

    employer = Employer.objects.create(entity=LegalEntityFactory(name="Dupont SA"))
    staff = [UserFactory(), UserFactory()]
    result = network_pass_sale(
        actor=coordinator,
        product=day_pass_product,
        employer=employer,
        owners=staff,
        quantity=2,
        paid_method=None,
        now=SOLD_AT,
    )
    assert result.invoice.buyer_entity == employer.entity
    assert result.invoice.buyer_user is None
    assert sorted(p.owner_id for p in result.passes) == sorted(u.pk for u in staff)


def test_same_key_sells_once(coordinator, network, day_pass_product):
    buyer = UserFactory()
    first = sell(coordinator, day_pass_product, buyer, quantity=2, idempotency_key="double")
    again = sell(coordinator, day_pass_product, buyer, quantity=2, idempotency_key="double")
    assert again.replayed is True
    assert again.invoice == first.invoice
    assert [p.pk for p in again.passes] == [p.pk for p in first.passes]
    assert (Pass.objects.count(), Invoice.objects.count(), NetworkPassSale.objects.count()) == (
        2,
        1,
        1,
    )
    with pytest.raises(BillingError, match="déjà servi à une autre vente"):
        sell(coordinator, day_pass_product, buyer, quantity=3, idempotency_key="double")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": 0}, "De 1 à 50 pass"),
        ({"quantity": 51}, "De 1 à 50 pass"),
        ({"quantity": "2"}, "De 1 à 50 pass"),
        ({"owners": []}, "titulaire de chaque pass"),
        ({"buyer_user": None}, "Indiquez l'acheteur"),
        ({"paid_method": "bitcoin"}, "Mode de paiement inconnu"),
    ],
)
def test_sale_refusals_leave_nothing(coordinator, network, day_pass_product, change, message):
    buyer = UserFactory()
    arguments = {
        "actor": coordinator,
        "product": day_pass_product,
        "buyer_user": buyer,
        "owners": [buyer],
        "quantity": 1,
        "paid_method": None,
        "now": SOLD_AT,
    } | change
    with pytest.raises(BillingError, match=message):
        network_pass_sale(**arguments)
    assert (Pass.objects.count(), Invoice.objects.count()) == (0, 0)


def test_only_the_coordination_sells_and_only_network_carnets(
    coordinator, network, day_pass_product, place, manager
):
    buyer = UserFactory()
    with pytest.raises(BillingError, match="Seule la coordination") as refused:
        sell(manager, day_pass_product, buyer)
    assert refused.value.status == 403
    day_pass_product.place = place
    day_pass_product.save()
    with pytest.raises(BillingError, match="celui d'un lieu"):
        sell(coordinator, day_pass_product, buyer)
    assert Pass.objects.count() == 0


def test_no_sale_without_the_network_identity(coordinator, day_pass_product):
    with pytest.raises(BillingError, match="coordination du réseau n'a pas d'identité"):
        sell(coordinator, day_pass_product, UserFactory())
    assert (Pass.objects.count(), PassLedger.objects.count()) == (0, 0)  # rolled back


def test_unknown_address_gets_an_inactive_account_once():
    first = account_for_address("Nouvelle@Exemple.fr", "Nouvelle")
    again = account_for_address("nouvelle@exemple.fr")
    assert first == again and first.is_active is False


# --- statements -------------------------------------------------------------------------------


def test_statement_figures_for_a_month_with_uses_in_two_places(
    november, coordinator, place, other_place
):
    statement = statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    assert (statement.units_day, statement.units_half_day) == (1, 3)
    assert (statement.pass_amount_cents, statement.employer_amount_cents) == (3300, 0)
    assert statement.total_cents == 3300
    assert statement.status == "proposed"
    lines = list(statement.lines.values_list("day", "unit", "units", "amount_cents"))
    assert lines == [
        (date(2026, 11, 3), "day", 1, 1200),
        (date(2026, 11, 5), "half_day", 1, 700),
        (date(2026, 11, 6), "half_day", 2, 1400),
    ]
    other = statement_compute(actor=coordinator, place=other_place, month=NOVEMBER, now=AFTER)
    assert (other.units_day, other.units_half_day, other.total_cents) == (1, 0, 1000)


def test_statement_recomputes_while_proposed_and_freezes_once_accepted(
    november, coordinator, manager, place
):
    first = statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    agreement_set(
        actor=coordinator,
        place=place,
        rate_day_cents=1500,
        rate_half_day_cents=700,
        self_billing=False,
        valid_from=date(2026, 1, 1),
    )
    again = statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    assert (again.pk, again.total_cents, again.lines.count()) == (first.pk, 3600, 3)
    accepted = statement_accept(actor=manager, statement=again, now=AFTER)
    assert (accepted.status, accepted.accepted_by) == ("accepted", manager)
    with pytest.raises(BillingError, match="déjà accepté"):
        statement_accept(actor=manager, statement=again, now=AFTER)
    with pytest.raises(BillingError, match="ne se recalcule plus"):
        statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)


def test_statement_refusals(november, coordinator, manager, other_manager, place):
    with pytest.raises(BillingError, match="n'est pas terminé"):
        statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=BOOKED_AT)
    with pytest.raises(BillingError, match="Seule la coordination"):
        statement_compute(actor=manager, place=place, month=NOVEMBER, now=AFTER)
    with pytest.raises(BillingError, match="Aucune convention"):
        statement_compute(actor=coordinator, place=place, month=date(2025, 12, 1), now=AFTER)
    statement = statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    for someone in (other_manager, coordinator):
        with pytest.raises(BillingError, match="l'équipe du lieu qui accepte"):
            statement_accept(actor=someone, statement=statement, now=AFTER)
    with pytest.raises(BillingError, match="d'abord accepter"):
        statement_invoice(actor=manager, statement=statement, now=AFTER)
    assert SettlementStatement.objects.get().status == "proposed"


def test_place_invoices_the_network_once(november, coordinator, manager, place, seller, network):
    statement = statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    statement_accept(actor=manager, statement=statement, now=AFTER)
    invoice = statement_invoice(actor=manager, statement=statement, now=AFTER)
    assert (invoice.seller, invoice.buyer_entity, invoice.total_ttc_cents) == (
        seller,
        network,
        3300,
    )
    assert (invoice.service_start, invoice.service_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert list(invoice.lines.values_list("label", "vat_rate_bp")) == [
        ("Pass réseau : 1 journée(s) × 12,00\u00a0€", 2000),
        ("Pass réseau : 3 demi-journée(s) × 7,00\u00a0€", 2000),
    ]
    assert invoice.reason == ""
    statement.refresh_from_db()
    assert (statement.status, statement.invoice) == ("invoiced", invoice)
    with pytest.raises(BillingError, match=f"déjà facturé \\({invoice.reference}\\)"):
        statement_invoice(actor=manager, statement=statement, now=AFTER)
    assert Invoice.objects.filter(seller=seller).count() == 1


def test_self_billing_is_issued_by_the_coordination_after_the_place_agrees(
    november, coordinator, other_manager, other_place, network
):
    agreement = agreement_set(
        actor=coordinator,
        place=other_place,
        rate_day_cents=1000,
        rate_half_day_cents=600,
        self_billing=True,
        valid_from=date(2026, 1, 1),
    )
    statement = statement_compute(actor=coordinator, place=other_place, month=NOVEMBER, now=AFTER)
    statement_accept(actor=other_manager, statement=statement, now=AFTER)
    with pytest.raises(BillingError, match="pas encore accepté l'autofacturation"):
        statement_invoice(actor=coordinator, statement=statement, now=AFTER)
    with pytest.raises(BillingError, match="c'est la coordination qui émet"):
        statement_invoice(actor=other_manager, statement=statement, now=AFTER)
    self_billing_accept(actor=other_manager, agreement=agreement, now=AFTER)
    invoice = statement_invoice(actor=coordinator, statement=statement, now=AFTER)
    assert invoice.seller.name == "Fablab de Bayeux"
    assert invoice.reason == (
        "Autofacturation : facture émise par Réseau des tiers-lieux au nom et pour le compte "
        "de Fablab de Bayeux"
    )
    [line] = invoice.lines.all()
    assert (line.vat_rate_bp, invoice.total_ttc_cents) == (0, 1000)  # a franchise place
    # Factur-X says it too: type 389, self-billed invoice (UNTDID 1001).
    from maillage.billing.facturx import cii_xml

    assert invoice.self_billed is True
    assert b"<ram:TypeCode>389</ram:TypeCode>" in cii_xml(invoice)


# --- reconciliation ---------------------------------------------------------------------------


def test_reconciliation_balances_sold_used_valid_and_expired(november, coordinator, place):
    expiring = pass_sell(
        seller=coordinator, buyer=UserFactory(), product=november["days"].product, now=SOLD_AT
    )
    Pass.objects.filter(pk=expiring.pk).update(expires_on=date(2026, 11, 15))
    statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    figures = pass_reconciliation(now=AFTER)
    assert figures["units_sold"] == 30
    assert figures["units_used_by_place"] == {"Fablab de Bayeux": 1, "La Fabrique du Port": 5}
    # days: 3 used (3 Nov, 10 Nov, 1 Dec; 4 Nov refunded), halves: 3 used; expiring: 10 left.
    assert (figures["units_used"], figures["units_valid"], figures["units_expired"]) == (
        6,
        14,
        10,
    )
    assert figures["balanced"] is True
    assert figures["units_sold"] == (
        figures["units_used"] + figures["units_valid"] + figures["units_expired"]
    )
    assert (figures["sold_ttc_cents"], figures["owed_to_places_cents"]) == (23000, 3300)
    assert figures["margin_cents"] == 19700
    # By month: the passes created that month (created_at is the real clock, not SOLD_AT).
    this_month = pass_reconciliation(month=local_day(timezone.now()), now=AFTER)
    assert (this_month["units_sold"], this_month["units_used"], this_month["balanced"]) == (
        30,
        6,
        True,
    )
    assert pass_reconciliation(month=date(2000, 1, 1), now=AFTER)["units_sold"] == 0


def test_employer_paid_bookings_are_passed_on_to_the_place(november, coordinator, place, desks):
    from maillage.employers.models import Employee, Employer

    employer = Employer.objects.create(entity=LegalEntityFactory())
    worker = UserFactory()
    employee = Employee.objects.create(employer=employer, user=worker)
    Booking.objects.create(
        resource=desks,
        place=place,
        exclusive=False,
        user=worker,
        unit="day",
        starts_at=BOOKED_AT.replace(day=12, hour=8),
        ends_at=BOOKED_AT.replace(day=12, hour=17),
        payment="employer",
        employee=employee,
        price_cents=1500,
    )
    statement = statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    assert (statement.pass_amount_cents, statement.employer_amount_cents) == (3300, 1500)
    assert statement.total_cents == 4800
    assert statement.lines.filter(kind="employer").get().amount_cents == 1500


def test_paid_sale_records_the_payment_on_the_invoice(coordinator, network, day_pass_product):
    buyer = UserFactory()
    result = network_pass_sale(
        actor=coordinator,
        product=day_pass_product,
        buyer_user=buyer,
        owners=[buyer],
        quantity=1,
        paid_method="transfer",
        now=SOLD_AT,
    )
    [payment] = result.invoice.payments.all()
    assert (payment.method, payment.amount_cents) == ("transfer", 15000)
    assert result.sale.paid_method == "transfer"

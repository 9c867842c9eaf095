"""The issue's bad-input list, each through the page or endpoint a person would use, with the
French message shown and nothing changed. Already covered elsewhere, not repeated here: a VAT
rate that does not exist, a negative price and too many lines on a manual invoice
(tests/billing/test_accounting.py), closing a month twice (same file), a budget below what is
spent (tests/employers/test_views.py), a double click on « payer » and on « encaisser »
(tests/payments/test_views.py)."""

import uuid
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from maillage.billing.models import Invoice
from maillage.booking.bounds import id_from_text
from maillage.booking.models import PassProduct
from maillage.employers.forms import month_from_text as employers_month
from maillage.employers.models import Employer, Invitation
from maillage.payments.models import Payment, WebhookEvent
from maillage.payments.providers import fake
from maillage.settlement.forms import month_from_text as settlement_month
from tests.billing.test_accounting import invoice_form
from tests.security.conftest import World, db_state

pytestmark = pytest.mark.django_db


def messages_of(client, response) -> list[tuple[str, str]]:
    assert response.status_code == 302
    page = client.get(response["Location"])
    return [(m.level_tag, m.message) for m in page.context["messages"]]


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("10000000000", "Montant illisible : écrivez par exemple 12,50 (moins de 10 millions"),
        ("2000000", "prix unitaire absurde (plus d&#x27;un million d&#x27;euros)"),
        ("1e5", "Montant illisible"),
        ("NaN", "Montant illisible"),
        ("-0,01", "Montant illisible"),
    ],
)
def test_absurd_prices_on_a_manual_invoice(client, world: World, price, message):
    client.force_login(world.owner)
    before = db_state()
    response = client.post(
        reverse("billing:accounting_invoice_new", kwargs={"entity_id": world.seller.pk}),
        invoice_form(**{"facture-buyer_email": world.member.email, "lignes-0-unit_price": price}),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert db_state() == before


def test_an_issued_invoice_is_not_issued_nor_deleted_again(client, world: World):
    client.force_login(world.owner)
    issued = world.invoice
    kwargs = {"entity_id": world.seller.pk, "public_id": issued.public_id}
    before = db_state()
    again = client.post(reverse("billing:accounting_draft_issue", kwargs=kwargs))
    assert messages_of(client, again) == [("error", "Cette facture est déjà émise.")]
    deleted = client.post(reverse("billing:accounting_draft_delete", kwargs=kwargs))
    assert messages_of(client, deleted) == [
        ("error", "Une facture émise ne se supprime pas : établissez un avoir.")
    ]
    assert db_state() == before
    issued.refresh_from_db()
    assert (issued.status, issued.reference) == ("issued", "F-000001")


def test_absurd_price_of_a_network_pass(client, world: World):
    client.force_login(world.owner)
    before = db_state()
    data = {
        "carnet-name": "Pass réseau absurde",
        "carnet-unit": "day",
        "carnet-units": "10",
        "carnet-price_cents": "99999999999",
        "carnet-validity_days": "365",
        "carnet-is_active": "on",
    }
    response = client.post(reverse("settlement:network_product_create"), data)
    [(level, message)] = messages_of(client, response)
    assert level == "error"
    assert message.startswith("Pass réseau non créé. ")
    assert db_state() == before
    negative = client.post(
        reverse("settlement:network_product_create"), data | {"carnet-price_cents": "-15"}
    )
    assert messages_of(client, negative)[0][0] == "error"
    assert not PassProduct.objects.filter(name="Pass réseau absurde").exists()


@pytest.mark.parametrize(
    ("unit", "budget", "message"),
    [
        ("euros", "99999", "Assurez-vous que cette valeur est inférieure ou égale à 10"),
        ("days", "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0"),
        ("days", "2,5", "Un budget en jours est un nombre entier."),
    ],
)
def test_absurd_employer_budgets(client, world: World, unit, budget, message):
    client.force_login(world.owner)
    before = db_state()
    response = client.post(
        reverse("employers:settings", kwargs={"public_id": world.employer.public_id}),
        {"domaine": "acme.fr", "unite": unit, "budget": budget},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert db_state() == before
    world.employer.refresh_from_db()
    assert (world.employer.default_budget_unit, world.employer.default_monthly_budget) == (
        "days",
        4,
    )


def test_webhook_with_a_bad_signature_then_for_an_unknown_invoice(client, world: World):
    url = reverse("payments:webhook", kwargs={"provider": "fake"})
    unknown = str(uuid.uuid4())
    body = fake.event_body(
        event_id="fake_evt_unknown",
        type="checkout.session.completed",
        invoice=unknown,
        payment_ref="fake_pi_unknown",
        amount_cents=1500,
    )
    payments, events = Payment.objects.count(), WebhookEvent.objects.count()
    forged = client.post(
        url, body, content_type="application/json", headers={fake.SIGNATURE_HEADER: "0" * 64}
    )
    assert (forged.status_code, forged.content.decode()) == (
        400,
        "Signature invalide : notification refusée.",
    )
    assert WebhookEvent.objects.count() == events
    signed = client.post(
        url, body, content_type="application/json", headers={fake.SIGNATURE_HEADER: fake.sign(body)}
    )
    assert signed.status_code == 200
    assert signed.json() == {"recu": True, "suite": "facture inconnue"}
    assert Payment.objects.count() == payments


def test_paying_or_recording_an_unknown_invoice_is_a_404(client, world: World):
    client.force_login(world.owner)
    unknown = uuid.uuid4()
    before = db_state()
    for name in ("payments:pay", "payments:record", "payments:refund"):
        url = reverse(name, kwargs={"public_id": unknown})
        for response in (
            client.get(url),
            client.post(url, {"moyen": "cash", "montant": "15", "date": "2026-12-01"}),
        ):
            assert response.status_code == 404
            assert "Facture introuvable." in response.content.decode()
    assert db_state() == before


def test_revoking_an_unknown_or_foreign_invitation_is_a_404(client, world: World):
    """It used to answer « Invitation retirée. » for any number."""
    client.force_login(world.other_admin)
    other = Employer.objects.get(admins=world.other_admin)
    url = reverse(
        "employers:revoke",
        kwargs={"public_id": other.public_id, "invitation_id": world.invitation.pk},
    )
    assert client.post(url).status_code == 404
    assert Invitation.objects.get(pk=world.invitation.pk).revoked_at is None
    client.force_login(world.owner)
    mine = reverse(
        "employers:revoke",
        kwargs={"public_id": world.employer.public_id, "invitation_id": world.invitation.pk},
    )
    assert messages_of(client, client.post(mine)) == [("success", "Invitation retirée.")]
    assert Invitation.objects.get(pk=world.invitation.pk).revoked_at is not None
    assert client.post(mine).status_code == 404  # already withdrawn


def test_unreadable_months_on_the_settlement_pages(client, world: World):
    """« 0000-11 » and « ²²²²-11 » were server errors (date(0, …), int('²'))."""
    client.force_login(world.owner)
    before = db_state()
    for month in ("0000-11", "²²²²-11", "2026-13", "99999-01"):
        page = client.get(reverse("settlement:statements"), {"mois": month})
        assert page.status_code == 200
        assert [m.message for m in page.context["messages"]] == [
            "Mois illisible ou pas encore terminé : voici le mois dernier."
        ]
        computed = client.post(
            reverse("settlement:statement_compute"),
            {"mois": month, "lieu": str(world.place.public_id)},
        )
        assert messages_of(client, computed) == [("error", "Lieu ou mois inconnu.")]
    assert db_state() == before


def test_a_credit_note_with_an_unreadable_count_is_refused(client, world: World):
    """`vus=²` was a server error (int('²')); now the form counts as outdated."""
    client.force_login(world.owner)
    url = reverse(
        "billing:accounting_credit_note",
        kwargs={"entity_id": world.seller.pk, "public_id": world.invoice.public_id},
    )
    before = db_state()
    response = client.post(url, {"reason": "Essai", "vus": "²", "quantity_1": "1"})
    assert response.status_code == 400
    assert db_state() == before
    assert not Invoice.objects.filter(kind="credit").exists()


def test_a_place_id_beyond_any_column_in_an_employee_s_rules(client, world: World):
    client.force_login(world.owner)
    url = reverse(
        "employers:employee",
        kwargs={"public_id": world.employer.public_id, "employee_id": world.employee.public_id},
    )
    before = db_state()
    response = client.post(
        url, {"unite": "days", "budget": "3", "lieux": ["9" * 30, str(2**63)], "zone": ""}
    )
    assert response.status_code == 400
    assert "n’est pas une valeur correcte" in response.content.decode() or (
        "n&#x27;est pas une valeur correcte" in response.content.decode()
    )
    assert db_state() == before


@given(st.text(max_size=12) | st.from_regex(r"\A[0-9²٢]{4}-[0-9]{2}\Z"))
@example("0000-11")
@example("²²²²-11")
def test_month_readers_never_raise(text):
    """The two « AAAA-MM » readers of the money pages: a month between 2000 and 2100, or none."""
    month = settlement_month(text)
    assert month is None or (month.day == 1 and 2000 <= month.year <= 2100)
    fallback = date(2026, 11, 1)
    chosen = employers_month(text, fallback)
    assert chosen == fallback or (chosen.day == 1 and 2000 <= chosen.year <= 2100)


@given(st.text(max_size=30))
def test_ids_typed_by_hand_are_bounded_or_none(text):
    value = id_from_text(text)
    assert value is None or 0 < value < 2**63

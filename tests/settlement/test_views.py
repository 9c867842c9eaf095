import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from maillage.booking.models import Pass, PassProduct
from maillage.settlement.models import NetworkPassSale, SettlementStatement
from maillage.settlement.services import statement_compute
from tests.factories import LegalEntityFactory, UserFactory
from tests.settlement.conftest import AFTER, NOVEMBER

pytestmark = pytest.mark.django_db

PASSES = reverse("settlement:network_passes")
STATEMENTS = reverse("settlement:statements")


@pytest.fixture
def clock(monkeypatch):
    """The pages run on 2 December 2026, whatever the machine's clock says."""
    monkeypatch.setattr(timezone, "now", lambda: AFTER)


def sale_post(product, **fields):
    return {
        "produit": product.pk,
        "acheteur": "personne",
        "email": "nouvelle@exemple.fr",
        "quantite": "2",
        "paiement": "",
        "cle": "formulaire-a",
    } | fields


def test_network_pass_page_is_for_the_coordination_only(client, manager, day_pass_product):
    assert client.get(PASSES).status_code == 302  # to the login page
    client.force_login(manager)
    assert client.get(PASSES).status_code == 404
    response = client.post(PASSES, sale_post(day_pass_product))
    assert response.status_code == 404
    assert Pass.objects.count() == 0


def test_coordination_sells_to_an_unknown_address_once(
    client, coordinator, network, day_pass_product
):
    client.force_login(coordinator)
    page = client.get(PASSES)
    assert page.status_code == 200
    assert "Pass réseau 10 journées" in page.content.decode()
    first = client.post(PASSES, sale_post(day_pass_product))
    again = client.post(PASSES, sale_post(day_pass_product))  # double click
    assert (first.status_code, again.status_code) == (302, 302)
    sale = NetworkPassSale.objects.get()
    assert sale.buyer_user.email == "nouvelle@exemple.fr"
    assert sale.buyer_user.is_active is False
    assert [p.owner_id for p in sale.passes.all()] == [sale.buyer_user_id] * 2
    assert (sale.invoice.reference, sale.invoice.total_ttc_cents) == ("R-000001", 30000)
    listing = client.get(PASSES).content.decode()
    assert "R-000001" in listing and "nouvelle@exemple.fr" in listing


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quantite": "0"}, "supérieure ou égale à 1"),
        ({"quantite": "51"}, "inférieure ou égale à 50"),
        ({"quantite": "beaucoup"}, "Saisissez un nombre entier."),
        ({"email": ""}, "Indiquez l&#x27;e-mail de la personne."),
        ({"acheteur": "employeur", "titulaires": ""}, "Choisissez l&#x27;employeur."),
        ({"titulaires": "pas-une-adresse"}, "Adresse e-mail invalide"),
        ({"paiement": "bitcoin"}, "Sélectionnez un choix valide"),
    ],
)
def test_sale_form_refuses_bad_input_with_nothing_saved(
    client, coordinator, network, day_pass_product, fields, message
):
    client.force_login(coordinator)
    response = client.post(PASSES, sale_post(day_pass_product, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Pass.objects.count(), NetworkPassSale.objects.count()) == (0, 0)


def test_a_place_carnet_is_not_sold_here(client, coordinator, network, place):
    product = PassProduct.objects.create(place=place, name="Carnet du lieu", unit="day", units=5)
    client.force_login(coordinator)
    response = client.post(PASSES, sale_post(product))
    assert response.status_code == 400
    assert "Choisissez un pass réseau en vente." in response.content.decode()
    assert Pass.objects.count() == 0


def test_sale_to_an_employer_with_one_address_per_pass(
    client, coordinator, network, day_pass_product
):
    from maillage.employers.models import Employer

    employer = Employer.objects.create(entity=LegalEntityFactory(name="Dupont SA"))
    client.force_login(coordinator)
    response = client.post(
        PASSES,
        sale_post(
            day_pass_product,
            acheteur="employeur",
            email="",
            employeur=employer.pk,
            titulaires="a@dupont.fr\nb@dupont.fr",
        ),
    )
    assert response.status_code == 302
    sale = NetworkPassSale.objects.get()
    assert sale.invoice.buyer_entity == employer.entity
    assert sorted(p.owner.email for p in sale.passes.all()) == ["a@dupont.fr", "b@dupont.fr"]
    three = client.post(
        PASSES,
        sale_post(
            day_pass_product,
            acheteur="employeur",
            employeur=employer.pk,
            quantite="3",
            titulaires="a@dupont.fr\nb@dupont.fr",
            cle="formulaire-b",
        ),
    )
    assert three.status_code == 400
    assert "une par pass (3)" in three.content.decode()


def test_statements_page_month_bounds_and_exports(
    client, clock, november, coordinator, place, other_place
):
    statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    client.force_login(coordinator)
    page = client.get(STATEMENTS, {"mois": "2026-11"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reversements aux lieux — novembre 2026" in text
    assert "33,00\u00a0€" in text  # La Fabrique du Port's total
    for wrong in ("2026-13", "abc", "2026-12", "9999-01"):
        response = client.get(STATEMENTS, {"mois": wrong}, follow=True)
        assert response.status_code == 200
        assert "voici le mois dernier" in response.content.decode()
    csv = client.get(STATEMENTS, {"mois": "2026-11", "format": "csv"})
    assert csv["Content-Disposition"] == 'attachment; filename="reversements-2026-11.csv"'
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1:] == [
        "Fablab de Bayeux;2026-11;non calculé;0;0;0;0;0;",
        "La Fabrique du Port;2026-11;proposé;1;3;33.0;0.0;33.0;",
    ]
    xlsx = client.get(STATEMENTS, {"mois": "2026-11", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[3]] == [
        "La Fabrique du Port",
        "2026-11",
        "proposé",
        1,
        3,
        33,
        0,
        33,
        None,
    ]


def test_compute_from_the_page_and_refusals(client, clock, november, coordinator, manager, place):
    url = reverse("settlement:statement_compute")
    data = {"lieu": str(place.public_id), "mois": "2026-11"}
    client.force_login(manager)
    assert client.post(url, data).status_code == 404
    assert client.get(STATEMENTS).status_code == 404
    client.force_login(coordinator)
    response = client.post(url, data)
    assert response.status_code == 302
    assert SettlementStatement.objects.get(place=place).total_cents == 3300
    refused = client.post(url, {"lieu": str(place.public_id), "mois": "2026-12"}, follow=True)
    assert "n&#x27;est pas terminé" in refused.content.decode()
    unknown = client.post(url, {"lieu": "pas-un-uuid", "mois": "2026-11"}, follow=True)
    assert "Lieu ou mois inconnu." in unknown.content.decode()


def test_agreement_form_bounds(client, coordinator, place, desks):
    client.force_login(coordinator)
    url = reverse("settlement:agreement_save")
    base = {
        "lieu": place.pk,
        "taux_journee": "12,50",
        "taux_demi_journee": "7",
        "debut": "2026-01-01",
    }
    assert client.post(url, base).status_code == 302
    agreement = place.settlement_agreement
    assert (agreement.rate_day_cents, agreement.rate_half_day_cents) == (1250, 700)
    bad = client.post(url, base | {"taux_journee": "1e9"}, follow=True)
    assert "Convention non enregistrée" in bad.content.decode()
    agreement.refresh_from_db()
    assert agreement.rate_day_cents == 1250


def test_place_team_accepts_and_invoices_others_get_404(
    client, clock, november, coordinator, manager, other_manager, place, seller
):
    statement = statement_compute(actor=coordinator, place=place, month=NOVEMBER, now=AFTER)
    page_url = reverse("settlement:place_statements", kwargs={"public_id": place.public_id})
    ids = {"public_id": place.public_id, "statement_id": statement.public_id}
    accept = reverse("settlement:statement_accept", kwargs=ids)
    invoice = reverse("settlement:statement_invoice", kwargs=ids)
    client.force_login(other_manager)
    assert client.get(page_url).status_code == 404
    assert client.post(accept).status_code == 404
    assert client.post(invoice).status_code == 404
    client.force_login(manager)
    page = client.get(page_url)
    assert page.status_code == 200
    assert "novembre 2026 — proposé — 33,00\u00a0€" in page.content.decode()
    client.post(accept)
    twice = client.post(accept, follow=True)
    assert "déjà accepté" in twice.content.decode()
    done = client.post(invoice, follow=True)
    statement.refresh_from_db()
    assert statement.status == "invoiced"
    assert f"Facture {statement.invoice.reference} émise au réseau." in done.content.decode()
    again = client.post(invoice, follow=True)
    assert "déjà facturé" in again.content.decode()


def test_a_user_who_is_neither_team_nor_coordination_gets_404(client, place):
    client.force_login(UserFactory())
    url = reverse("settlement:place_statements", kwargs={"public_id": place.public_id})
    assert client.get(url).status_code == 404


def test_coordination_puts_a_network_pass_on_sale(client, coordinator, manager):
    url = reverse("settlement:network_product_create")
    data = {
        "carnet-name": "Pass découverte",
        "carnet-unit": "half_day",
        "carnet-units": "4",
        "carnet-price_cents": "30,00",
        "carnet-validity_days": "90",
        "carnet-is_active": "on",
    }
    client.force_login(manager)
    assert client.post(url, data).status_code == 404
    client.force_login(coordinator)
    assert client.post(url, data).status_code == 302
    product = PassProduct.objects.get()
    assert (product.place, product.unit, product.units, product.price_cents) == (
        None,
        "half_day",
        4,
        3000,
    )
    bad = client.post(url, data | {"carnet-units": "0"}, follow=True)
    assert "Pass réseau non créé." in bad.content.decode()
    assert PassProduct.objects.count() == 1


def test_admin_shows_carnets_without_editing_them(admin_client, day_pass_product):
    url = reverse("admin:booking_passproduct_change", args=[day_pass_product.pk])
    response = admin_client.post(url, {"name": "Autre", "units": "99", "price_cents": "1"})
    assert response.status_code == 403
    day_pass_product.refresh_from_db()
    assert (day_pass_product.name, day_pass_product.units) == ("Pass réseau 10 journées", 10)


def test_self_billing_from_the_place_page(
    client, clock, november, coordinator, other_manager, manager, other_place
):
    from maillage.settlement.services import agreement_set, statement_accept

    agreement_set(
        actor=coordinator,
        place=other_place,
        rate_day_cents=1000,
        rate_half_day_cents=600,
        self_billing=True,
        valid_from=date(2026, 1, 1),
    )
    statement = statement_compute(actor=coordinator, place=other_place, month=NOVEMBER, now=AFTER)
    statement_accept(actor=other_manager, statement=statement, now=AFTER)
    agree = reverse("settlement:self_billing_accept", kwargs={"public_id": other_place.public_id})
    issue = reverse(
        "settlement:statement_invoice",
        kwargs={"public_id": other_place.public_id, "statement_id": statement.public_id},
    )
    client.force_login(manager)  # another place's manager
    assert client.post(agree).status_code == 404
    client.force_login(other_manager)
    page = client.get(reverse("settlement:place_statements", args=[other_place.public_id]))
    assert "Accepter l'autofacturation" in page.content.decode()
    assert "Émettre la facture" not in page.content.decode()  # the coordination issues it
    client.post(agree)
    client.force_login(coordinator)
    done = client.post(issue, follow=True)
    statement.refresh_from_db()
    assert statement.status == "invoiced"
    assert statement.invoice.reason.startswith("Autofacturation : facture émise par")
    assert f"Facture {statement.invoice.reference} émise au réseau." in done.content.decode()


def test_coordination_withdraws_a_network_pass_from_sale(
    client, coordinator, manager, day_pass_product, place
):
    url = reverse("settlement:network_product_withdraw", args=[day_pass_product.pk])
    client.force_login(manager)
    assert client.post(url).status_code == 404
    client.force_login(coordinator)
    assert client.post(url).status_code == 302
    day_pass_product.refresh_from_db()
    assert day_pass_product.is_active is False
    again = client.post(url, follow=True)
    assert "déjà plus en vente" in again.content.decode()
    local = PassProduct.objects.create(place=place, name="Carnet du lieu", unit="day", units=5)
    assert (
        client.post(reverse("settlement:network_product_withdraw", args=[local.pk])).status_code
        == 404
    )
    assert PassProduct.objects.get(pk=local.pk).is_active is True

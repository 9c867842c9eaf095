"""The document pages: who sees which invoice (404 for everyone else, one rule), downloads with
safe names, the buyer's list, and the Chorus Pro export's parameters (400, never 500)."""

import html
import io
import zipfile
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.billing.models import Invoice
from maillage.billing.services import (
    Buyer,
    credit_note_issue,
    invoice_create,
    invoice_draft,
    invoice_issue,
)
from maillage.billing.views_documents import PDF_LIMIT, document_filename
from maillage.core.ratelimit import ratelimit_hit
from maillage.core.single_flight import single_flight
from tests.billing.conftest import ISSUED_AT, desk_days
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db


def urls(invoice) -> dict[str, str]:
    return {
        name: reverse(f"billing:{name}", kwargs={"public_id": invoice.public_id})
        for name in ("invoice_detail", "invoice_pdf", "invoice_xml")
    }


def test_buyer_gets_the_page_the_pdf_and_the_xml(client, b2c_invoice, member):
    client.force_login(member)
    page = client.get(urls(b2c_invoice)["invoice_detail"])
    assert page.status_code == 200
    body = html.unescape(page.content.decode())
    assert "<h1>Facture F-000001</h1>" in body
    assert "Pas d'escompte pour paiement anticipé." in body
    assert 'alt="QR code de virement SEPA' in body
    pdf = client.get(urls(b2c_invoice)["invoice_pdf"])
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf["Content-Disposition"] == 'attachment; filename="F-000001.pdf"'
    assert pdf.content.startswith(b"%PDF-")
    xml = client.get(urls(b2c_invoice)["invoice_xml"])
    assert (xml.status_code, xml["Content-Type"]) == (200, "application/xml; charset=utf-8")
    assert xml["Content-Disposition"] == 'attachment; filename="F-000001.xml"'
    assert b"<ram:ID>F-000001</ram:ID>" in xml.content


@pytest.mark.parametrize("name", ["invoice_detail", "invoice_pdf", "invoice_xml"])
def test_another_member_gets_404_on_someone_elses_invoice(client, b2c_invoice, name):
    client.force_login(UserFactory())
    response = client.get(urls(b2c_invoice)[name])
    assert response.status_code == 404
    assert b"F-000001" not in response.content
    assert b"Camille" not in response.content


def test_unknown_uuid_is_404_and_anonymous_is_sent_to_login(client, b2c_invoice):
    client.force_login(UserFactory())
    missing = reverse("billing:invoice_pdf", kwargs={"public_id": uuid4()})
    assert client.get(missing).status_code == 404
    client.logout()
    response = client.get(urls(b2c_invoice)["invoice_pdf"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_employer_invoice_is_not_shown_to_a_random_member(client, b2b_invoice):
    client.force_login(UserFactory())
    assert client.get(urls(b2b_invoice)["invoice_detail"]).status_code == 404


def test_seller_manager_sees_the_draft_watermarked_buyer_does_not(
    client, place_seller, seller_manager, member
):
    draft = invoice_draft(seller=place_seller, buyer=Buyer(user=member), lines=[desk_days()])
    client.force_login(seller_manager)
    page = client.get(urls(draft)["invoice_detail"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "<h1>Facture (brouillon)</h1>" in body
    assert "<strong>BROUILLON</strong>" in body
    pdf = client.get(urls(draft)["invoice_pdf"])
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"] == f'attachment; filename="brouillon-{draft.public_id}.pdf"'
    assert client.get(urls(draft)["invoice_xml"]).status_code == 404
    client.force_login(member)
    for url in urls(draft).values():
        assert client.get(url).status_code == 404


def test_seller_manager_sees_an_issued_invoice_of_its_place(client, b2b_invoice, seller_manager):
    client.force_login(seller_manager)
    assert client.get(urls(b2b_invoice)["invoice_pdf"]).status_code == 200


def test_credit_note_page_links_both_ways(client, credit_note, b2b_invoice, seller_manager):
    client.force_login(seller_manager)
    note_page = client.get(urls(credit_note)["invoice_detail"]).content.decode()
    assert "Avoir sur la facture n° F-000001 du 30/11/2026" in note_page
    assert urls(b2b_invoice)["invoice_detail"] in note_page
    invoice_page = client.get(urls(b2b_invoice)["invoice_detail"]).content.decode()
    assert urls(credit_note)["invoice_detail"] in invoice_page
    assert "Avoir F-000002</a> du 30/11/2026" in invoice_page


def test_draft_credit_note_is_listed_for_the_seller_only(
    client, b2c_invoice, member, seller_manager
):
    draft = invoice_draft(
        seller=b2c_invoice.seller,
        buyer=Buyer(user=member),
        lines=[desk_days()],
        kind=Invoice.Kind.CREDIT_NOTE,
        corrects=b2c_invoice,
        reason="Erreur de date",
    )
    client.force_login(seller_manager)
    page = client.get(urls(b2c_invoice)["invoice_detail"]).content.decode()
    assert "Avoir en brouillon" in page
    assert urls(draft)["invoice_detail"] in page
    client.force_login(member)
    page = client.get(urls(b2c_invoice)["invoice_detail"]).content.decode()
    assert "Avoirs sur cette facture" not in page
    assert "Toutes mes factures" in page


def test_filename_keeps_only_safe_characters():
    seller = LegalEntityFactory(invoice_prefix='A"B/;\r')
    invoice = invoice_create(
        seller=seller, buyer=Buyer(user=UserFactory()), lines=[desk_days()], now=ISSUED_AT
    )
    assert invoice.reference == 'A"B/;\r000001'
    assert document_filename(invoice, "pdf") == "A-B---000001.pdf"


def test_only_post_is_refused_on_documents(client, b2c_invoice, member):
    client.force_login(member)
    assert client.post(urls(b2c_invoice)["invoice_pdf"]).status_code == 405


# The buyer's list


def test_my_invoices_lists_mine_newest_first_with_status(client, place_seller, member):
    first = invoice_create(
        seller=place_seller, buyer=Buyer(user=member), lines=[desk_days()], now=ISSUED_AT
    )
    second = invoice_create(
        seller=place_seller,
        buyer=Buyer(user=member),
        lines=[desk_days(1)],
        now=ISSUED_AT.replace(hour=10),
    )
    credit_note_issue(original=first, reason="Annulation", now=ISSUED_AT.replace(hour=11))
    invoice_create(  # someone else's
        seller=place_seller, buyer=Buyer(user=UserFactory()), lines=[desk_days()], now=ISSUED_AT
    )
    draft = invoice_draft(seller=place_seller, buyer=Buyer(user=member), lines=[desk_days()])
    client.force_login(member)
    response = client.get(reverse("billing:my_invoices"))
    assert response.status_code == 200
    listed = [invoice.reference for invoice in response.context["page"]]
    assert listed == ["F-000003", second.reference, first.reference]
    assert (second.reference, first.reference) == ("F-000002", "F-000001")
    body = response.content.decode()
    assert "3 documents, du plus récent au plus ancien" in body
    assert "annulée par avoir" in body
    assert "avoir sur F-000001" in body
    assert str(draft.public_id) not in body


def test_my_invoices_queries_do_not_grow_with_the_list(client, place_seller, member):
    def listed_with_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("billing:my_invoices"))
        return len(response.context["page"].object_list), len(queries)

    client.force_login(member)
    sizes = []
    for count in (1, 3):
        while Invoice.objects.filter(buyer_user=member).count() < count:
            invoice_create(
                seller=place_seller, buyer=Buyer(user=member), lines=[desk_days()], now=ISSUED_AT
            )
        sizes.append(listed_with_queries())
    assert [listed for listed, _ in sizes] == [1, 3]
    assert sizes[0][1] == sizes[1][1]


def test_my_invoices_page_number_out_of_range_is_the_last_page(client, member):
    client.force_login(member)
    response = client.get(reverse("billing:my_invoices") + "?page=999999999999999999999")
    assert response.status_code == 200
    assert "Aucune facture à votre nom pour l'instant." in response.content.decode()


# The Chorus Pro export


def chorus_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("billing:chorus_export") + (f"?{query}" if query else "")


def test_seller_manager_downloads_the_chorus_zip(
    client, public_invoice, place_seller, seller_manager
):
    client.force_login(seller_manager)
    response = client.get(chorus_url(vendeur=place_seller.pk, du="2026-11-01", au="2026-11-30"))
    assert (response.status_code, response["Content-Type"]) == (200, "application/zip")
    assert response["Content-Disposition"] == (
        f'attachment; filename="chorus-pro-{place_seller.pk}-20261101-20261130.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["F-000001.pdf", "manifeste.csv"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Indiquez le vendeur"),
        ({"vendeur": "abc", "du": "2026-11-01", "au": "2026-11-30"}, "Indiquez le vendeur"),
        ({"vendeur": "99999999999999999999999"}, "Indiquez le vendeur"),
        ({"vendeur": "SELLER", "du": "2026-13-01", "au": "2026-11-30"}, "Indiquez la période"),
        ({"vendeur": "SELLER", "du": "9999-01-01", "au": "9999-12-31"}, "Indiquez la période"),
        ({"vendeur": "SELLER", "du": "2026-11-01"}, "Indiquez la période"),
        ({"vendeur": "SELLER", "du": "2026-11-30", "au": "2026-11-01"}, "précède son début"),
        ({"vendeur": "SELLER", "du": "2024-01-01", "au": "2026-11-01"}, "au plus un an"),
    ],
)
def test_chorus_bad_parameters_are_a_french_400(
    client, place_seller, seller_manager, params, message
):
    client.force_login(seller_manager)
    params = {k: (place_seller.pk if v == "SELLER" else v) for k, v in params.items()}
    response = client.get(chorus_url(**params))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_chorus_export_of_someone_elses_seller_is_404(client, place_seller):
    client.force_login(UserFactory())
    response = client.get(chorus_url(vendeur=place_seller.pk, du="2026-11-01", au="2026-11-30"))
    assert response.status_code == 404
    assert client.get(chorus_url(vendeur=987654, du="2026-11-01", au="2026-11-30")).status_code == (
        404
    )


def test_chorus_incomplete_buyer_is_a_409_page(client, place_seller, seller_manager, commune):
    draft = invoice_draft(seller=place_seller, buyer=Buyer(entity=commune), lines=[desk_days()])
    Invoice.objects.filter(pk=draft.pk).update(buyer_data={**draft.buyer_data, "siret": ""})
    invoice_issue(invoice=draft, now=ISSUED_AT)
    client.force_login(seller_manager)
    response = client.get(chorus_url(vendeur=place_seller.pk, du="2026-11-01", au="2026-11-30"))
    assert response.status_code == 409
    assert "il manque le SIRET ou le code service" in response.content.decode()


def test_pdf_downloads_are_rate_limited_per_person(client, b2c_invoice, member):
    check = (PDF_LIMIT, str(member.pk))
    for _ in range(PDF_LIMIT.attempts - 1):
        ratelimit_hit(check)
    client.force_login(member)
    assert client.get(urls(b2c_invoice)["invoice_pdf"]).status_code == 200
    refused = client.get(urls(b2c_invoice)["invoice_pdf"])
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= PDF_LIMIT.window
    assert "Trop de tentatives : réessayez dans 1 minute." in refused.content.decode()
    client.force_login(UserFactory())  # someone else is not held back… and still gets a 404
    assert client.get(urls(b2c_invoice)["invoice_pdf"]).status_code == 404


def test_one_chorus_export_at_a_time_per_person(client, place_seller, seller_manager):
    client.force_login(seller_manager)
    url = chorus_url(vendeur=place_seller.pk, du="2026-11-01", au="2026-11-30")
    with single_flight(f"billing:chorus:{seller_manager.pk}", seconds=60):
        response = client.get(url)
    assert response.status_code == 409
    assert "Un export Chorus Pro est déjà en cours" in response.content.decode()
    assert client.get(url).status_code == 200


def test_the_page_offers_paying_to_the_buyer_and_collecting_to_the_seller(
    client, b2c_invoice, member, seller_manager
):
    pay = reverse("payments:pay", kwargs={"public_id": b2c_invoice.public_id})
    collect = reverse("payments:record", kwargs={"public_id": b2c_invoice.public_id})
    page = urls(b2c_invoice)["invoice_detail"]
    client.force_login(member)
    body = client.get(page).content.decode()
    assert (f'href="{pay}"' in body, f'href="{collect}"' in body) == (True, False)
    client.force_login(seller_manager)
    body = client.get(page).content.decode()
    assert (f'href="{pay}"' in body, f'href="{collect}"' in body) == (False, True)

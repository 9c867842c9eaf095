"""The seller's accounting page: who sees it, the list and its totals, manual invoices, drafts,
credit notes, closing a month, archives, integrity, exports and `billing_verify`."""

import hashlib
import io
from datetime import UTC, date, datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.billing import archive
from maillage.billing.models import AccountingPeriod, Invoice, LegalEntity
from maillage.billing.services import Buyer, invoice_create
from tests.billing.conftest import ISSUED_AT, desk_days
from tests.billing.test_invoices import _untriggered
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory, luhn_complete

pytestmark = pytest.mark.django_db
DECEMBER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: DECEMBER)


@pytest.fixture(autouse=True)
def archives_in_tmp(settings, tmp_path):
    """Each test its own archive folder (other runs write the same seller ids and months)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "archives": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "archives")},
        },
    }


@pytest.fixture
def team(client, seller_manager, place_seller):
    client.force_login(seller_manager)
    return client


def url(name: str, seller: LegalEntity, **kwargs) -> str:
    return reverse(f"billing:{name}", kwargs={"entity_id": seller.pk, **kwargs})


def flash(client, response) -> list[tuple[str, str]]:
    """The messages the page shows after the redirect (which consumes them)."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    return [(m.level_tag, m.message) for m in page.context["messages"]]


def test_page_is_a_404_for_anyone_outside_the_team(client, place_seller):
    page = url("accounting", place_seller)
    assert client.get(page).status_code == 302  # to the login page
    other_manager = UserFactory()
    LegalEntityFactory(organisation=OrganisationFactory(managers=[other_manager]))
    for outsider in (UserFactory(), other_manager, UserFactory(coordinator=True)):
        client.force_login(outsider)
        for name in ("accounting", "accounting_integrity", "accounting_invoice_new"):
            assert client.get(url(name, place_seller)).status_code == 404
        close = client.post(url("accounting_close", place_seller), {"cloture-mois": "2026-11"})
        assert close.status_code == 404
        assert AccountingPeriod.objects.count() == 0
    assert client.get(reverse("billing:accounting", kwargs={"entity_id": 10**20})).status_code == (
        404
    )


def test_list_filters_and_totals(team, place_seller, b2b_invoice, b2c_invoice, credit_note):
    page = team.get(url("accounting", place_seller))
    assert page.status_code == 200
    assert [doc.reference for doc in page.context["page"]] == [
        credit_note.reference,
        b2c_invoice.reference,
        b2b_invoice.reference,
    ]
    totals = page.context["totals"]
    assert (totals.documents, totals.ttc_cents) == (
        3,
        b2b_invoice.total_ttc_cents + b2c_invoice.total_ttc_cents - 3000,
    )
    assert totals.ht_cents == b2b_invoice.total_ht_cents + b2c_invoice.total_ht_cents - 2500
    notes = team.get(url("accounting", place_seller), {"type": "credit"}).context
    assert ([d.reference for d in notes["page"]], notes["totals"].ttc_cents) == (
        [credit_note.reference],
        -3000,
    )
    camille = team.get(url("accounting", place_seller), {"acheteur": "camille"}).context
    assert [d.reference for d in camille["page"]] == [b2c_invoice.reference]
    october = team.get(url("accounting", place_seller), {"mois": "2026-10"}).context
    assert october["totals"].documents == 0
    for bad in (
        {"mois": "2026-13"},
        {"mois": "x" * 500},
        {"type": "autre"},
        {"acheteur": "x" * 101},
    ):
        assert team.get(url("accounting", place_seller), bad).status_code == 400


def queries_of(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_list_makes_as_many_queries_for_three_invoices_as_for_one(team, place_seller):
    buyer = Buyer(entity=LegalEntityFactory())
    invoice_create(seller=place_seller, buyer=buyer, lines=[desk_days()], now=ISSUED_AT)
    one = queries_of(team, url("accounting", place_seller))
    for _ in range(2):
        invoice_create(seller=place_seller, buyer=buyer, lines=[desk_days()], now=ISSUED_AT)
    assert queries_of(team, url("accounting", place_seller)) == one


def invoice_form(**overrides) -> dict:
    data = {
        "facture-buyer_email": "",
        "facture-buyer_siren": "",
        "facture-prices": "ht",
        "facture-service_start": "2026-12-01",
        "facture-service_end": "2026-12-01",
        "lignes-TOTAL_FORMS": "3",
        "lignes-INITIAL_FORMS": "0",
        "lignes-MIN_NUM_FORMS": "0",
        "lignes-MAX_NUM_FORMS": "30",
        "lignes-0-label": "Location de la grande salle, journée",
        "lignes-0-quantity": "1",
        "lignes-0-unit": "DAY",
        "lignes-0-unit_price": "250",
        "lignes-0-vat_rate": "2000",
        "lignes-1-label": "Café d'accueil",
        "lignes-1-quantity": "12",
        "lignes-1-unit": "C62",
        "lignes-1-unit_price": "1,50",
        "lignes-1-vat_rate": "1000",
        # The third row left empty, its menus on what the page shows.
        "lignes-2-unit": "C62",
        "lignes-2-vat_rate": "2000",
    }
    return data | overrides


def test_manual_invoice_for_a_new_company_then_issued_once(team, place_seller, seller_manager):
    siren = luhn_complete("55210005")
    response = team.post(
        url("accounting_invoice_new", place_seller),
        invoice_form(
            **{
                "facture-buyer_siren": siren,
                "facture-buyer_name": "Cabinet Dupont",
                "facture-buyer_address": "1 place Saint-Sauveur",
                "facture-buyer_postcode": "14000",
                "facture-buyer_city": "Caen",
                "facture-order_ref": "BC-77",
            }
        ),
    )
    assert flash(team, response) == [
        ("success", "Brouillon enregistré : relisez-le, puis « Émettre » pour le numéroter.")
    ]
    draft = Invoice.objects.get()
    assert (draft.status, draft.number, draft.buyer_entity.siren) == ("draft", None, siren)
    assert (draft.buyer_data["name"], draft.buyer_order_ref) == ("Cabinet Dupont", "BC-77")
    assert [
        (x.label, x.quantity, x.unit_price_ht_cents, x.vat_rate_bp) for x in draft.lines.all()
    ] == [
        ("Location de la grande salle, journée", 1, 25000, 2000),
        ("Café d'accueil", 12, 150, 1000),
    ]
    assert draft.created_by == seller_manager
    issue = url("accounting_draft_issue", place_seller, public_id=draft.public_id)
    first = team.post(issue)
    assert flash(team, first) == [("success", "Facture F-000001 émise.")]
    again = team.post(issue)
    assert flash(team, again) == [("error", "Cette facture est déjà émise.")]
    draft.refresh_from_db()
    assert (draft.number, draft.total_ht_cents, draft.total_vat_cents) == (1, 26800, 5000 + 180)
    assert Invoice.objects.count() == 1
    # The same SIREN next time picks the known structure.
    team.post(
        url("accounting_invoice_new", place_seller), invoice_form(**{"facture-buyer_siren": siren})
    )
    assert LegalEntity.objects.filter(siren=siren).count() == 1


def test_manual_invoice_to_a_person_with_ttc_prices(team, place_seller, member):
    response = team.post(
        url("accounting_invoice_new", place_seller),
        invoice_form(**{"facture-buyer_email": "CAMILLE@exemple.fr", "facture-prices": "ttc"}),
    )
    assert response.status_code == 302
    draft = Invoice.objects.get()
    assert draft.buyer_user == member
    # 250 € TTC at 20 % is 208,33 € HT; 1,50 € TTC at 10 % is 1,36 € HT.
    assert [x.unit_price_ht_cents for x in draft.lines.all()] == [20833, 136]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"facture-buyer_email": "personne@ailleurs.fr"}, "Aucun compte actif"),
        ({}, "Indiquez l&#x27;acheteur"),
        (
            {
                "facture-buyer_siren": "123456789",
                "facture-buyer_name": "X",
                "facture-buyer_address": "a",
                "facture-buyer_postcode": "1",
                "facture-buyer_city": "c",
            },
            "clé de contrôle",
        ),
        ({"facture-buyer_siren": luhn_complete("55210005")}, "pas encore connu"),
        ({"facture-buyer_email": "camille@exemple.fr", "lignes-0-vat_rate": "1900"}, "1900"),
        (
            {"facture-buyer_email": "camille@exemple.fr", "lignes-0-unit_price": "-3"},
            "Montant illisible",
        ),
        ({"facture-buyer_email": "camille@exemple.fr", "lignes-0-quantity": "0"}, "positive"),
        ({"facture-buyer_email": "camille@exemple.fr", "lignes-TOTAL_FORMS": "5000"}, "au plus 30"),
        (
            {"facture-buyer_email": "camille@exemple.fr", "facture-service_start": "1500-01-01"},
            "entre 2000 et 2100",
        ),
    ],
)
def test_bad_manual_invoice_saves_nothing(team, place_seller, member, overrides, message):
    response = team.post(url("accounting_invoice_new", place_seller), invoice_form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Invoice.objects.count() == 0
    assert LegalEntity.objects.count() == 1  # the seller only


def test_draft_delete_and_issued_invoice_kept(team, place_seller, b2c_invoice):
    created = team.post(
        url("accounting_invoice_new", place_seller),
        invoice_form(**{"facture-buyer_email": "camille@exemple.fr"}),
    )
    assert flash(team, created)[0][0] == "success"
    draft = Invoice.objects.get(status="draft")
    page = team.get(url("accounting", place_seller))
    assert list(page.context["drafts"]) == [draft]
    assert "Camille Martin" in page.content.decode()
    deleted = team.post(url("accounting_draft_delete", place_seller, public_id=draft.public_id))
    assert flash(team, deleted) == [("success", "Brouillon supprimé.")]
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    refused = team.post(
        url("accounting_draft_delete", place_seller, public_id=b2c_invoice.public_id)
    )
    assert flash(team, refused) == [
        ("error", "Une facture émise ne se supprime pas : établissez un avoir.")
    ]
    assert Invoice.objects.filter(pk=b2c_invoice.pk, status="issued").exists()
    # Another seller's draft is not reachable through this seller's address.
    elsewhere = LegalEntityFactory()
    assert (
        team.post(
            url("accounting_draft_delete", elsewhere, public_id=b2c_invoice.public_id)
        ).status_code
        == 404
    )


def test_credit_note_whole_then_double_submit_refused(team, place_seller, b2b_invoice):
    page = url("accounting_credit_note", place_seller, public_id=b2b_invoice.public_id)
    form = team.get(page)
    assert form.status_code == 200
    data = {"reason": "Prestation annulée", "vus": "0", "quantity_1": "10", "quantity_2": "3"}
    assert team.post(page, data).status_code == 302
    note = Invoice.objects.get(kind="credit")
    assert (note.total_ttc_cents, note.corrects, note.reason) == (
        b2b_invoice.total_ttc_cents,
        b2b_invoice,
        "Prestation annulée",
    )
    second = team.post(page, data)
    assert second.status_code == 400
    assert "vient d&#x27;être émis" in second.content.decode()
    assert Invoice.objects.filter(kind="credit").count() == 1


def test_credit_note_of_chosen_lines(team, place_seller, b2b_invoice):
    page = url("accounting_credit_note", place_seller, public_id=b2b_invoice.public_id)
    refused = team.post(page, {"reason": "", "vus": "0", "quantity_1": "11", "quantity_2": "0"})
    assert refused.status_code == 400
    assert "Plus que la quantité facturée" in refused.content.decode()
    team.post(page, {"reason": "Deux journées", "vus": "0", "quantity_1": "2", "quantity_2": "0"})
    note = Invoice.objects.get(kind="credit")
    assert [(x.quantity, x.unit_price_ht_cents) for x in note.lines.all()] == [(2, 1250)]
    assert note.total_ttc_cents == 3000


def test_closing_a_month_twice_and_a_month_not_over(team, place_seller, b2b_invoice, credit_note):
    close = url("accounting_close", place_seller)
    done = team.post(close, {"cloture-mois": "2026-11"})
    assert flash(team, done) == [("success", "Période close : 2 document(s).")]
    period = AccountingPeriod.objects.get()
    assert (period.starts_on, period.ends_on) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period.total_ttc_cents == b2b_invoice.total_ttc_cents - 3000
    twice = team.post(close, {"cloture-mois": "2026-11"}, follow=True)
    assert ("error", "Cette période est déjà close.") in [
        (m.level_tag, m.message) for m in twice.context["messages"]
    ]
    assert 'class="error"' in twice.content.decode()
    early = team.post(close, {"cloture-mois": "2026-12"})
    assert flash(team, early) == [
        ("error", "On ne clôt qu'une période terminée (fin avant aujourd'hui).")
    ]
    unreadable = team.post(close, {"cloture-mois": "novembre"})
    assert flash(team, unreadable)[0][0] == "error"
    assert AccountingPeriod.objects.count() == 1
    # The page lists it with its archive, identical to the stored one.
    page = team.get(url("accounting", place_seller))
    assert list(page.context["periods"]) == [period]
    download = team.get(url("accounting_archive", place_seller, period_id=period.pk))
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == period.archive_sha256
    assert archive.verify(body) == []
    assert (
        team.get(url("accounting_archive", place_seller, period_id=period.pk + 1)).status_code
        == 404
    )


def test_integrity_page_and_command_report_a_tampered_document(team, place_seller):
    buyer = Buyer(user=UserFactory())
    issued = [
        invoice_create(seller=place_seller, buyer=buyer, lines=[desk_days()], now=ISSUED_AT)
        for _ in range(3)
    ]
    page = team.get(url("accounting_integrity", place_seller))
    assert "Aucune anomalie : 3 documents vérifiés" in page.content.decode()
    out = io.StringIO()
    call_command("billing_verify", stdout=out)
    assert out.getvalue() == (
        f"{place_seller.name} (n° {place_seller.pk}) : 3 document(s) vérifié(s)\n"
        "Intégrité vérifiée : aucune anomalie.\n"
    )
    _untriggered(
        "UPDATE billing_invoice SET total_ht_cents = 100, total_ttc_cents = 120, "
        "total_vat_cents = 20 WHERE id = %s",
        [issued[1].pk],
    )
    page = team.get(url("accounting_integrity", place_seller)).content.decode()
    assert "Document modifié depuis son émission : F-000002" in page
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("billing_verify", "--vendeur", str(place_seller.pk), stdout=out, stderr=err)
    assert exit_code.value.code == 1
    assert "  document modifié : F-000002\n" in out.getvalue()
    assert err.getvalue() == "Intégrité en défaut chez 1 vendeur(s).\n"


def test_archive_altered_after_closing_is_reported(team, place_seller, b2b_invoice):
    team.post(url("accounting_close", place_seller), {"cloture-mois": "2026-11"})
    period = AccountingPeriod.objects.get()
    storage = storages["archives"]
    path = archive.path_for(place_seller, period.starts_on, period.ends_on)
    storage.delete(path)
    storage.save(path, ContentFile(b"autre chose"))
    page = team.get(url("accounting_integrity", place_seller)).content.decode()
    assert "archive modifiée (empreinte différente)" in page
    storage.delete(path)
    page = team.get(url("accounting_integrity", place_seller)).content.decode()
    assert "archive absente" in page


def test_network_books_are_the_coordination_s(client):
    network = LegalEntityFactory(name="Réseau des tiers-lieux", is_network=True)
    client.force_login(UserFactory(coordinator=True))
    assert client.get(url("accounting", network)).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url("accounting", network)).status_code == 404


def test_exports_of_a_month(team, place_seller, b2b_invoice):
    fec = team.get(url("accounting_export", place_seller, kind="fec"), {"export-mois": "2026-11"})
    assert fec.status_code == 200
    assert (
        fec["Content-Disposition"] == f'attachment; filename="{place_seller.siren}FEC20261130.txt"'
    )
    assert fec.content.count(b"\r\n") == 1 + 5
    xlsx = team.get(url("accounting_export", place_seller, kind="xlsx"), {"export-mois": "2026-11"})
    assert xlsx.content[:2] == b"PK"
    bad = team.get(url("accounting_export", place_seller, kind="csv"), {"export-mois": "1999-12"})
    assert bad.status_code == 302
    assert flash(team, bad) == [("error", "Choisissez un mois entre 2000 et 2100.")]
    assert (
        team.get(
            url("accounting_export", place_seller, kind="pdf"), {"export-mois": "2026-11"}
        ).status_code
        == 404
    )


def test_manual_invoice_form_sent_twice_makes_one_draft(team, place_seller, member):
    form = team.get(url("accounting_invoice_new", place_seller))
    token = form.context["header"].initial["token"]
    data = invoice_form(**{"facture-buyer_email": "camille@exemple.fr", "facture-token": token})
    assert team.post(url("accounting_invoice_new", place_seller), data).status_code == 302
    twice = team.post(url("accounting_invoice_new", place_seller), data)
    assert twice.status_code == 400
    assert "déjà été envoyé" in twice.content.decode()
    assert Invoice.objects.count() == 1
    # A refused form keeps its token free: once corrected, it goes through.
    other = invoice_form(**{"facture-buyer_email": "x@ailleurs.fr", "facture-token": "a" * 32})
    assert team.post(url("accounting_invoice_new", place_seller), other).status_code == 400
    other["facture-buyer_email"] = "camille@exemple.fr"
    assert team.post(url("accounting_invoice_new", place_seller), other).status_code == 302
    assert Invoice.objects.count() == 2

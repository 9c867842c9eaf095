"""A seller's identity and settings: keys checked, VAT coherent, prefix frozen after the first
invoice, permissions, audit, and the settings page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.audit.models import AuditEvent
from maillage.billing.entity_services import buyer_entity_create, legal_entity_save
from maillage.billing.errors import BillingError
from maillage.billing.identifiers import validate_iban, vat_number_for
from maillage.billing.models import LegalEntity
from maillage.billing.services import Buyer, invoice_create
from tests.billing.conftest import ISSUED_AT, desk_days
from tests.factories import OrganisationFactory, UserFactory, luhn_complete

pytestmark = pytest.mark.django_db

SIREN = luhn_complete("73282932")  # 732829320
SIRET = luhn_complete(SIREN + "0001")


def settings(**overrides) -> dict:
    data = {
        "name": "SCIC Le Hangar",
        "legal_form": "SCIC SAS",
        "siren": SIREN,
        "siret": SIRET,
        "rcs": "RCS Caen",
        "share_capital": "12 000 €",
        "address": "3 rue du Port",
        "postcode": "14000",
        "city": "Caen",
        "email": "compta@hangar.fr",
        "vat_regime": "normal",
        "vat_number": vat_number_for(SIREN),
        "vat_on_debits": False,
        "invoice_prefix": "HAN-",
        "payment_terms_days": 30,
        "late_penalty_rate": "trois fois le taux d'intérêt légal",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "AGRIFRPP",
    }
    return data | overrides


@pytest.fixture
def team():
    manager = UserFactory()
    return manager, OrganisationFactory(managers=[manager])


def test_manager_creates_the_entity_of_their_organisation(team):
    manager, organisation = team
    entity = legal_entity_save(actor=manager, data=settings(), organisation=organisation)
    assert (entity.organisation, entity.siren, entity.siret) == (organisation, SIREN, SIRET)
    assert entity.iban == "FR7630006000011234567890189"
    assert (entity.invoice_prefix, entity.is_network) == ("HAN-", False)
    event = AuditEvent.objects.get(action="legal_entity.create")
    assert (event.actor, event.object_id) == (manager, str(entity.pk))
    # Saving again updates the same row and lists only what changed.
    legal_entity_save(actor=manager, data=settings(city="Bayeux"), organisation=organisation)
    assert LegalEntity.objects.get().city == "Bayeux"
    update = AuditEvent.objects.get(action="legal_entity.update")
    assert update.data == {"fields": ["city"]}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"siren": "732829321"}, "siren", "clé de contrôle"),
        ({"siren": ""}, "siren", "obligatoire"),
        ({"siret": "12345678901234"}, "siret", "clé de contrôle"),
        ({"siret": luhn_complete("4100000100001")}, "siret", "commence par"),
        ({"vat_number": "FR00" + SIREN}, "vat_number", "clé"),
        ({"vat_number": vat_number_for("410000001")}, "vat_number", "ne correspond pas"),
        ({"vat_number": ""}, "vat_number", vat_number_for(SIREN)),
        ({"vat_regime": "franchise", "vat_on_debits": True}, "vat_on_debits", "franchise"),
        ({"iban": "FR7630006000011234567890188"}, "iban", "clé de contrôle"),
        ({"iban": "FR76300060"}, "iban", "IBAN invalide"),
        ({"bic": "AG"}, "bic", "BIC invalide"),
        ({"invoice_prefix": "f 2026"}, "invoice_prefix", "1 à 10"),
        ({"invoice_prefix": "ABCDEFGHIJK"}, "invoice_prefix", "1 à 10"),
        ({"payment_terms_days": 90}, "payment_terms_days", "60"),
        ({"name": " "}, "name", "raison sociale"),
        ({"email": "pas-une-adresse"}, "email", "adresse"),
    ],
)
def test_bad_settings_are_refused_and_nothing_saved(team, change, field, message):
    manager, organisation = team
    with pytest.raises(BillingError) as refused:
        legal_entity_save(actor=manager, data=settings(**change), organisation=organisation)
    assert refused.value.field == field
    assert message in refused.value.message
    assert LegalEntity.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_fields_outside_the_settings_are_ignored(team):
    manager, organisation = team
    other = OrganisationFactory()
    entity = legal_entity_save(
        actor=manager,
        data=settings(is_network=True, organisation=other.pk, pk=999, is_public_body=True),
        organisation=organisation,
    )
    assert (entity.is_network, entity.organisation, entity.is_public_body) == (
        False,
        organisation,
        False,
    )


def test_franchise_needs_no_vat_number(team):
    manager, organisation = team
    entity = legal_entity_save(
        actor=manager,
        data=settings(vat_regime="franchise", vat_number=""),
        organisation=organisation,
    )
    assert (entity.vat_regime, entity.vat_number, entity.vat_on_debits) == ("franchise", "", False)


def test_prefix_is_frozen_once_an_invoice_is_issued(team):
    manager, organisation = team
    entity = legal_entity_save(actor=manager, data=settings(), organisation=organisation)
    # Before the first invoice, the prefix may change.
    entity = legal_entity_save(
        actor=manager, data=settings(invoice_prefix="H2026-"), organisation=organisation
    )
    invoice_create(
        seller=entity, buyer=Buyer(user=UserFactory()), lines=[desk_days()], now=ISSUED_AT
    )
    with pytest.raises(BillingError, match="ne change plus") as refused:
        legal_entity_save(
            actor=manager, data=settings(invoice_prefix="HAN-"), organisation=organisation
        )
    assert refused.value.field == "invoice_prefix"
    assert LegalEntity.objects.get().invoice_prefix == "H2026-"
    # Other settings still change.
    legal_entity_save(
        actor=manager,
        data=settings(invoice_prefix="H2026-", payment_terms_days=45),
        organisation=organisation,
    )
    assert LegalEntity.objects.get().payment_terms_days == 45


def test_who_may_edit_which_entity(team):
    manager, organisation = team
    other_manager = UserFactory()
    OrganisationFactory(managers=[other_manager])
    coordinator = UserFactory(coordinator=True)
    for stranger in (other_manager, UserFactory()):
        with pytest.raises(BillingError) as refused:
            legal_entity_save(actor=stranger, data=settings(), organisation=organisation)
        assert refused.value.status == 404
    # The coordination edits any entity, and is alone to edit the network's.
    entity = legal_entity_save(actor=coordinator, data=settings(), organisation=organisation)
    with pytest.raises(BillingError):
        legal_entity_save(actor=manager, data=settings(), network=True)
    network = legal_entity_save(actor=coordinator, data=settings(name="Réseau"), network=True)
    assert network.is_network and network.organisation is None
    with pytest.raises(BillingError):
        legal_entity_save(actor=manager, data=settings(), entity=network)
    assert legal_entity_save(actor=manager, data=settings(city="Lisieux"), entity=entity).city == (
        "Lisieux"
    )


def test_validate_iban_accepts_real_numbers_of_other_countries():
    validate_iban("DE89370400440532013000")
    validate_iban("GB82WEST12345698765432")
    with pytest.raises(ValidationError):
        validate_iban("DE89370400440532013001")


def test_buyer_entity_checks_its_identifiers():
    actor = UserFactory()
    with pytest.raises(BillingError, match="clé de contrôle"):
        buyer_entity_create(actor=actor, data=settings(siren="123456789"))
    with pytest.raises(BillingError, match="Chorus Pro"):
        buyer_entity_create(actor=actor, data=settings(is_public_body=True, siret=""))
    entity = buyer_entity_create(actor=actor, data=settings(is_public_body=False))
    assert (entity.name, entity.siren, entity.organisation) == ("SCIC Le Hangar", SIREN, None)


def test_settings_page_for_the_team_only(client, team):
    manager, organisation = team
    url = reverse("billing:entity_settings", kwargs={"organisation_id": organisation.pk})
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200
    assert "Préfixe des numéros de facture" in page.content.decode()
    refused = client.post(url, settings(siren="732829321"))
    assert refused.status_code == 400
    assert "clé de contrôle" in refused.content.decode()
    assert LegalEntity.objects.count() == 0
    saved = client.post(url, settings())
    entity = LegalEntity.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("billing:accounting", kwargs={"entity_id": entity.pk})
    assert client.get(url).context["form"].initial["siren"] == SIREN
    # The coordination edits it too, and stays on the page (the books are the team's).
    client.force_login(UserFactory(coordinator=True))
    again = client.post(url, settings(city="Bayeux"))
    assert (again.status_code, again["Location"]) == (302, url)
    assert LegalEntity.objects.get().city == "Bayeux"
    books = reverse("billing:accounting", kwargs={"entity_id": entity.pk})
    assert f'href="{books}"' not in client.get(url).content.decode()


def test_network_settings_page_for_the_coordination(client, team):
    manager, _organisation = team
    url = reverse("billing:entity_settings_network")
    client.force_login(manager)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(coordinator=True))
    assert client.post(url, settings(name="Réseau des tiers-lieux")).status_code == 302
    assert LegalEntity.objects.get(is_network=True).name == "Réseau des tiers-lieux"
    assert client.get(url).status_code == 200

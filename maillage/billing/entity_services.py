"""Writing a seller's identity and invoice settings (a place's organisation, the network).

One validation for the page and any other caller: the identifiers are checked with their keys
(billing.identifiers), the VAT regime is coherent, and the invoice prefix is frozen once the
seller has issued a document, so that its series stays one continuous sequence.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from maillage.audit.services import audit_record
from maillage.billing import identifiers
from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice, LegalEntity, VatRegime
from maillage.billing.permissions import can_sell_for
from maillage.billing.services import series_lock
from maillage.places.models import Organisation
from maillage.places.permissions import is_coordinator, managed_organisation_ids

MAX_PAYMENT_DAYS = 60  # C. com. L441-10: 60 days from the invoice date at most
# Field → (maximum length, required). Everything else in `data` is ignored (mass assignment).
TEXT_FIELDS = {
    "name": (200, True),
    "legal_form": (80, False),
    "rcs": (80, False),
    "share_capital": (40, False),
    "address": (250, True),
    "postcode": (10, True),
    "city": (120, True),
    "email": (254, False),
    "electronic_address": (100, False),
    "late_penalty_rate": (120, True),
}
REQUIRED_MESSAGES = {
    "name": "Indiquez la raison sociale.",
    "address": "Indiquez l'adresse.",
    "postcode": "Indiquez le code postal.",
    "city": "Indiquez la commune.",
    "late_penalty_rate": "Indiquez le taux des pénalités de retard (mention obligatoire).",
}
EDITABLE = (
    *TEXT_FIELDS,
    "siren",
    "siret",
    "vat_regime",
    "vat_number",
    "vat_on_debits",
    "invoice_prefix",
    "payment_terms_days",
    "iban",
    "bic",
)


def _refuse(message: str, field: str) -> None:
    raise BillingError(message, field=field)


def _checked(check, value: str, field: str) -> None:
    try:
        check(value)
    except ValidationError as error:
        _refuse(" ".join(error.messages), field)


def clean_entity_data(data: dict) -> dict:
    """The settings as stored, or a BillingError naming the first field at fault."""
    clean: dict = {}
    for name, (max_length, required) in TEXT_FIELDS.items():
        value = str(data.get(name) or "").strip()
        if len(value) > max_length:
            _refuse(f"{max_length} caractères au plus.", name)
        if required and not value:
            _refuse(REQUIRED_MESSAGES[name], name)
        clean[name] = value
    if clean["email"]:
        _checked(validate_email, clean["email"], "email")
    clean["siren"] = identifiers.clean_digits(str(data.get("siren") or ""))
    if not clean["siren"]:
        _refuse("Le SIREN est obligatoire sur une facture.", "siren")
    _checked(identifiers.validate_siren, clean["siren"], "siren")
    clean["siret"] = identifiers.clean_digits(str(data.get("siret") or ""))
    if clean["siret"]:
        _checked(identifiers.validate_siret, clean["siret"], "siret")
        if not clean["siret"].startswith(clean["siren"]):
            _refuse("Le SIRET commence par les 9 chiffres du SIREN.", "siret")
    regime = data.get("vat_regime") or VatRegime.NORMAL
    if regime not in VatRegime.values:
        _refuse("Choisissez le régime de TVA.", "vat_regime")
    clean["vat_regime"] = regime
    clean["vat_number"] = identifiers.clean_code(str(data.get("vat_number") or ""))
    clean["vat_on_debits"] = bool(data.get("vat_on_debits"))
    if regime == VatRegime.FRANCHISE:
        if clean["vat_on_debits"]:
            _refuse(
                "Une structure en franchise de TVA ne facture pas de TVA : "
                "pas d'option pour la TVA sur les débits.",
                "vat_on_debits",
            )
    elif not clean["vat_number"]:
        _refuse(
            "Une structure assujettie indique son numéro de TVA intracommunautaire "
            f"(pour ce SIREN : {identifiers.vat_number_for(clean['siren'])}).",
            "vat_number",
        )
    if clean["vat_number"]:
        _checked(identifiers.validate_vat_number, clean["vat_number"], "vat_number")
        if clean["vat_number"] != identifiers.vat_number_for(clean["siren"]):
            _refuse(
                "Ce numéro de TVA ne correspond pas au SIREN "
                f"(attendu : {identifiers.vat_number_for(clean['siren'])}).",
                "vat_number",
            )
    clean["invoice_prefix"] = str(data.get("invoice_prefix") or "").strip().upper()
    _checked(identifiers.validate_invoice_prefix, clean["invoice_prefix"], "invoice_prefix")
    try:
        days = int(data.get("payment_terms_days"))
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MAX_PAYMENT_DAYS:
        _refuse(
            f"Le délai de paiement compte de 0 à {MAX_PAYMENT_DAYS} jours (C. com. L441-10).",
            "payment_terms_days",
        )
    clean["payment_terms_days"] = days
    clean["iban"] = identifiers.clean_code(str(data.get("iban") or ""))
    if clean["iban"]:
        _checked(identifiers.validate_iban, clean["iban"], "iban")
    clean["bic"] = identifiers.clean_code(str(data.get("bic") or ""))
    if clean["bic"]:
        _checked(identifiers.validate_bic, clean["bic"], "bic")
    return clean


def can_edit_entity(user, entity: LegalEntity | None, organisation: Organisation | None) -> bool:
    """The coordination for every entity; a place's team for its organisation's entity."""
    if is_coordinator(user):
        return True
    if entity is not None:
        return not entity.is_network and can_sell_for(user, entity)
    return organisation is not None and organisation.pk in managed_organisation_ids(user)


def _target(
    organisation: Organisation | None, network: bool, entity: LegalEntity | None
) -> LegalEntity | None:
    """The existing row these arguments designate (None: a new entity is created)."""
    if entity is not None:
        return entity
    if network:
        return LegalEntity.objects.filter(is_network=True).first()
    if organisation is not None:
        return LegalEntity.objects.filter(organisation=organisation).first()
    return None


def legal_entity_save(
    *,
    actor,
    data: dict,
    organisation: Organisation | None = None,
    network: bool = False,
    entity: LegalEntity | None = None,
) -> LegalEntity:
    """Create or update the legal entity of an organisation, of the network (`network=True`),
    or `entity` itself. Issued invoices keep the identity they were issued with.

    Side effects: a `legal_entity.create` or `legal_entity.update` audit event listing the
    fields changed (names only).
    """
    target = _target(organisation, network, entity)
    if not can_edit_entity(actor, target, organisation):
        raise BillingError("Structure introuvable.", status=404, code="introuvable")
    clean = clean_entity_data(data)
    with transaction.atomic():
        if target is None:
            target = LegalEntity(organisation=organisation, is_network=network)
            changed = sorted(clean)
        else:
            # The counter's lock orders this against an issue in progress: the prefix read
            # there is the one checked here.
            series_lock(target)
            target = LegalEntity.objects.get(pk=target.pk)
            changed = sorted(name for name in clean if getattr(target, name) != clean[name])
            if (
                "invoice_prefix" in changed
                and Invoice.objects.filter(seller=target, status=Invoice.Status.ISSUED).exists()
            ):
                _refuse(
                    "Le préfixe ne change plus : des factures ont déjà été émises avec "
                    f"« {target.invoice_prefix} », la série doit rester continue.",
                    "invoice_prefix",
                )
        created = target.pk is None
        if not (created or changed):
            return target
        for name, value in clean.items():
            setattr(target, name, value)
        target.save()
        audit_record(
            actor=actor,
            action="legal_entity.create" if created else "legal_entity.update",
            obj=target,
            summary=target.name,
            data={"fields": changed},
        )
    return target


def buyer_entity_create(*, actor, data: dict) -> LegalEntity:
    """A client structure typed in by a seller's team (a company renting a room, a commune).

    Only its identity: it sells nothing here. SIREN and SIRET are checked with their keys, a
    VAT number against the SIREN; a public buyer needs its SIRET and service code (Chorus Pro).
    Side effect: a `legal_entity.create` audit event.
    """
    clean = {}
    for name in ("name", "address", "postcode", "city"):
        max_length, _required = TEXT_FIELDS[name]
        value = str(data.get(name) or "").strip()
        if not value:
            _refuse(REQUIRED_MESSAGES[name], name)
        if len(value) > max_length:
            _refuse(f"{max_length} caractères au plus.", name)
        clean[name] = value
    clean["siren"] = identifiers.clean_digits(str(data.get("siren") or ""))
    _checked(identifiers.validate_siren, clean["siren"], "siren")
    clean["siret"] = identifiers.clean_digits(str(data.get("siret") or ""))
    if clean["siret"]:
        _checked(identifiers.validate_siret, clean["siret"], "siret")
        if not clean["siret"].startswith(clean["siren"]):
            _refuse("Le SIRET commence par les 9 chiffres du SIREN.", "siret")
    clean["vat_number"] = identifiers.clean_code(str(data.get("vat_number") or ""))
    if clean["vat_number"]:
        _checked(identifiers.validate_vat_number, clean["vat_number"], "vat_number")
        if clean["vat_number"] != identifiers.vat_number_for(clean["siren"]):
            _refuse("Ce numéro de TVA ne correspond pas au SIREN.", "vat_number")
    clean["is_public_body"] = bool(data.get("is_public_body"))
    clean["service_code"] = str(data.get("service_code") or "").strip()[:100]
    if clean["is_public_body"] and not (clean["siret"] and clean["service_code"]):
        _refuse(
            "Un acheteur public est facturé sur Chorus Pro : indiquez son SIRET et son code "
            "service.",
            "service_code",
        )
    with transaction.atomic():
        entity = LegalEntity.objects.create(**clean)
        audit_record(
            actor=actor,
            action="legal_entity.create",
            obj=entity,
            summary=entity.name,
            data={"fields": sorted(clean), "buyer": True},
        )
    return entity

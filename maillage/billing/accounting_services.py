"""The sellers' page writes: a manual invoice (buyer found or typed in, then a draft) and a
credit note that a double click cannot issue twice. Both call the billing core services."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from maillage.billing.entity_services import buyer_entity_create
from maillage.billing.errors import BillingError
from maillage.billing.identifiers import clean_digits
from maillage.billing.models import Invoice, LegalEntity
from maillage.billing.services import (
    Buyer,
    LineInput,
    credit_note_issue,
    invoice_draft,
    series_lock,
)

NEW_BUYER_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "vat_number",
    "siret",
    "is_public_body",
    "service_code",
)


def buyer_resolve(*, actor, email: str = "", siren: str = "", new: dict | None = None) -> Buyer:
    """A person with an account (by e-mail), a known structure (by SIREN), or a new one.

    Side effect: a new client structure when the SIREN is unknown (buyer_entity_create).
    """
    if email:
        user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise BillingError(
                "Aucun compte actif n'a cette adresse : facturez plutôt une structure par son "
                "SIREN.",
                field="buyer_email",
            )
        return Buyer(user=user)
    digits = clean_digits(siren)
    # An employer account's identity is declared by whoever opened it: a typed SIREN never bills
    # it, or opening an account under a company's SIREN would let one read the invoices others
    # address to that company. The platform bills employer accounts itself (employers,
    # settlement); a place billing a company gets a client record of its own.
    known = (
        LegalEntity.objects.filter(siren=digits, employer__isnull=True)
        .exclude(siren="")
        .order_by("pk")
        .first()
    )
    if known is not None:
        return Buyer(entity=known)
    new = new or {}
    if not new.get("name"):
        raise BillingError(
            "Ce SIREN n'est pas encore connu : indiquez la raison sociale et l'adresse de la "
            "structure.",
            field="buyer_name",
        )
    try:
        entity = buyer_entity_create(actor=actor, data={**new, "siren": digits})
    except BillingError as error:
        error.field = f"buyer_{error.field}" if error.field else ""
        raise
    return Buyer(entity=entity)


FORM_TOKEN_SECONDS = 24 * 3600


def manual_invoice_draft(
    *, seller: LegalEntity, actor, header: dict, lines: list[LineInput], form_token: str = ""
) -> Invoice:
    """A draft typed on the accounting page: nothing is saved when any part is refused.

    `header` holds the InvoiceHeaderForm's cleaned data. `form_token`, drawn when the form was
    shown, makes a second sending of the same form (a double click) a refusal rather than a
    second draft; it is released when the draft is refused, so the corrected form goes through.
    `cache.add` is atomic; a shared cache makes the guard hold across processes.
    Side effects: perhaps a new client structure (and its audit event).
    """
    key = f"billing:manual-draft:{seller.pk}:{form_token}"
    if form_token and not cache.add(key, True, FORM_TOKEN_SECONDS):
        raise BillingError(
            "Ce formulaire a déjà été envoyé : le brouillon est dans la liste.",
            status=409,
            code="deja_envoye",
        )
    try:
        return _manual_draft(seller=seller, actor=actor, header=header, lines=lines)
    except Exception:
        if form_token:
            cache.delete(key)
        raise


def _manual_draft(*, seller: LegalEntity, actor, header: dict, lines: list[LineInput]) -> Invoice:
    with transaction.atomic():
        buyer = buyer_resolve(
            actor=actor,
            email=header.get("buyer_email") or "",
            siren=header.get("buyer_siren") or "",
            new={name: header.get(f"buyer_{name}") for name in NEW_BUYER_FIELDS},
        )
        buyer.order_ref = header.get("order_ref") or ""
        return invoice_draft(
            seller=seller,
            buyer=buyer,
            lines=lines,
            service_start=header.get("service_start"),
            service_end=header.get("service_end"),
            created_by=actor,
        )


def credit_note_once(
    *,
    original: Invoice,
    reason: str,
    lines: list[LineInput] | None,
    notes_seen: int,
    actor,
    now=None,
) -> Invoice:
    """`credit_note_issue`, refused when another credit note of `original` was issued since the
    form was shown (`notes_seen` of them then): the second click of a double click."""
    with transaction.atomic():
        series_lock(original.seller)
        issued = original.credit_notes.filter(status=Invoice.Status.ISSUED).count()
        if issued != notes_seen:
            raise BillingError(
                "Un avoir vient d'être émis sur cette facture : vérifiez la liste avant d'en "
                "émettre un autre.",
                status=409,
                code="avoir_deja_emis",
            )
        return credit_note_issue(
            original=original, reason=reason, lines=lines, actor=actor, now=now
        )

"""The identities printed on an invoice, frozen when it is drafted (`Invoice.seller_data`,
`Invoice.buyer_data`). The keys are the same for both sides; the PDF, Factur-X, FEC and Chorus
Pro writers read them from here only."""

from maillage.billing.models import LegalEntity

KEYS = (
    "name",
    "legal_form",
    "siren",
    "siret",
    "rcs",
    "share_capital",
    "address",
    "postcode",
    "city",
    "country",
    "email",
    "electronic_address",
    "vat_regime",
    "vat_number",
    "vat_on_debits",
    "is_public_body",
    "service_code",
    "iban",
    "bic",
    "payment_terms_days",
    "late_penalty_rate",
)


def entity_snapshot(entity: LegalEntity) -> dict:
    data = {key: getattr(entity, key) for key in KEYS}
    data["is_business"] = True
    data["entity_id"] = entity.pk
    return data


def person_snapshot(user, *, address: str = "", postcode: str = "", city: str = "") -> dict:
    """A private buyer: the name and e-mail only, plus an address if they gave one."""
    data = dict.fromkeys(KEYS, "")
    data.update(
        name=(user.get_full_name() or user.display_name or user.email),
        email=user.email,
        address=address,
        postcode=postcode,
        city=city,
        country="FR",
        vat_on_debits=False,
        is_public_body=False,
        payment_terms_days=0,
        is_business=False,
        user_id=user.pk,
    )
    return data

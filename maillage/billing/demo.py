"""The demonstration network's coordinating body, so that `./dev run` can sell network passes,
invoice employers and settle with places. Created only when the platform has no network entity
yet; its identity says it is a demonstration."""

from django.db import transaction

from maillage.billing.identifiers import luhn_ok, vat_number_for
from maillage.billing.models import LegalEntity

DEMO_NAME = "Coordination du réseau (démonstration)"


def _demo_siren() -> str:
    return next(f"90000000{d}" for d in range(10) if luhn_ok(f"90000000{d}"))


@transaction.atomic
def demo_network_create() -> LegalEntity | None:
    """The demo network entity, or None when a network entity already exists (never replaced)."""
    if LegalEntity.objects.filter(is_network=True).exists():
        return None
    siren = _demo_siren()
    siret = next(siren + f"0001{d}" for d in range(10) if luhn_ok(siren + f"0001{d}"))
    return LegalEntity.objects.create(
        name=DEMO_NAME,
        legal_form="GIP",
        siren=siren,
        siret=siret,
        address="1 esplanade de la Paix",
        postcode="14000",
        city="Caen",
        email="coordination@example.org",
        vat_number=vat_number_for(siren),
        invoice_prefix="RES-",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        is_network=True,
    )

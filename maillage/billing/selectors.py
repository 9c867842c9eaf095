"""Reading invoices for a user: one chokepoint, 404 for what they may not see."""

from django.http import Http404

from maillage.billing.models import Invoice
from maillage.billing.permissions import can_see_invoice


def invoice_for(user, public_id) -> Invoice:
    invoice = (
        Invoice.objects.select_related("seller", "buyer_entity", "corrects")
        .prefetch_related("lines")
        .filter(public_id=public_id)
        .first()
    )
    if invoice is None or not can_see_invoice(user, invoice):
        raise Http404("Facture introuvable.")
    return invoice

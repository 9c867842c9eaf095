"""Reading invoices as their buyer: the person's own documents, newest first."""

from django.db.models import Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from maillage.billing.models import Invoice


def invoices_of_buyer(user) -> QuerySet[Invoice]:
    """Issued invoices and credit notes made out to `user` (drafts are the seller's business),
    each with `credited_cents`, the TTC of the credit notes issued against it."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    return (
        Invoice.objects.filter(buyer_user=user, status=Invoice.Status.ISSUED)
        .select_related("corrects")
        .annotate(
            credited_cents=Coalesce(
                Sum(
                    "credit_notes__total_ttc_cents",
                    filter=Q(credit_notes__status=Invoice.Status.ISSUED),
                ),
                Value(0),
            )
        )
        .order_by("-issued_at", "-id")
    )

"""Who may see an invoice: its buyer (the person, or an administrator of the buying employer),
the seller's team (the managers of its organisation; the coordination for the network's own
invoices), and the coordination for all. One rule for every view; others get a 404."""

from maillage.billing.models import Invoice, LegalEntity
from maillage.places.permissions import is_coordinator, managed_organisation_ids


def can_sell_for(user, entity: LegalEntity) -> bool:
    """Issue, correct and close periods for this seller."""
    if not user.is_authenticated or not user.is_active:
        return False
    if entity.is_network:
        return is_coordinator(user)
    return (
        entity.organisation_id is not None
        and entity.organisation_id in managed_organisation_ids(user)
    )


def is_buyer_admin(user, entity: LegalEntity | None) -> bool:
    """An administrator of the employer account that buys as this entity (employers app)."""
    if entity is None or not user.is_authenticated:
        return False
    return LegalEntity.objects.filter(pk=entity.pk, employer__admins=user).exists()


def can_see_invoice(user, invoice: Invoice) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if invoice.buyer_user_id == user.pk and invoice.is_issued:
        return True
    if is_coordinator(user) or can_sell_for(user, invoice.seller):
        return True
    return invoice.is_issued and is_buyer_admin(user, invoice.buyer_entity)

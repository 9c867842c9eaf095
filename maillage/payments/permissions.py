"""Who pays an invoice online: its buyer, or an administrator of the buying employer."""

from maillage.billing.models import Invoice
from maillage.billing.permissions import is_buyer_admin


def can_pay(user, invoice: Invoice) -> bool:
    if not user.is_authenticated or not user.is_active or not invoice.is_issued:
        return False
    if invoice.buyer_user_id is not None and invoice.buyer_user_id == user.pk:
        return True
    return is_buyer_admin(user, invoice.buyer_entity)

"""Read-only admin lists: sales, agreements and statements change only through the services
(pages of the coordination and of the places), which check the rules and write the audit."""

from django.contrib import admin

from maillage.core.admin import ReadOnlyAdmin
from maillage.settlement.models import (
    NetworkPassSale,
    SettlementAgreement,
    SettlementLine,
    SettlementStatement,
)


@admin.register(NetworkPassSale)
class NetworkPassSaleAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ["created_at", "product", "quantity", "buyer_user", "buyer_entity", "invoice"]
    search_fields = ["buyer_user__email", "buyer_entity__name", "invoice__reference"]


@admin.register(SettlementAgreement)
class SettlementAgreementAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ["place", "rate_day_cents", "rate_half_day_cents", "self_billing", "valid_from"]


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SettlementStatement)
class SettlementStatementAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ["place", "month", "status", "total_cents", "invoice"]
    list_filter = ["status", "month"]
    inlines = [SettlementLineInline]

"""Admin lists of billing, all read-only.

An issued invoice never changes (database triggers), a closed period neither, and a seller's
settings go through `legal_entity_save` (keys checked, prefix frozen after the first invoice,
audited): the admin shows them and links to the page where the team edits them.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from maillage.billing.models import AccountingPeriod, Invoice, InvoiceLine, LegalEntity
from maillage.core.admin import ReadOnlyAdmin


@admin.register(LegalEntity)
class LegalEntityAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ["name", "siren", "vat_regime", "invoice_prefix", "is_network", "settings_link"]
    list_filter = ["is_network", "vat_regime", "is_public_body"]
    search_fields = ["name", "siren", "siret"]

    @admin.display(description="Modifier")
    def settings_link(self, entity: LegalEntity) -> str:
        if entity.is_network:
            url = reverse("billing:entity_settings_network")
        elif entity.organisation_id:
            url = reverse(
                "billing:entity_settings", kwargs={"organisation_id": entity.organisation_id}
            )
        else:
            return "—"
        return format_html('<a href="{}">Page de la structure</a>', url)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["position", "label", "quantity", "unit", "unit_price_ht_cents", "vat_rate_bp"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ["reference", "seller", "kind", "status", "issue_date", "total_ttc_cents"]
    list_filter = ["kind", "status"]
    search_fields = ["reference", "seller__name", "buyer_user__email", "buyer_entity__name"]
    list_select_related = ["seller"]
    inlines = [InvoiceLineInline]


@admin.register(AccountingPeriod)
class AccountingPeriodAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ["seller", "starts_on", "ends_on", "documents", "total_ttc_cents"]
    list_select_related = ["seller"]

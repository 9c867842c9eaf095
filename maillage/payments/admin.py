"""Read-only admin: payments are written by the services only (append-only in the database)."""

from django.contrib import admin

from maillage.core.admin import ReadOnlyAdmin
from maillage.payments.models import CheckoutSession, Payment, WebhookEvent


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("invoice", "kind", "method", "amount_cents", "received_on", "provider_ref")
    list_filter = ("kind", "method")
    search_fields = ("invoice__reference", "provider_ref")


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("invoice", "provider", "provider_id", "amount_cents", "status", "created_at")
    list_filter = ("status", "provider")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("provider", "event_id", "type", "outcome", "received_at")
    list_filter = ("provider", "type")

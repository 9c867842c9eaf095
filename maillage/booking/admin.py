from django.contrib import admin

from maillage.booking.models import (
    Booking,
    Closure,
    Pass,
    PassLedger,
    PassProduct,
    PlaceBookingSettings,
    Plan,
    Resource,
    Subscription,
    WaitlistEntry,
)


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "kind", "capacity", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "place__name"]
    autocomplete_fields = ["place"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings change through the services (rules, locks, ledger), never by hand."""

    list_display = ["resource", "user", "starts_at", "ends_at", "status", "payment"]
    list_filter = ["status", "payment"]
    search_fields = ["user__email", "resource__name", "place__name"]
    # The commute snapshot is read only in aggregate (observatory.measured): nobody needs to see
    # one person's communes, so the admin does not show them either.
    exclude = ["home_commune", "work_commune"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PassLedger)
class PassLedgerAdmin(BookingAdmin):
    list_display = ["pass_ref", "delta", "reason", "place", "created_at"]
    list_filter = ["reason"]
    search_fields = ["pass_ref__owner__email"]


for model in (Closure, Plan, PassProduct, PlaceBookingSettings, Subscription, Pass, WaitlistEntry):
    admin.site.register(model)

"""Admin lists of the booking app.

Bookings, carnets (`Pass`, whose balance moves only with a `PassLedger` row), subscriptions,
waiting lists, resources and closures are read-only here: their writes go through the services
(rules, locks, ledger). The team edits its offer from the place's « Offre » page.
"""

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
from maillage.core.admin import ReadOnlyAdmin


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    """A resource's kind cannot change under its bookings: edits go through `resource_update`."""

    can_delete = False
    list_display = ["name", "place", "kind", "capacity", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "place__name"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ["resource", "user", "starts_at", "ends_at", "status", "payment"]
    list_filter = ["status", "payment"]
    search_fields = ["user__email", "resource__name", "place__name"]
    # The commute snapshot is read only in aggregate (observatory.measured): nobody needs to see
    # one person's communes, so the admin does not show them either.
    exclude = ["home_commune", "work_commune"]


@admin.register(PassLedger)
class PassLedgerAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ["pass_ref", "delta", "reason", "place", "created_at"]
    list_filter = ["reason"]
    search_fields = ["pass_ref__owner__email"]


@admin.register(Pass)
class PassAdmin(ReadOnlyAdmin):
    """The balance moves only with a ledger row (`pass_sell`, bookings, cancellations)."""

    can_delete = False
    list_display = ["product", "owner", "units_left", "units_total"]
    search_fields = ["owner__email", "product__name"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    can_delete = False


@admin.register(Closure)
class ClosureAdmin(ReadOnlyAdmin):
    """A new closure must not leave bookings under it: created from the « Offre » page only.
    Deleting one only reopens slots, so it stays allowed."""

    list_display = ["place", "resource", "starts_at", "ends_at", "reason"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    pass


@admin.register(PassProduct)
class PassProductAdmin(ReadOnlyAdmin):
    """Carnets on sale are created from the place's « Offre » page, network ones from the
    coordination's « Pass réseau » page: both through `offer_services.pass_product_create`."""

    can_delete = False
    list_display = ["name", "place", "unit", "units", "price_cents", "is_active"]
    list_filter = ["unit", "is_active"]
    search_fields = ["name", "place__name"]


# Plans and settings carry no ledger (a carnet sold keeps its own units and validity).
for model in (Plan, PlaceBookingSettings):
    admin.site.register(model)

from maillage.booking.models.bookings import (
    Booking,
    CalendarFeed,
    IdempotencyKey,
    Payment,
    WaitlistEntry,
)
from maillage.booking.models.entitlements import (
    Pass,
    PassLedger,
    PassProduct,
    Plan,
    Subscription,
    Unit,
)
from maillage.booking.models.resources import Closure, PlaceBookingSettings, Resource

__all__ = [
    "Booking",
    "CalendarFeed",
    "Closure",
    "IdempotencyKey",
    "Pass",
    "PassLedger",
    "PassProduct",
    "Payment",
    "PlaceBookingSettings",
    "Plan",
    "Resource",
    "Subscription",
    "Unit",
    "WaitlistEntry",
]

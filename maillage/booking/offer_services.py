"""Writes on a place's offer: booking settings, resources, closures, plans and carnets on sale.

Kept apart from `services.py` (bookings, passes) because it is another family of use cases
(conventions: split services by use case). Views and forms never save offer rows themselves:
forms only validate, these functions write and keep the rules that span several rows.
"""

from django.db import transaction

from maillage.booking.models import PlaceBookingSettings
from maillage.places.models import Place


def booking_settings_ensure(*, place: Place) -> PlaceBookingSettings:
    """The place's booking settings, created with defaults (and a fresh check-in token) if missing.

    Side effect: one `PlaceBookingSettings` row on first call. Called from POST handlers only, so
    that reading a page never writes.
    """
    with transaction.atomic():
        booking_settings, _created = PlaceBookingSettings.objects.get_or_create(place=place)
    return booking_settings

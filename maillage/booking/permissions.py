"""Who may see and act on bookings. One rule for every view and endpoint: what you may not
see does not exist (404), so ids of other people's bookings reveal nothing."""

from maillage.booking.models import Booking
from maillage.places.models import Place
from maillage.places.permissions import can_edit_place, is_coordinator


def can_manage_bookings(user, place: Place) -> bool:
    """Managers of the operating organisation, and the network coordinators."""
    return can_edit_place(user, place)


def can_see_booking(user, booking: Booking) -> bool:
    if not user.is_authenticated:
        return False
    return booking.user_id == user.pk or can_manage_bookings(user, booking.place)


def can_sell_network_pass(user) -> bool:
    return is_coordinator(user)

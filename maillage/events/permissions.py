"""Who may organise which event: a place's team for its place, the coordination for the network.

Every view asks `can_manage_event`; the selectors answer 404 for anything else (one rule)."""

from maillage.events.models import Audience, Event
from maillage.places.models import Place
from maillage.places.permissions import can_edit_place, is_coordinator, managed_organisation_ids


def can_organise(user, place: Place | None) -> bool:
    """A place's event: its team (or a coordinator); a network event: the coordination only."""
    if place is None:
        return is_coordinator(user)
    return can_edit_place(user, place)


def can_manage_event(user, event: Event) -> bool:
    return can_organise(user, event.place)


def audience_admits(user, event: Event) -> bool:
    """« Gestionnaires de lieux »: members of an operating organisation, or the coordination;
    « tous publics » and « membres »: anyone signed in (registering needs an account)."""
    if event.audience != Audience.MANAGERS:
        return True
    return bool(managed_organisation_ids(user)) or is_coordinator(user)

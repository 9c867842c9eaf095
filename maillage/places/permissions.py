"""Who may do what with places. Every view and API endpoint asks these, never its own test."""

from django.contrib.auth.models import AnonymousUser

from maillage.places.catalogue_seed import COORDINATORS as COORDINATORS_GROUP
from maillage.places.models import Place


def is_coordinator(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists()


def managed_organisation_ids(user) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(user.organisations.values_list("id", flat=True))


def can_edit_place(user, place: Place) -> bool:
    """Edit and publish at once: coordinators, and members of the operating organisation."""
    if is_coordinator(user):
        return True
    return place.operator_id is not None and place.operator_id in managed_organisation_ids(user)


def can_propose(user) -> bool:
    """Any signed-in, confirmed user may propose a new place or a correction."""
    return user.is_authenticated and user.is_active and not isinstance(user, AnonymousUser)


def can_moderate(user) -> bool:
    return is_coordinator(user)

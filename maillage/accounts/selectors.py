"""Reads of the accounts app that pages need beyond `request.user`."""

from django.contrib.auth import get_user_model
from django.db.models import Q


def user_with_communes(*, user):
    """The signed-in user again, with both communes of the « profil de déplacement » and their
    département in one query (the middleware's copy only has their ids); the heavy outline
    columns of the communes are left out."""
    return (
        get_user_model()
        .objects.select_related("home_commune__departement", "work_commune__departement")
        .defer(
            "home_commune__outline",
            "home_commune__boundary",
            "work_commune__outline",
            "work_commune__boundary",
            "home_commune__departement__outline",
            "work_commune__departement__outline",
        )
        .get(pk=user.pk)
    )


def commute_history_exists(*, user) -> bool:
    """Whether some of the user's bookings still keep communes, so that the page offers to
    erase them even after the profile itself was cleared."""
    return user.bookings.filter(
        Q(home_commune__isnull=False) | Q(work_commune__isnull=False)
    ).exists()

from functools import cached_property

from django.conf import settings
from django.http import HttpRequest


def site(request) -> dict:
    return {"site_name": "maillage", "debug": settings.DEBUG}


class Coordination:
    """What the header shows a coordinator: asked lazily, so a page for anyone else costs no
    query, and a coordinator's page costs two (role, pending proposals) however often read."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def enabled(self) -> bool:
        from maillage.places.permissions import is_coordinator

        return self.user is not None and is_coordinator(self.user)

    @cached_property
    def pending_proposals(self) -> int:
        """Proposals waiting in the moderation queue; 0 for anyone who may not moderate.

        The queue's own selector (`proposals_pending`) would ask the role a second time."""
        from maillage.places.models import PlaceProposal

        if not self.enabled:
            return 0
        return PlaceProposal.objects.filter(status=PlaceProposal.Status.PENDING).count()


def coordination(request: HttpRequest) -> dict:
    """The coordination menu's data, kept on the request so every template rendered while
    answering it (page, partials) shares one answer."""
    if not hasattr(request, "_coordination"):
        request._coordination = Coordination(getattr(request, "user", None))
    return {"coordination": request._coordination}

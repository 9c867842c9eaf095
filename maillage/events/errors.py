"""One error type for every refused event operation, with the French message people read."""

from maillage.core.refusals import Refusal


class EventError(Refusal):
    """A rule says no. `status` is the HTTP answer, `field` the form input at fault if any."""


def not_found(message: str = "Événement introuvable.") -> EventError:
    return EventError(message, status=404, code="introuvable")

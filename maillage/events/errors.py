"""One error type for every refused event operation, with the French message people read."""


class EventError(Exception):
    """A rule says no. `status` is the HTTP answer, `field` the form input at fault if any."""

    def __init__(self, message: str, *, status: int = 400, code: str = "invalide", field: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field


def not_found(message: str = "Événement introuvable.") -> EventError:
    return EventError(message, status=404, code="introuvable")

"""One error type for every refused consultation operation, with the French message users read."""


class ConsultationError(Exception):
    """A rule says no. `status` is the HTTP answer, `field` the input at fault if there is one."""

    def __init__(self, message: str, *, status: int = 400, field: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def not_found(message: str = "Consultation introuvable.") -> ConsultationError:
    return ConsultationError(message, status=404)

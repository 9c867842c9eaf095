"""One error type for every refused consultation operation, with the French message users read."""

from maillage.core.refusals import Refusal


class ConsultationError(Refusal):
    """A rule says no. `status` is the HTTP answer, `field` the input at fault if there is one."""


def not_found(message: str = "Consultation introuvable.") -> ConsultationError:
    return ConsultationError(message, status=404)

"""One error type for every refused booking operation, with the French message users read."""

from maillage.core.refusals import Refusal


class BookingError(Refusal):
    """A rule says no. `status` is the HTTP answer, `field` the input at fault if there is one."""


def full(message: str = "Complet : plus aucune place libre sur ce créneau.") -> BookingError:
    return BookingError(message, status=409, code="complet")


def not_found(message: str = "Réservation introuvable.") -> BookingError:
    return BookingError(message, status=404, code="introuvable")


def forbidden(message: str = "Vous n'avez pas le droit de faire cela.") -> BookingError:
    return BookingError(message, status=403, code="interdit")

"""The shape every domain's refusal shares: a French message people read, the HTTP status it
becomes, a short machine code and the form field at fault. Each app subclasses it (BookingError,
BillingError, EventError…) so that callers still catch their own domain's refusals only."""


class Refusal(Exception):
    """A rule says no. `status` is the HTTP answer, `field` the input at fault if there is one."""

    def __init__(self, message: str, *, status: int = 400, code: str = "invalide", field: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field

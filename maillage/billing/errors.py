"""One error type for every refused billing operation, with the French message users read."""


class BillingError(Exception):
    """A rule says no. `status` is the HTTP answer, `field` the input at fault if there is one."""

    def __init__(self, message: str, *, status: int = 400, code: str = "invalide", field: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field

"""One error type for every refused billing operation, with the French message users read."""

from maillage.core.refusals import Refusal


class BillingError(Refusal):
    """A rule says no. `status` is the HTTP answer, `field` the input at fault if there is one."""

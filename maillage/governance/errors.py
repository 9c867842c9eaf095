from maillage.core.refusals import Refusal


class GovernanceError(Refusal):
    """A refusal of the governance sheet or questionnaire (French message, HTTP status)."""

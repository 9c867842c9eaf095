"""The label's refusals: a French message, the HTTP status it becomes, the field at fault."""

from maillage.core.refusals import Refusal


class LabelError(Refusal):
    """A label rule says no (wrong state, missing answer, someone else was quicker…)."""

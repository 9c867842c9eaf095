"""Errors of the observatory, each naming the field at fault and carrying a French message.

One base class so a form or an API endpoint can catch every bad value of the model in one place
and show `message` next to `field`.
"""


class ObservatoryError(ValueError):
    """A value the observatory refuses; `message` is for the person who typed it."""

    def __init__(self, field: str, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        # For a field holding several values (one per PCS group…): which one is at fault.
        self.index = index


class ScenarioError(ObservatoryError):
    """A scenario parameter outside its domain (share above 100 %, horizon in the past…)."""


class InputError(ObservatoryError):
    """Commune inputs the model cannot use (negative counts, misshapen arrays…)."""


class ImportFileError(ObservatoryError):
    """An INSEE file the importer refuses (missing column, bad code, negative count…); `field`
    names the column at fault (or `file` for the file as a whole). Nothing was stored."""


class CatchmentError(ObservatoryError):
    """A catchment that cannot be drawn (zero, missing or absurd radius…) or arrays of need and
    offer that do not fit together; `field` is the `Catchment` field or the array at fault."""


class SitingError(ObservatoryError):
    """A siting question the solver cannot answer as asked (k above the number of candidates,
    a share no set of sites can reach…); `field` is the French form field (`k`, `part`…)."""


def french_number(value: float) -> str:
    """`0.125` → `0,125`: numbers in messages read the French way."""
    return f"{value:.6g}".replace(".", ",")


def french_percent(share: float) -> str:
    """`1.2` → `120 %`: shares are stored as fractions but people think in percent."""
    return f"{french_number(share * 100)} %"

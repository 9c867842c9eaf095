"""A study computed for a person: one computation at a time per account.

A région study holds a worker for seconds; the page, its downloads and the API share one guard
per account so that a double click or a script cannot pile computations up.
"""

from django.contrib.auth.models import AbstractBaseUser

from maillage.core.single_flight import single_flight
from maillage.observatory.study.compute import StudyResult, study_compute
from maillage.observatory.study.document import Study

# Bound of the guard if a process dies mid-computation.
COMPUTE_HOLD_SECONDS = 300
BUSY_MESSAGE = (
    "Un calcul d'étude est déjà en cours pour votre compte ; réessayer quand il sera terminé."
)


class StudyBusy(Exception):
    """Another computation of this account is under way."""


def study_compute_for(user: AbstractBaseUser, study: Study) -> StudyResult:
    """`study_compute`, or `StudyBusy` while another computation of `user` runs
    (`StudyInvalid` for what the database refuses)."""
    with single_flight(f"observatory-study:{user.pk}", seconds=COMPUTE_HOLD_SECONDS) as free:
        if not free:
            raise StudyBusy
        return study_compute(study)

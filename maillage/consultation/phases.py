"""Where a consultation stands at a given instant: the stored status says whether it was
published or closed by hand; the dates say the rest (a published consultation past its closing
date is closed, without waiting for anyone to press a button)."""

from datetime import datetime
from enum import StrEnum

from maillage.consultation.models import Consultation


class Phase(StrEnum):
    DRAFT = "brouillon"
    UPCOMING = "a_venir"
    OPEN = "ouverte"
    CLOSED = "close"


HIDDEN_MESSAGE = "Les résultats de cette consultation seront publiés à la clôture du vote."

PHASE_LABELS = {
    Phase.DRAFT: "Brouillon",
    Phase.UPCOMING: "À venir",
    Phase.OPEN: "Vote ouvert",
    Phase.CLOSED: "Close",
}


def phase(consultation: Consultation, now: datetime) -> Phase:
    if consultation.status == Consultation.Status.DRAFT:
        return Phase.DRAFT
    if consultation.status == Consultation.Status.CLOSED or now >= consultation.closes_at:
        return Phase.CLOSED
    if now < consultation.opens_at:
        return Phase.UPCOMING
    return Phase.OPEN


def results_visible(consultation: Consultation, now: datetime) -> bool:
    """Always after closing; during the vote only if the consultation said so; never before."""
    current = phase(consultation, now)
    if current == Phase.CLOSED:
        return True
    return current == Phase.OPEN and consultation.results == Consultation.Results.VISIBLE

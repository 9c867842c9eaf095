"""Stated demand rows for the aggregate, survey and observatory tests (no personal data)."""

from datetime import UTC, datetime

from maillage.demand.models import DemandStatement
from maillage.territory.models import Commune

CONFIRMED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def confirmed(code: str, **fields) -> DemandStatement:
    """A confirmed form statement from commune `code` (willing, unless told otherwise)."""
    values = {
        "source": DemandStatement.Source.FORM,
        "status": DemandStatement.Status.CONFIRMED,
        "confirmed_at": CONFIRMED_AT,
        "email": "",
        "willingness": "oui",
    }
    values.update(fields)
    return DemandStatement.objects.create(commune=Commune.objects.get(code=code), **values)

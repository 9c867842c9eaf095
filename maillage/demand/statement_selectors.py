"""Reads for the person who stated a demand (the observatory's aggregates are in selectors.py)."""

from maillage.demand.models import DemandStatement, Need


def statement_of_user(user) -> DemandStatement | None:
    """The account's active statement, for « Ma demande » (one at most: services replace)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        DemandStatement.objects.select_related("commune", "work_commune")
        .prefetch_related("services")
        .filter(
            user_id=user.pk,
            source=DemandStatement.Source.FORM,
            status=DemandStatement.Status.CONFIRMED,
        )
        .first()
    )


def need_labels(statement: DemandStatement) -> list[str]:
    """The statement's needs in French, in the catalogue's order."""
    chosen = set(statement.needs or [])
    return [str(need.label) for need in Need if need.value in chosen]

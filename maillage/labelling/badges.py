"""Reads for the label badge shown across the platform (map, directory, place page, widget,
exports, network figures).

A place is labelled on a day when it holds an award in force that day
(`Award.objects.active_on`): nothing is stored, so expiry, suspension and revocation show at once,
and the map's cache key carries the set of labelled places of the day (`labels_version`).
Days are Paris calendar days, like the awards' dates.
"""

import hashlib
from datetime import date, datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from maillage.booking.timeslots import local_day
from maillage.labelling.models import ApplicationStep, Award, LabelScheme

DEFAULT_SHORT_NAME = "Label régional"


def paris_day(now: datetime | None = None) -> date:
    """The Paris calendar day of `now` (the awards' dates are Paris days)."""
    return local_day(now or timezone.now())


def scheme_short_name() -> str:
    """The badge's text: the short name of the label the pages run (the oldest scheme)."""
    name = (
        LabelScheme.objects.order_by("created_at", "id")
        .values_list("short_name", flat=True)
        .first()
    )
    return name or DEFAULT_SHORT_NAME


def _in_force(day: date) -> QuerySet[Award]:
    return Award.objects.active_on(day)


def labelled_place_ids(day: date) -> set[int]:
    """Ids of the places holding an award in force on `day`."""
    return set(_in_force(day).values_list("place_id", flat=True))


def labelled_places_subquery(day: date) -> QuerySet:
    """The same ids as a subquery, for `filter(pk__in=...)` without fetching them."""
    return _in_force(day).values("place_id")


def place_awards_in_force(place_ids, day: date) -> dict[int, Award]:
    """Per place id, its award in force on `day` (the one lasting longest when renewals
    overlap), with its scheme; places without one are absent."""
    awards = (
        _in_force(day)
        .filter(place_id__in=list(place_ids))
        .select_related("scheme")
        .order_by("place_id", "expires_on", "id")
    )
    return {award.place_id: award for award in awards}  # the last one of each place wins


def with_label(queryset: QuerySet, day: date, *, place_ref: str = "pk") -> QuerySet:
    """Annotate rows (places, or rows pointing to a place through `place_ref`) with the award in
    force on `day`: `label_name` (the scheme's short name, None when not labelled),
    `label_scheme` (its full name), `label_starts_on` and `label_expires_on` (first day without
    the label). Correlated subqueries of the same SELECT: no query added, whatever the rows."""
    award = _in_force(day).filter(place_id=OuterRef(place_ref)).order_by("-expires_on", "-id")
    return queryset.annotate(
        label_name=Subquery(award.values("scheme__short_name")[:1]),
        label_scheme=Subquery(award.values("scheme__name")[:1]),
        label_starts_on=Subquery(award.values("starts_on")[:1]),
        label_expires_on=Subquery(award.values("expires_on")[:1]),
    )


def labels_version(day: date) -> str:
    """Part of the map's cache key: the day and a digest of who is labelled that day with which
    dates, so a grant, a suspension, a revocation or an expiry (the day changes) shows at once.
    One query returning the awards in force (a few hundred rows at most)."""
    rows = sorted(
        _in_force(day).values_list(
            "id", "place_id", "scheme__short_name", "starts_on", "expires_on"
        )
    )
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    return f"{day.isoformat()}:{digest}"


def place_label_steps(place) -> list[ApplicationStep]:
    """The place's label history (oldest first), with each step's actor, for its history page
    (shown to the place's team and the coordination only, so actors are named)."""
    return list(
        ApplicationStep.objects.filter(place=place).select_related("actor").order_by("at", "id")
    )

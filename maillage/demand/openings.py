"""Telling people who stated a demand that a place opened near them (issue 14, point 8).

A place is a recent opening when it is open, not a demo, and either its opening date falls in
the last RECENT_DAYS days (Paris calendar; a future date is not an opening yet), or it has no
opening date and was added to the directory in the last RECENT_DAYS days. A place with an older
opening date that was just added (an import of existing places) is not news.

« Near »: the statement's commune centre (territory centroid) within RADIUS_KM of the place, as
the crow flies. Each (statement, place) pair is told once: the OpeningNotice row and the e-mail
are written in one transaction, under the statement's lock, and the unique constraint settles
two workers running at once (the loser's insert fails and its e-mail is rolled back with it).
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.core.geo import bounding_box, haversine_km
from maillage.core.links import absolute_url
from maillage.demand import notifications
from maillage.demand.models import DemandStatement, OpeningNotice
from maillage.demand.services import manage_url, pending_purge
from maillage.places.models import Place
from maillage.places.opening_hours import PARIS

RECENT_DAYS = 30
RADIUS_KM = 15.0


def recent_openings(*, now: datetime) -> list[Place]:
    """Open, non-demo places opened (or, without a date, added) in the last RECENT_DAYS."""
    today = now.astimezone(PARIS).date()
    return list(
        Place.objects.filter(status=Place.Status.OPEN, is_demo=False)
        .filter(
            Q(opening_date__gte=today - timedelta(days=RECENT_DAYS), opening_date__lte=today)
            | Q(opening_date__isnull=True, created_at__gte=now - timedelta(days=RECENT_DAYS))
        )
        .select_related("commune")
        .order_by("pk")
    )


def statements_near(place: Place) -> list[tuple[int, float]]:
    """(statement id, km) of the confirmed statements asking to be told whose commune centre is
    within RADIUS_KM of the place and that were not told about it yet."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, RADIUS_KM)
    rows = (
        DemandStatement.objects.filter(
            status=DemandStatement.Status.CONFIRMED,
            source=DemandStatement.Source.FORM,
            notify_opening=True,
            commune__centroid_lat__range=(min_lat, max_lat),
            commune__centroid_lon__range=(min_lon, max_lon),
        )
        .exclude(opening_notices__place=place)
        .values_list("pk", "commune__centroid_lat", "commune__centroid_lon")
        .order_by("pk")
    )
    near = []
    for pk, lat, lon in rows:
        km = haversine_km(place.latitude, place.longitude, lat, lon)
        if km <= RADIUS_KM:
            near.append((pk, km))
    return near


def _notify(statement_id: int, place: Place, km: float) -> bool:
    """Record the notice and queue the e-mail, or nothing if this pair was already told."""
    try:
        with transaction.atomic():
            statement = (
                # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the
                # user join.
                DemandStatement.objects.select_for_update(of=("self",))
                .select_related("user", "commune")
                .filter(
                    pk=statement_id,
                    status=DemandStatement.Status.CONFIRMED,
                    notify_opening=True,
                )
                .first()
            )
            if statement is None or not notifications.recipient(statement):
                return False
            if OpeningNotice.objects.filter(statement=statement, place=place).exists():
                return False
            OpeningNotice.objects.create(statement=statement, place=place)
            notifications.place_opened(
                statement,
                place=place,
                km=max(1, round(km)),
                place_link=absolute_url("places:detail", public_id=place.public_id),
                manage_link=manage_url(statement),
            )
    except IntegrityError:  # another worker told this pair at the same moment
        return False
    return True


def demand_openings_notify(*, now: datetime | None = None) -> int:
    """The periodic pass: e-mail every confirmed statement near a recent opening, once per
    (statement, place), then purge the statements never confirmed. Returns e-mails queued.
    Side effects: OpeningNotice rows, outbox e-mails, audit `demand.openings_notify`."""
    now = now or timezone.now()
    sent = 0
    for place in recent_openings(now=now):
        for statement_id, km in statements_near(place):
            sent += _notify(statement_id, place, km)
    if sent:
        audit_record(actor=None, action="demand.openings_notify", data={"sent": sent})
    pending_purge(now=now)
    return sent

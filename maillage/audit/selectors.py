"""Reading the journal: only the coordination may, filtered as the journal page asks."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from maillage.audit.models import AuditEvent
from maillage.places.permissions import is_coordinator


def events_for_coordination(
    *,
    user,
    family: str = "",
    actor_email: str = "",
    since: date | None = None,
    until: date | None = None,
    obj: str = "",
) -> QuerySet[AuditEvent]:
    """The events a coordinator may read, newest first. `obj` matches an object's id or type;
    dates are whole days (Paris time), both included. Anyone else: PermissionDenied (403)."""
    if not is_coordinator(user):
        raise PermissionDenied("Le journal est réservé à la coordination du réseau.")
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-pk")
    if family:
        events = events.filter(action__startswith=f"{family}.")
    if actor_email:
        events = events.filter(actor__email__iexact=actor_email)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    if obj:
        events = events.filter(Q(object_id__iexact=obj) | Q(object_type__iexact=obj))
    return events

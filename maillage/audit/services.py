"""Recording audit events. Services call `audit_record` inside their own transaction, so a
rolled-back write leaves no event, and the log line is written only once the write commits."""

import logging
from datetime import date

from django.db import models, transaction

from maillage.audit.models import AuditEvent

logger = logging.getLogger(__name__)


def _object_key(obj: models.Model) -> tuple[str, str]:
    """The object's type (`places.place`) and its public id when it has one, else its pk."""
    public_id = getattr(obj, "public_id", None)
    return obj._meta.label_lower, str(public_id if public_id is not None else obj.pk)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one event (`action` a dotted slug: `place.update`, `booking.cancel`…).

    `actor` may be None or anonymous (an import from the command line, a guest): the event
    then has no actor. `data` holds ids and counts only, never personal data. Side effect: an
    INFO line on this module's logger after commit, with the same fields.
    """
    if obj is not None:
        object_type, object_id = _object_key(obj)
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent.objects.create(
        actor_id=actor_id,
        by_platform=actor_id is None,
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id)[:64],
        summary=summary[:300],
        data=data or {},
    )
    fields = {
        "action": action,
        "actor_id": actor_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "audit_event_id": event.pk,
    }
    transaction.on_commit(lambda: logger.info("%s %s", action, summary, extra=fields))
    return event


def role_changes_record(*, actor, obj: models.Model, before: set, after: set, key: str) -> int:
    """One `role.grant` per value gained and one `role.revoke` per value lost on `obj` (a
    user's groups and admin flags; an organisation's member ids), `data={key: value}`.
    Called by the admin's save hooks, inside the admin's transaction. Returns how many."""
    changes = [("role.grant", value) for value in sorted(after - before, key=str)]
    changes += [("role.revoke", value) for value in sorted(before - after, key=str)]
    for action, value in changes:
        audit_record(
            actor=actor, action=action, obj=obj, summary=f"{key} {value}", data={key: value}
        )
    return len(changes)


# How long the journal keeps an event (RGPD: accountability for a year, then nothing).
RETENTION_DAYS = 365


@transaction.atomic
def audit_purge(*, before: date) -> int:
    """Delete the events of days before `before` (Paris time); the only deletion the journal
    allows. Side effect: one `audit.purge` event saying how many went. Returns that number."""
    deleted, _by_model = AuditEvent.objects.filter(at__date__lt=before).delete()
    audit_record(
        actor=None,
        action="audit.purge",
        summary=f"Événements antérieurs au {before:%d/%m/%Y} supprimés : {deleted}",
        data={"before": before.isoformat(), "deleted": deleted},
    )
    return deleted

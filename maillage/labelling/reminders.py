"""Renewal reminders, sent by the worker's periodic pass: `label_reminders_send()`."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.labelling import notifications
from maillage.labelling.models import ApplicationStep, Award, ReminderSent

MAX_DAYS = 366


def _due_delay(reminder_days: list, days_left: int) -> int | None:
    """The tightest of the scheme's delays that `days_left` has reached: an award granted 20
    days before expiry with delays [90, 30] gets the 30-day reminder only, once."""
    reached = [int(d) for d in reminder_days if isinstance(d, int) and days_left <= d]
    return min(reached) if reached else None


def label_reminders_send(*, now: datetime | None = None) -> int:
    """E-mail the team of each award in force whose expiry falls within one of its scheme's
    reminder delays, once per (award, delay): the unique ReminderSent row is inserted in the
    same transaction as the e-mails and the REMINDER step, so two concurrent runs send once.
    Returns the number of reminders sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    # A renewal already granted (not revoked, starting by the expiry): nothing to remind.
    renewed = Award.objects.filter(
        place_id=OuterRef("place_id"),
        scheme_id=OuterRef("scheme_id"),
        starts_on__gt=OuterRef("starts_on"),
        starts_on__lte=OuterRef("expires_on"),
        revoked_at__isnull=True,
    )
    awards = (
        Award.objects.active_on(today)
        .filter(expires_on__lte=today + timedelta(days=MAX_DAYS))
        .exclude(Exists(renewed))
        .select_related("scheme", "place", "application")
        .order_by("expires_on", "id")
    )
    for award in awards:
        delay = _due_delay(award.scheme.reminder_days or [], (award.expires_on - today).days)
        if delay is None or ReminderSent.objects.filter(award=award, days_before=delay).exists():
            continue
        last_day = award.expires_on - timedelta(days=1)  # expires_on is the first day without
        message = f"Label valable jusqu'au {last_day:%d/%m/%Y} inclus (J-{delay})."
        try:
            with transaction.atomic():
                ReminderSent.objects.create(award=award, days_before=delay, sent_at=now)
                ApplicationStep.objects.create(
                    place=award.place,
                    application=award.application,
                    award=award,
                    kind=ApplicationStep.Kind.REMINDER,
                    at=now,
                    message=message,
                    data={"days_before": delay},
                )
                audit_record(
                    actor=None,
                    action="label.reminder",
                    obj=award,
                    data={"days_before": delay},
                )
                notifications.team_notify(
                    place=award.place,
                    kind=ApplicationStep.Kind.REMINDER,
                    scheme_name=award.scheme.name,
                    message=message,
                )
        except IntegrityError:
            continue  # another run sent this one first
        sent += 1
    return sent

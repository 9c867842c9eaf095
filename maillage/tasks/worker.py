"""The background worker's passes: deliver the e-mail outbox, and every few minutes the periodic
jobs (waiting-list offers that expire, booking and event reminders of the day before, employers'
monthly invoices, the managers' weekly digest, notices of places opening near a stated demand).
Each job is idempotent: running it every few minutes sends each thing once.

Each pass is guarded by `single_flight`, so two workers never send the same queued e-mail or run
the periodic jobs at the same time (global once the cache is shared, e.g. Redis)."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from post_office.mail import send_queued
from post_office.settings import get_batch_delivery_timeout
from post_office.utils import cleanup_expired_mails

from maillage.booking.services import offers_expire, reminders_send
from maillage.core.single_flight import single_flight
from maillage.demand.openings import demand_openings_notify
from maillage.employers.services import employers_last_month_invoice
from maillage.events.services import event_reminders_send
from maillage.labelling.reminders import label_reminders_send
from maillage.managers.services import managers_digest_send

logger = logging.getLogger(__name__)

OUTBOX_KEY = "tasks:outbox"
PERIODIC_KEY = "tasks:periodic"
PERIODIC_HOLD_SECONDS = 15 * 60  # frees the guard if a worker dies mid-run


@dataclass(frozen=True)
class OutboxResult:
    sent: int
    failed: int  # retries exhausted
    requeued: int  # failed this time, retried after POST_OFFICE["RETRY_INTERVAL"]


@dataclass(frozen=True)
class PeriodicResult:
    expired: int
    reminded: int
    purged: int = 0  # outbox rows past MAILLAGE_EMAIL_KEEP_DAYS, deleted with their attachments
    invoiced: int = 0  # employers invoiced for last month (employers_last_month_invoice)
    event_reminded: int = 0  # registrations reminded of tomorrow's event (event_reminders_send)
    digests: int = 0  # weekly digests of the managers' space (managers_digest_send)
    demand_notified: int = 0  # people told a place opened near them (demand_openings_notify)
    label_reminded: int = 0  # label renewal reminders sent to place teams (label_reminders_send)


def outbox_purge(*, now: datetime | None = None) -> int:
    """Forget e-mails (and their .ics files) older than MAILLAGE_EMAIL_KEEP_DAYS: they hold
    addresses and bookings, kept only as long as a delivery question may come up (RGPD)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.MAILLAGE_EMAIL_KEEP_DAYS)
    emails, _attachments = cleanup_expired_mails(cutoff, delete_attachments=True)
    return emails


def outbox_send() -> OutboxResult | None:
    """Deliver what is due in the outbox (one batch); None when another worker is at it."""
    with single_flight(OUTBOX_KEY, seconds=get_batch_delivery_timeout() + 60) as held:
        if not held:
            logger.debug("Envoi des e-mails déjà en cours ailleurs : passage ignoré.")
            return None
        result = OutboxResult(*send_queued(processes=1))
    # Idle passes (every few seconds) only at DEBUG; a failure is a warning.
    if result.failed or result.requeued:
        level = logging.WARNING
    else:
        level = logging.INFO if result.sent else logging.DEBUG
    logger.log(
        level,
        "E-mails : %s envoyé(s), %s en échec, %s à réessayer.",
        result.sent,
        result.failed,
        result.requeued,
        extra={"sent": result.sent, "failed": result.failed, "requeued": result.requeued},
    )
    return result


def periodic_run(*, now: datetime | None = None) -> PeriodicResult | None:
    """What `booking_sweep` does; None when another worker is running it."""
    with single_flight(PERIODIC_KEY, seconds=PERIODIC_HOLD_SECONDS) as held:
        if not held:
            logger.info("Tâches périodiques déjà en cours ailleurs : passage ignoré.")
            return None
        result = PeriodicResult(
            offers_expire(now=now),
            reminders_send(now=now),
            outbox_purge(now=now),
            employers_last_month_invoice(now=now),
            event_reminders_send(now=now),
            managers_digest_send(now=now),
            demand_openings_notify(now=now),
            label_reminders_send(now=now),
        )
    logger.log(
        logging.INFO if any(vars(result).values()) else logging.DEBUG,
        "Tâches périodiques : %s proposition(s) expirée(s), %s rappel(s) envoyé(s), "
        "%s e-mail(s) ancien(s) effacé(s), %s facture(s) mensuelle(s) d'employeur, "
        "%s rappel(s) d'événement, %s lettre(s) hebdomadaire(s) des gestionnaires, "
        "%s personne(s) prévenue(s) d'une ouverture, %s relance(s) de renouvellement du label.",
        result.expired,
        result.reminded,
        result.purged,
        result.invoiced,
        result.event_reminded,
        result.digests,
        result.demand_notified,
        result.label_reminded,
        extra=vars(result),
    )
    return result


def worker_pass(*, periodic: bool) -> OutboxResult | None:
    """The periodic jobs when asked, then the outbox (a reminder queued now goes out now)."""
    if periodic:
        periodic_run()
    return outbox_send()

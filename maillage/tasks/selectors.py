"""What the coordination reads about the outbox."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from post_office.models import STATUS, Email, Log


@dataclass(frozen=True)
class OutboxState:
    queued: int  # waiting for their first attempt or for a retry
    sent: int
    failed: int  # every retry used: they will not go out on their own
    last_error_at: datetime | None
    last_error: str


def outbox_state() -> OutboxState:
    """Counts by state and the latest delivery error (two queries)."""
    counts = Email.objects.aggregate(
        queued=Count("pk", filter=Q(status__in=[STATUS.queued, STATUS.requeued])),
        sent=Count("pk", filter=Q(status=STATUS.sent)),
        failed=Count("pk", filter=Q(status=STATUS.failed)),
    )
    error = Log.objects.filter(status=STATUS.failed).order_by("-date", "-pk").first()
    return OutboxState(
        **counts,
        last_error_at=error.date if error else None,
        last_error=f"{error.exception_type} : {error.message}"[:300] if error else "",
    )

"""`manage.py audit_purge [--avant AAAA-MM-JJ]`: delete journal events older than a day.

Without `--avant`, the retention period (`RETENTION_DAYS`, one year) decides: run it daily
from cron, or by hand. The purge itself is recorded in the journal."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillage.audit.services import RETENTION_DAYS, audit_purge


class Command(BaseCommand):
    help = "Supprime les événements du journal antérieurs à une date (par défaut : il y a un an)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--avant",
            metavar="AAAA-MM-JJ",
            help="Supprimer les événements des jours précédant cette date (non comprise).",
        )

    def handle(self, *args, avant: str | None = None, **options) -> None:
        today = timezone.localdate()
        if avant is None:
            before = today - timedelta(days=RETENTION_DAYS)
        else:
            try:
                before = date.fromisoformat(avant)
            except ValueError as error:
                raise CommandError(
                    f"--avant : « {avant} » n'est pas une date AAAA-MM-JJ (par exemple 2026-01-31)."
                ) from error
            if before > today:
                raise CommandError("--avant : la date est dans le futur ; rien n'est supprimé.")
        deleted = audit_purge(before=before)
        self.stdout.write(f"{deleted} événement(s) antérieur(s) au {before:%d/%m/%Y} supprimé(s).")

"""Periodic work of the booking app (cron every few minutes): expired waiting-list offers pass to
the next person; reminders go out the day before."""

from django.core.management.base import BaseCommand

from maillage.booking.services import offers_expire, reminders_send


class Command(BaseCommand):
    help = "Expire les propositions de liste d'attente échues et envoie les rappels de la veille."

    def handle(self, *args, **options):
        expired = offers_expire()
        reminded = reminders_send()
        self.stdout.write(f"{expired} proposition(s) expirée(s), {reminded} rappel(s) envoyé(s).")

"""`manage.py worker`: the background worker (systemd service), or `--once` for one pass (cron)."""

import argparse
import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from maillage.tasks.worker import worker_pass

logger = logging.getLogger(__name__)


def _bounded(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"un nombre entier de {low} à {high} est attendu")
        return value

    return parse


class Command(BaseCommand):
    help = (
        "Envoie les e-mails en attente (avec nouvelles tentatives) et, toutes les quelques "
        "minutes, expire les propositions de liste d'attente et envoie les rappels."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Un seul passage (pour cron et les tests)."
        )
        parser.add_argument(
            "--pause",
            type=_bounded(1, 3600),
            default=10,
            metavar="SECONDES",
            help="Attente entre deux envois d'e-mails (1 à 3600, 10 par défaut).",
        )
        parser.add_argument(
            "--periode",
            type=_bounded(1, 1440),
            default=5,
            metavar="MINUTES",
            help="Intervalle des tâches périodiques (1 à 1440, 5 par défaut).",
        )

    def handle(self, *args, once: bool, pause: int, periode: int, **options):
        if once:  # an error fails the command: cron reports it
            outbox = worker_pass(periodic=True)
            if outbox is not None:
                self.stdout.write(
                    f"{outbox.sent} e-mail(s) envoyé(s), {outbox.requeued} à réessayer, "
                    f"{outbox.failed} en échec."
                )
            return
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        logger.info(
            "Worker démarré : e-mails toutes les %s s, tâches périodiques toutes les %s min.",
            pause,
            periode,
        )
        next_periodic = 0.0
        try:
            while not stop.is_set():
                due = time.monotonic() >= next_periodic
                if due:
                    next_periodic = time.monotonic() + periode * 60
                close_old_connections()  # long-lived: reconnect if the database went away
                try:
                    worker_pass(periodic=due)
                except Exception:  # logged; the next pass tries again
                    logger.exception("Passage du worker en erreur.")
                stop.wait(pause)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        logger.info("Worker arrêté après la fin de son passage.")

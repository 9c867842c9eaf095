"""Recompute every seller's hash chain and closed periods (CGI art. 286 I 3° bis).

Exit code 1 when anything is wrong, so that a cron job or a monitoring check notices.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from maillage.billing import chain
from maillage.billing.models import LegalEntity


class Command(BaseCommand):
    help = "Vérifie l'intégrité des factures et des périodes closes de chaque vendeur."

    def add_arguments(self, parser):
        parser.add_argument("--vendeur", type=int, help="Identifiant d'un seul vendeur.")

    def handle(self, *args, vendeur=None, **options):
        sellers = LegalEntity.objects.filter(
            Q(invoices_sold__isnull=False) | Q(closed_periods__isnull=False)
        ).distinct()
        if vendeur is not None:
            sellers = LegalEntity.objects.filter(pk=vendeur)
            if not sellers.exists():
                raise CommandError(f"Aucun vendeur n'a l'identifiant {vendeur}.")
        wrong = 0
        for seller in sellers.order_by("pk"):
            report = chain.verify(seller)
            self.stdout.write(
                f"{seller.name} (n° {seller.pk}) : {report.checked} document(s) vérifié(s)"
            )
            problems = [
                ("document modifié", report.altered),
                ("chaînage rompu", report.broken_links),
                ("numéro manquant", [str(number) for number in report.gaps]),
                ("période close modifiée", report.altered_periods),
            ]
            for label, items in problems:
                for item in items:
                    self.stdout.write(f"  {label} : {item}")
            if not report.ok:
                wrong += 1
        if wrong:
            self.stderr.write(f"Intégrité en défaut chez {wrong} vendeur(s).")
            sys.exit(1)
        self.stdout.write("Intégrité vérifiée : aucune anomalie.")

"""Monthly cron: the network invoices every employer for its employees' bookings of a month.

    manage.py employers_invoice_month --mois 2026-12

Safe to run again: a month already invoiced returns its invoice; an employer with nothing to
invoice is counted apart. Exit code 1 if an invoice could not be issued.
"""

import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from maillage.employers.models import Employer
from maillage.employers.services import EmployerError, employer_month_invoice


def month_argument(text: str) -> date:
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text or "")
    if not match or not (1 <= int(match[2]) <= 12) or not (2000 <= int(match[1]) <= 2100):
        raise CommandError(f"--mois attend AAAA-MM (par exemple 2026-12), pas « {text} ».")
    return date(int(match[1]), int(match[2]), 1)


class Command(BaseCommand):
    help = "Facture aux employeurs les réservations payées par eux pendant un mois terminé."

    def add_arguments(self, parser):
        parser.add_argument("--mois", required=True, help="AAAA-MM, un mois terminé.")

    def handle(self, *args, mois: str, **options):
        month = month_argument(mois)
        employers = list(Employer.objects.select_related("entity").order_by("id"))
        issued, empty, failed = [], 0, []
        for employer in tqdm(
            employers,
            desc=f"Factures {month:%m/%Y}",
            unit=" employeurs",
            disable=options["verbosity"] < 1,
        ):
            try:
                invoice = employer_month_invoice(employer=employer, month=month)
            except EmployerError as error:
                if error.code == "rien_a_facturer":
                    empty += 1
                    continue
                if error.code in ("mois_en_cours", "pas_de_reseau"):
                    raise CommandError(error.message) from error
                failed.append(f"{employer.entity.name} : {error.message}")
                continue
            issued.append(f"{employer.entity.name} : {invoice.reference}")
        for line in issued:
            self.stdout.write(line)
        self.stdout.write(
            f"{len(issued)} facture(s), {empty} employeur(s) sans réservation ce mois-là."
        )
        if failed:
            for line in failed:
                self.stderr.write(line)
            raise CommandError(f"{len(failed)} facture(s) non émise(s).")

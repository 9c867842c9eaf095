"""Check that every pass's balance is the sum of its ledger rows (cron or after an incident).

Exit status 1 when a pass differs, with one French line per pass; 0 and one line otherwise.
"""

from django.core.management.base import BaseCommand, CommandError

from maillage.settlement.selectors import pass_ledger_verify


class Command(BaseCommand):
    help = "Vérifie que le solde de chaque carnet est la somme de ses mouvements."

    def handle(self, *args, **options) -> None:
        problems = pass_ledger_verify()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(
                f"{len(problems)} carnet(s) dont le solde diffère de leurs mouvements.",
                returncode=1,
            )
        self.stdout.write("Tous les soldes de carnets sont égaux à la somme de leurs mouvements.")

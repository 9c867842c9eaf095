"""`manage.py observatoire --territoire CODE [--scenario NOM …]`: the observatory's report on disk.

For the people who prepare a council meeting or a study without the web pages: one command
writes a folder with the self-contained HTML report, the workbook and the GeoJSON layers
(`report.write_report`). Same computation as the dashboard (`selectors.analysis_run`), same
published scenarios and saved ones.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone
from tqdm import tqdm

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory import report, selectors
from maillage.observatory.catchment import Catchment
from maillage.observatory.errors import ObservatoryError
from maillage.observatory.forms import DEFAULT_RADIUS_KM, impact_parameters_from
from maillage.observatory.scenarios import Scenario, validate

PUBLISHED = ("actuel", "tendanciel", "rupture")
# Steps `selectors.analysis_run` announces through its `progress` callback.
ANALYSIS_STEPS = 4


class _Progress:
    """One bar over every step (analysis, then report), the current step as its label."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.bar = tqdm(total=total, unit=" étapes", disable=not enabled, leave=True)
        self.running = False

    def __call__(self, label: str) -> None:
        """A step starts: the previous one is done."""
        if self.running:
            self.bar.update(1)
        self.running = True
        self.bar.set_description(label)

    def close(self, *, done: bool = False) -> None:
        if done and self.running:
            self.bar.update(1)
        self.bar.close()


def scenarios_chosen(names: list[str], *, catalogue: dict[str, Scenario], today) -> list[Scenario]:
    """`actuel` (the current potential every report compares with), then the requested
    scenarios in the order given, each once; all of them validated against `today`."""
    wanted = ["actuel", *(names or PUBLISHED)]
    chosen: list[Scenario] = []
    for name in dict.fromkeys(wanted):
        if name not in catalogue:
            available = ", ".join(catalogue)
            raise CommandError(
                f"Scénario inconnu : « {name} ». Scénarios disponibles : {available}."
            )
        try:
            chosen.append(validate(catalogue[name], today))
        except ObservatoryError as error:
            raise CommandError(f"Scénario « {name} » : {error.message}") from error
    return chosen


def catchment_from(*, radius_km: float | None, minutes: float | None) -> Catchment:
    """The catchment asked for: minutes of travel, or road km (15 km by default, as on the
    dashboard)."""
    try:
        if minutes is not None:
            return Catchment(mode="time", minutes=minutes)
        return Catchment(
            mode="distance", radius_km=DEFAULT_RADIUS_KM if radius_km is None else radius_km
        )
    except ObservatoryError as error:
        raise CommandError(error.message) from error


class Command(BaseCommand):
    help = (
        "Produit le rapport de l'observatoire d'un territoire (région, département ou EPCI) : "
        "rapport HTML autonome, classeur XLSX et couches GeoJSON, dans un dossier. Le scénario "
        "« actuel » (potentiel d'aujourd'hui) est toujours inclus."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--territoire",
            required=True,
            metavar="CODE",
            help="code de la région (28), du département (14, 2A) ou SIREN de l'EPCI",
        )
        parser.add_argument(
            "--scenario",
            action="append",
            default=[],
            metavar="NOM",
            help="actuel, tendanciel, rupture ou le nom d'un scénario enregistré (répétable ; "
            "par défaut les trois scénarios publiés)",
        )
        parser.add_argument(
            "--sortie",
            type=Path,
            metavar="DOSSIER",
            help="dossier du rapport (par défaut rapport-observatoire-<code>-<date>) ; les "
            "fichiers de même nom y sont remplacés",
        )
        reach = parser.add_mutually_exclusive_group()
        reach.add_argument(
            "--rayon",
            type=float,
            metavar="KM",
            help=f"zone de chalandise en km par la route (défaut : {DEFAULT_RADIUS_KM:g})",
        )
        reach.add_argument(
            "--minutes", type=float, metavar="MIN", help="zone de chalandise en minutes de trajet"
        )
        parser.add_argument(
            "--projets", action="store_true", help="compter aussi les lieux en projet dans l'offre"
        )
        parser.add_argument(
            "--facteur-emission",
            type=float,
            metavar="KG",
            help="kgCO2e par km en voiture (défaut : ADEME, Base Carbone, 0,2176)",
        )
        parser.add_argument(
            "--cout-km",
            type=float,
            metavar="EUROS",
            help="coût d'un km en voiture pour le ménage (défaut : barème fiscal, 0,357)",
        )
        parser.add_argument(
            "--echelon",
            choices=sorted(selectors.LEVELS),
            help="échelon du code, obligatoire quand il est ambigu (76 : région ou département)",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        code = options["territoire"].strip()
        try:
            level, _name = selectors.territory_find(code=code, level=options["echelon"])
        except Http404 as error:
            raise CommandError(str(error)) from error
        catalogue = selectors.scenario_catalogue(today=today)
        scenarios = scenarios_chosen(options["scenario"], catalogue=catalogue, today=today)
        catchment = catchment_from(radius_km=options["rayon"], minutes=options["minutes"])
        try:
            impacts = impact_parameters_from(
                emission_factor=options["facteur_emission"], cost_per_km=options["cout_km"]
            )
        except ObservatoryError as error:
            raise CommandError(error.message) from error
        folder = options["sortie"] or report.default_folder(code, today)
        progress = _Progress(
            enabled=options["verbosity"] > 0, total=ANALYSIS_STEPS + len(report.REPORT_STEPS)
        )
        try:
            analysis = selectors.analysis_run(
                level=level.key,
                code=code,
                scenarios=scenarios,
                catchment=catchment,
                include_projects=options["projets"],
                impact_parameters=impacts,
                progress=progress,
            )
            files = report.write_report(
                analysis, folder, progress=progress, include_projects=options["projets"]
            )
            progress.close(done=True)
        except Http404 as error:
            raise CommandError(str(error)) from error
        except ObservatoryError as error:
            raise CommandError(error.message) from error
        finally:
            progress.close()
        self._summary(analysis, files)

    def _summary(self, analysis, files: report.ReportFiles) -> None:
        area = analysis.area
        estimated = int(analysis.estimated.sum())
        self.stdout.write(
            self.style.SUCCESS(f"Rapport de {area.name} ({area.code}) écrit dans {files.folder} :")
        )
        for path in files.paths():
            self.stdout.write(f"  {path}")
        self.stdout.write(
            f"{french_decimal(len(analysis.codes))} communes, dont {french_decimal(estimated)} "
            f"en estimation par défaut ; {french_decimal(len(analysis.offer))} "
            f"{'lieu compté' if len(analysis.offer) < 2 else 'lieux comptés'} "
            f"({french_decimal(float(analysis.offer.capacity.sum()))} postes) ; zone de "
            f"chalandise : {analysis.catchment.describe()}."
        )
        for name, outcome in analysis.outcomes.items():
            totals = analysis.totals(name)
            scenario = outcome.scenario
            self.stdout.write(
                f"{scenario.label or name} ({scenario.horizon}) : "
                f"{french_decimal(totals['postes'], 1)} postes nécessaires, "
                f"{french_decimal(totals['offre'], 1)} accessibles, "
                f"{french_decimal(totals['non_couverts'], 1)} non couverts ; "
                f"{french_decimal(totals['co2_evite'], 1)} t CO2e et "
                f"{french_decimal(totals['km_evites'])} km évités par an."
            )

"""`manage.py observatoire_etude FICHIER [--format json|xlsx|html] [--sortie CHEMIN]`: a study
computed without the web.

Reads a study file (JSON document or XLSX workbook, `docs/etude-format.md`), computes every
scenario at every horizon (`study.compute.study_compute`, one line per step on stderr) and
writes its results: the XLSX tables of the study report (default), the printable HTML report,
or the JSON results document (full precision). A bad study gives its French messages, one per
field, and a non-zero exit code.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.observatory.errors import ObservatoryError
from maillage.observatory.study.compute import study_compute
from maillage.observatory.study.document import StudyInvalid
from maillage.observatory.study.files import study_from_file
from maillage.observatory.study.report import report_html
from maillage.observatory.study.results import result_to_dict
from maillage.observatory.study.tables import result_xlsx
from maillage.observatory.study.workbook import MAX_BYTES

OUTPUTS = ("xlsx", "html", "json")


def invalid_text(error: StudyInvalid) -> str:
    """Every error of a study, one a line: « horizons.1.annee : Année d'horizon : … »."""
    count = len(error.errors)
    lines = [f"L'étude n'est pas valide ({count} erreur{'s' if count > 1 else ''}) :"]
    lines += [f"- {item.field} : {item.message}" for item in error.errors]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Calcule une étude de l'observatoire (fichier JSON ou XLSX) et écrit ses résultats : "
        "tableaux XLSX (par défaut), rapport HTML imprimable ou résultats JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, metavar="FICHIER", help="étude .json ou .xlsx")
        parser.add_argument(
            "--format",
            choices=OUTPUTS,
            default="xlsx",
            help="xlsx : tableaux du rapport ; html : rapport imprimable ; json : résultats "
            "complets (défaut : xlsx)",
        )
        parser.add_argument(
            "--sortie",
            type=Path,
            metavar="CHEMIN",
            help="fichier écrit (par défaut <nom de l'étude>-resultats.<format> à côté de "
            "l'étude) ; un fichier de même nom est remplacé",
        )

    def handle(self, *args, **options):
        path: Path = options["fichier"]
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path} : fichier de plus de {MAX_BYTES // (1024 * 1024)} Mo.")
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} : fichier illisible ({error.strerror}).") from error
        output = options["format"]
        verbose = options["verbosity"] > 0
        steps = iter(range(1, 100))

        def progress(label: str) -> None:
            if verbose:
                self.stderr.write(f"Étape {next(steps)} : {label}")

        try:
            study = study_from_file(data, path.name)
            result = study_compute(study, progress=progress)
        except StudyInvalid as error:
            raise CommandError(invalid_text(error)) from error
        except ObservatoryError as error:
            raise CommandError(f"{error.field} : {error.message}") from error
        progress(f"Écriture des résultats ({output})")
        if output == "xlsx":
            body = result_xlsx(result)
        elif output == "html":
            body = report_html(result).encode("utf-8")
        else:
            text = json.dumps(result_to_dict(result), ensure_ascii=False, indent=1)
            body = text.encode("utf-8")
        target = options["sortie"] or path.with_name(f"{study.name}-resultats.{output}")
        try:
            target.write_bytes(body)
        except OSError as error:
            raise CommandError(f"{target} : écriture impossible ({error.strerror}).") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Étude « {study.name} » : {len(study.horizons)} horizon(s) × "
                f"{len(study.scenarios)} scénario(s), résultats écrits dans {target}."
            )
        )

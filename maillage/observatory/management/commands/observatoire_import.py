"""`manage.py observatoire_import --type activite|emploi|mobpro FICHIER`: import an INSEE file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from maillage.observatory.errors import ImportFileError
from maillage.observatory.models import CensusImport
from maillage.observatory.selectors import census_import_notes
from maillage.observatory.services import census_import


class _TqdmProgress:
    """One progress bar per stage (reading in bytes, writing in communes), on stderr."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: tqdm | None = None
        self.label = ""

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            self.close()
            self.label = label
            unit_scale = label == "Lecture du fichier"
            self.bar = tqdm(
                total=total,
                desc=label,
                unit="o" if unit_scale else " communes",
                unit_scale=unit_scale,
                disable=not self.enabled,
            )
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Importe un fichier Insee du recensement pour l'observatoire : « Activité des résidents » "
        "(base-cc-emploi-pop-active, --type activite), « Caractéristiques de l'emploi » "
        "(base-cc-caract_emp, --type emploi) ou mobilités professionnelles (flux "
        "domicile-travail ou détail FD_MOBPRO, --type mobpro). CSV ou zip tels que publiés. Tout "
        "ou rien : un fichier refusé n'enregistre rien. La page /observatoire/imports/ liste les "
        "fichiers à télécharger pour chaque millésime."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--type",
            dest="kind",
            required=True,
            choices=CensusImport.Kind.values,
            help="activite, emploi ou mobpro",
        )
        parser.add_argument("fichier", metavar="FICHIER", help="chemin du fichier CSV ou zip")
        parser.add_argument(
            "--autoriser-communes-inconnues",
            action="store_true",
            dest="allow_unknown",
            help="importer les communes connues même si le fichier contient des codes inconnus "
            "du référentiel (listés dans l'import)",
        )

    def handle(self, *args, **options):
        path = Path(options["fichier"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        progress = _TqdmProgress(enabled=options["verbosity"] > 0)
        try:
            with path.open("rb") as file:
                record = census_import(
                    kind=options["kind"],
                    file=file,
                    filename=path.name,
                    allow_unknown=options["allow_unknown"],
                    progress=progress,
                )
        except ImportFileError as error:
            raise CommandError(error.message) from error
        finally:
            progress.close()
        unknown = record.unknown_communes
        lines = [
            f"Import {record.get_kind_display()} terminé : recensement {record.vintage} "
            f"(variante « {record.layout} »), fichier « {record.filename} ».",
            f"{record.rows} lignes lues, {record.communes_stored} communes enregistrées.",
            f"Communes hors des territoires chargés (conservées pour un chargement ultérieur) : "
            f"{record.outside_territories}.",
            (
                f"Codes commune inconnus du référentiel, ignorés : {len(unknown)} "
                f"({', '.join(unknown[:10])}{' …' if len(unknown) > 10 else ''})."
                if unknown
                else "Codes commune inconnus : aucun."
            ),
            *census_import_notes(record),
        ]
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)

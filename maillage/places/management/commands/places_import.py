from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.places.opendata.imports import places_import
from maillage.places.opendata.readers import ImportFileError, guess_format


class Command(BaseCommand):
    help = (
        "Importe des lieux depuis un CSV (export maillage, schéma national médiation numérique, "
        "base CGET 2019), un GeoJSON/JSON ou un export Overpass d'OpenStreetMap. "
        "Tout ou rien ; --dry-run n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="nom de la source, ex. osm, cget-2019")
        parser.add_argument("--format", choices=["csv", "json", "geojson", "overpass"])
        parser.add_argument("--dry-run", action="store_true", help="simulation : rien n'est écrit")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="importer les lignes valides seulement"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            report = places_import(
                content=path.read_bytes(),
                fmt=options["format"] or guess_format(path.name),
                source=options["source"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary_fr())
        if report.aborted:
            raise CommandError("Import annulé : des lignes sont rejetées.")

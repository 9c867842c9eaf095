from pathlib import Path

from django.core.management.base import BaseCommand

from maillage.places.opendata.export import FORMATS, export_places, exported_places


class Command(BaseCommand):
    help = (
        "Exporte l'annuaire des lieux (CSV, GeoJSON, JSON, ou au schéma national des lieux de "
        "médiation numérique ; voir docs/opendata-lieux.md). Les lieux laissés de côté par le "
        "schéma national sont listés, avec le motif, sur la sortie d'erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=list(FORMATS), default="csv")
        parser.add_argument("--include-demo", action="store_true", help="inclure les lieux de démo")
        parser.add_argument("--output", help="fichier de sortie (par défaut : la sortie standard)")

    def handle(self, *args, **options):
        places = list(exported_places(include_demo=options["include_demo"]))
        export = export_places(places, options["format"])
        if options["output"]:
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as output:
                output.writelines(export.chunks)
        else:
            for chunk in export.chunks:
                self.stdout.write(chunk, ending="")
        for line in export.left_out + export.warnings:
            self.stderr.write(line)
        summary = f"{export.count} lieux exportés" + (
            f" dans {options['output']}" if options["output"] else ""
        )
        if options["format"].startswith("mediation-"):
            warnings = len(export.warnings)
            summary += (
                f" ; {len(export.left_out)} laissés de côté, "
                f"{warnings} avertissement{'s' if warnings > 1 else ''}"
            )
        self.stderr.write(summary + ".")

from pathlib import Path

from django.core.management.base import BaseCommand

from maillage.places.opendata.export import EXPORTERS, exported_places


class Command(BaseCommand):
    help = "Exporte l'annuaire des lieux (CSV, GeoJSON ou JSON ; schéma : docs/opendata-lieux.md)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="csv")
        parser.add_argument("--include-demo", action="store_true", help="inclure les lieux de démo")
        parser.add_argument("--output", help="fichier de sortie (par défaut : la sortie standard)")

    def handle(self, *args, **options):
        places = exported_places(include_demo=options["include_demo"])
        text = EXPORTERS[options["format"]](places)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"{places.count()} lieux exportés dans {options['output']}.")
        else:
            self.stdout.write(text, ending="")

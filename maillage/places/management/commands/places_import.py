import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from maillage.places.opendata.columns import TARGETS
from maillage.places.opendata.imports import ImportFileError, places_import, prepare
from maillage.places.services import import_mapping_save


class Command(BaseCommand):
    help = (
        "Importe des lieux depuis un CSV (tout séparateur, avec ou sans en-tête, UTF-8 ou "
        "Latin-1), "
        "un JSON, un GeoJSON ou un export Overpass d'OpenStreetMap. Les colonnes sont reconnues "
        "par leur nom et leur contenu, ou par la correspondance enregistrée pour la source. "
        "Tout ou rien ; --dry-run n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="nom de la source, ex. osm, cget-2019")
        parser.add_argument("--dry-run", action="store_true", help="simulation : rien n'est écrit")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="importer les lignes valides seulement"
        )
        parser.add_argument(
            "--colonnes",
            help="correspondance JSON {colonne: champ} (colonne « #3 » pour la 3e d'un fichier "
            "sans en-tête) ; sinon celle enregistrée pour la source, sinon une estimation",
        )
        header = parser.add_mutually_exclusive_group()
        header.add_argument("--sans-entete", action="store_true", help="pas de ligne d'en-tête")
        header.add_argument("--avec-entete", action="store_true", help="ligne d'en-tête")
        parser.add_argument(
            "--enregistrer-correspondance",
            action="store_true",
            help="enregistrer la correspondance utilisée pour cette source",
        )
        parser.add_argument(
            "--montrer-correspondance",
            action="store_true",
            help="afficher la correspondance des colonnes et s'arrêter",
        )
        parser.add_argument("--refus", help="écrire les lignes refusées (CSV avec motif) ici")
        parser.add_argument("--auteur", help="e-mail du compte qui signe l'import")
        parser.add_argument("--format", help="ignoré (détecté) : gardé pour compatibilité")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        mapping = None
        if options["colonnes"]:
            try:
                mapping = json.loads(options["colonnes"])
            except json.JSONDecodeError as error:
                raise CommandError(f"--colonnes : JSON illisible ({error.msg}).") from error
            if not isinstance(mapping, dict):
                raise CommandError("--colonnes : un objet JSON {colonne: champ} est attendu.")
        has_header = True if options["avec_entete"] else False if options["sans_entete"] else None
        author = None
        if options["auteur"]:
            author = get_user_model().objects.filter(email__iexact=options["auteur"]).first()
            if author is None:
                raise CommandError(f"Aucun compte pour {options['auteur']}.")
        content = path.read_bytes()
        try:
            table, used = prepare(
                content,
                filename=path.name,
                source=options["source"],
                mapping=mapping,
                has_header=has_header,
            )
            if options["montrer_correspondance"]:
                self.stdout.write(table.detected_fr())
                for key in table.keys:
                    target = used.get(key, "ignorer")
                    self.stdout.write(f"  {table.column_label(key)} → {target} ({TARGETS[target]})")
                return
            with tqdm(total=len(table.rows), unit="ligne", disable=None) as bar:
                report = places_import(
                    content=content,
                    filename=path.name,
                    source=options["source"],
                    mapping=used,
                    has_header=table.has_header,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    author=author,
                    progress=lambda done, total: bar.update(done - bar.n),
                )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.detected)
        self.stdout.write(report.summary_fr())
        if options["refus"] and report.rejected:
            Path(options["refus"]).write_text(report.refused_csv(), encoding="utf-8")
            self.stdout.write(f"Lignes refusées écrites dans {options['refus']}.")
        if options["enregistrer_correspondance"]:
            import_mapping_save(
                source=options["source"], columns=used, has_header=table.has_header, user=author
            )
        if report.aborted:
            raise CommandError("Import annulé : des lignes sont refusées.")

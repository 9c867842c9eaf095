from django.core.management.base import BaseCommand

from maillage.places.opendata.uploads import KEEP_UPLOADS, place_imports_purge


class Command(BaseCommand):
    help = (
        f"Efface les fichiers d'import de lieux déposés il y a plus de {KEEP_UPLOADS.days} jours "
        "(ils peuvent contenir des coordonnées de personnes). À lancer chaque jour (cron)."
    )

    def handle(self, *args, **options):
        deleted = place_imports_purge()
        self.stdout.write(f"{deleted} fichier(s) d'import effacé(s).")

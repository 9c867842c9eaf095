from django.core.management.base import BaseCommand, CommandError

from maillage.places.demo import demo_places_clear, demo_places_create
from maillage.places.models import Place


class Command(BaseCommand):
    help = "Crée des lieux de démonstration (signalés comme tels) dans les communes chargées."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=40, help="nombre de lieux (40)")
        parser.add_argument("--region", default="28", help="code INSEE de la région (28)")
        parser.add_argument("--clear", action="store_true", help="supprime les lieux de démo")
        parser.add_argument(
            "--skip-if-present",
            action="store_true",
            help="ne rien faire si des lieux de démonstration existent déjà",
        )

    def handle(self, *args, **options):
        if options["clear"]:
            self.stdout.write(f"{demo_places_clear()} objets de démonstration supprimés.")
            return
        if options["skip_if_present"] and Place.objects.filter(is_demo=True).exists():
            self.stdout.write("Lieux de démonstration déjà présents : rien à faire.")
            return
        if options["count"] < 1:
            raise CommandError("--count doit être au moins 1.")
        try:
            report = demo_places_create(count=options["count"], region=options["region"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Lieux de démonstration : {report.created} créés, {report.updated} mis à jour."
            )
        )

from django.core.management.base import BaseCommand

from maillage.booking.demo import demo_resources_clear, demo_resources_create


class Command(BaseCommand):
    help = "Ajoute des ressources réservables aux lieux de démonstration qui n'en ont pas."

    def add_arguments(self, parser):
        parser.add_argument(
            "--clear", action="store_true", help="supprime les ressources de démo sans réservation"
        )

    def handle(self, *args, **options):
        if options["clear"]:
            self.stdout.write(f"{demo_resources_clear()} objets supprimés.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Ressources de démonstration : {demo_resources_create()} créées.")
        )

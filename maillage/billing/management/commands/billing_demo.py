from django.core.management.base import BaseCommand

from maillage.billing.demo import demo_network_create


class Command(BaseCommand):
    help = "Crée la structure de coordination de démonstration si le réseau n'en a pas."

    def handle(self, *args, **options):
        entity = demo_network_create()
        if entity is None:
            self.stdout.write("Structure de coordination déjà renseignée : rien à faire.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Structure de coordination : {entity.name}."))

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlacesConfig(AppConfig):
    name = "maillage.places"
    verbose_name = "Lieux"

    def ready(self) -> None:
        from maillage.places.catalogue_seed import grant_coordinator_permissions

        # Permissions exist only after migrate has created them: grant them then, every time.
        post_migrate.connect(grant_coordinator_permissions, sender=self)

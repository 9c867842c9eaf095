from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "maillage.events"
    verbose_name = "Événements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.core.erasure import eraser_register
        from maillage.events.services import registrations_erase

        eraser_register("inscriptions aux événements", registrations_erase)

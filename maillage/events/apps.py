from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "maillage.events"
    verbose_name = "Événements"
    default_auto_field = "django.db.models.BigAutoField"

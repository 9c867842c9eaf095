from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "maillage.booking"
    verbose_name = "Réservations"
    default_auto_field = "django.db.models.BigAutoField"

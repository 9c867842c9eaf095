from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "maillage.demand"
    verbose_name = "Demande de lieux"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class EconomicsConfig(AppConfig):
    name = "maillage.economics"
    verbose_name = "Économie des lieux (plans d'affaires)"
    default_auto_field = "django.db.models.BigAutoField"

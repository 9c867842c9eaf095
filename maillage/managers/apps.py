from django.apps import AppConfig


class ManagersConfig(AppConfig):
    name = "maillage.managers"
    verbose_name = "Espace des gestionnaires"
    default_auto_field = "django.db.models.BigAutoField"

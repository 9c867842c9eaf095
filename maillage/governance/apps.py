from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "maillage.governance"
    verbose_name = "Modes de gestion et de gouvernance"
    default_auto_field = "django.db.models.BigAutoField"

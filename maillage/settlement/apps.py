from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "maillage.settlement"
    verbose_name = "Pass réseau et reversements"
    default_auto_field = "django.db.models.BigAutoField"

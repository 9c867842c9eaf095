from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "maillage.billing"
    verbose_name = "Facturation"
    default_auto_field = "django.db.models.BigAutoField"

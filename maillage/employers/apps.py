from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "maillage.employers"
    verbose_name = "Employeurs"
    default_auto_field = "django.db.models.BigAutoField"

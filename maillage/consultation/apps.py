from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "maillage.consultation"
    verbose_name = "Consultations (gommettes)"
    default_auto_field = "django.db.models.BigAutoField"

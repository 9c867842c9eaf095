from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "maillage.consultation"
    verbose_name = "Consultations (gommettes)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.consultation.services import ballots_erase
        from maillage.core.erasure import eraser_register

        eraser_register("votes de consultation", ballots_erase)

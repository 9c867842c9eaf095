from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "maillage.governance"
    verbose_name = "Modes de gestion et de gouvernance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.core.erasure import eraser_register
        from maillage.governance.services import questionnaires_erase

        eraser_register("questionnaires de gouvernance", questionnaires_erase)

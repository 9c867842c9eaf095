from django.apps import AppConfig


class ManagersConfig(AppConfig):
    name = "maillage.managers"
    verbose_name = "Espace des gestionnaires"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.core.erasure import eraser_register
        from maillage.managers.services import managers_erase

        eraser_register("messages de l'espace des gestionnaires", managers_erase)

from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "maillage.demand"
    verbose_name = "Demande de lieux"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.core.erasure import eraser_register
        from maillage.demand.services import statements_erase_for_user

        # The member's statements keep their communes for the counts, nothing personal.
        eraser_register("demandes de lieu", statements_erase_for_user)

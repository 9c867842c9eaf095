from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "maillage.community"
    verbose_name = "Réseau des membres"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: models are ready only now.
        from maillage.community.services import community_erase
        from maillage.core.erasure import eraser_register

        eraser_register("réseau des membres (profil, messages, signalements)", community_erase)

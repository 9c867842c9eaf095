from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "maillage.community"
    verbose_name = "Réseau des membres"
    default_auto_field = "django.db.models.BigAutoField"

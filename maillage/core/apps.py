from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "maillage.core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from maillage.core import checks  # noqa: F401  (registers system checks)

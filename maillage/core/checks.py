"""System checks for what the platform needs on disk to serve its own front-end."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def vendored_assets_installed(app_configs, **kwargs):
    missing = [str(path) for _prefix, path in settings.STATICFILES_DIRS if not path.exists()]
    if not missing:
        return []
    return [
        Warning(
            "Les bibliothèques front-end ne sont pas installées : " + ", ".join(missing),
            hint="Lancez « make setup » (npm ci) pour installer les dépendances du paquet npm.",
            id="maillage.W001",
        )
    ]

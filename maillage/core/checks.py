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


_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0"}


@register(deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Links in e-mails and calendar events use MAILLAGE_SITE_URL: in production it must name
    the public address, not the machine that reads the e-mail."""
    from urllib.parse import urlsplit

    host = urlsplit(settings.MAILLAGE_SITE_URL).hostname or ""
    if settings.DEBUG or (host not in _LOCAL_HOSTS and f"[{host}]" not in _LOCAL_HOSTS):
        return []
    return [
        Warning(
            f"MAILLAGE_SITE_URL vaut « {settings.MAILLAGE_SITE_URL} » : les liens des e-mails "
            "et des agendas pointeront vers la machine du destinataire.",
            hint="Définissez MAILLAGE_SITE_URL=https://votre-domaine (ou ALLOWED_HOSTS).",
            id="maillage.W002",
        )
    ]

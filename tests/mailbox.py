"""E-mails in tests: they wait in the outbox until the worker's pass delivers them."""

from django.conf import settings
from django.core import mail
from django.test import override_settings

from maillage.tasks.worker import outbox_send

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def deliver(backend: str = LOCMEM) -> list:
    """Run the worker's outbox pass (as `manage.py worker --once` does) through `backend`;
    the locmem backend puts the delivered messages in `mail.outbox`, returned."""
    with override_settings(POST_OFFICE={**settings.POST_OFFICE, "BACKENDS": {"default": backend}}):
        outbox_send()
    return mail.outbox

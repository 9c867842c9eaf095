"""Absolute links for what is read outside a request: e-mails, calendar events, reports."""

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *args, **kwargs) -> str:
    """`reverse()` under the configured public address (MAILLAGE_SITE_URL), never the host of
    whichever request happened to trigger the message."""
    return settings.MAILLAGE_SITE_URL + reverse(viewname, args=args or None, kwargs=kwargs or None)

"""The outbox section of the journal page: readable on a phone and a desktop, no sideways scroll
with a long SMTP error, no serious accessibility violation."""

from smtplib import SMTPRecipientsRefused

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from maillage.tasks.outbox import email_queue
from maillage.tasks.worker import outbox_send
from tests.browser.test_booking import log_in
from tests.browser.test_place_form import serious_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

ADDRESS = "camille.durand-de-la-fontaine-normande@exemple.fr"


class RefusingBackend(BaseEmailBackend):
    """The SMTP server refuses the recipient, as Postfix answers for an unknown mailbox."""

    def send_messages(self, email_messages):
        raise SMTPRecipientsRefused(
            {
                ADDRESS: (
                    550,
                    f"5.1.1 <{ADDRESS}>: Recipient address rejected: User unknown".encode(),
                )
            }
        )


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_outbox_state_on_the_journal(browser, live_server, reference_geography, width):
    email_queue(EmailMessage("Rappel", "Bonjour", settings.DEFAULT_FROM_EMAIL, [ADDRESS]))
    email_queue(EmailMessage("Rappel", "Bonjour", settings.DEFAULT_FROM_EMAIL, ["b@exemple.fr"]))
    refusing = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": f"{__name__}.RefusingBackend"},
        "MAX_RETRIES": 0,
    }
    with override_settings(POST_OFFICE=refusing):
        outbox_send()
    coordinator = UserFactory(coordinator=True)
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": width, "height": 860}
    )
    page = context.new_page()
    log_in(page, coordinator.email)
    page.wait_for_url(live_server.url + "/")

    page.goto("/coordination/journal/")

    section = page.locator("section.outbox-state")
    assert section.locator("h2").inner_text() == "Envoi des e-mails"
    assert "En attente : 0 · Envoyés : 0 · En échec : 2" in section.inner_text()
    assert "SMTPRecipientsRefused" in section.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert serious_violations(page) == []
    context.close()

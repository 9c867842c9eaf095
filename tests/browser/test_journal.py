"""The journal page on a phone: the page never scrolls sideways, its table scrolls inside its
own focusable region."""

import pytest

from maillage.audit.services import audit_record
from tests.browser.test_booking import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 375])
def test_journal_fits_a_phone(page, live_server, width):
    coordinator = UserFactory(coordinator=True)
    audit_record(
        actor=coordinator,
        action="booking.cancel",
        object_type="booking.booking",
        object_id="0b7f3a52-9c1e-4d7e-8a55-3f1c2d4e5f60",
        summary="Fermeture exceptionnelle du lieu pour travaux de raccordement",
    )
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, coordinator.email)
    page.wait_for_url(live_server.url + "/")

    response = page.goto("/coordination/journal/")

    assert response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth") == width
    region = page.locator(".journal-scroll")
    assert region.get_attribute("tabindex") == "0"
    assert page.locator(".journal-table tbody tr").count() == 1

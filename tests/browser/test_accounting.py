"""The seller's accounting pages on a phone and for axe: no sideways scrolling (the tables
scroll in their own focusable region), no serious accessibility violation."""

from datetime import UTC, datetime

import pytest

from maillage.billing.services import Buyer, credit_note_issue, invoice_create
from tests.billing.conftest import desk_days
from tests.browser.conftest import serious_violations
from tests.browser.test_booking import log_in
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_accounting_pages_fit_and_pass_axe(browser, live_server, reference_geography, width):
    manager = UserFactory()
    seller = LegalEntityFactory(
        name="SCIC La Fabrique du Port", organisation=OrganisationFactory(managers=[manager])
    )
    issued_at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    buyer = Buyer(entity=LegalEntityFactory(name="Industries Normandes SA"))
    invoice = invoice_create(seller=seller, buyer=buyer, lines=[desk_days()], now=issued_at)
    credit_note_issue(
        original=invoice, reason="Journée annulée", lines=[desk_days(1)], now=issued_at
    )
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": width, "height": 860},
        bypass_csp=True,
    )
    page = context.new_page()
    log_in(page, manager.email)
    page.wait_for_url(live_server.url + "/")
    pages = [
        "/comptabilite/",
        f"/comptabilite/{seller.pk}/",
        f"/comptabilite/{seller.pk}/facture/",
        f"/comptabilite/{seller.pk}/avoir/{invoice.public_id}/",
        f"/comptabilite/{seller.pk}/integrite/",
        f"/comptabilite/structure/{seller.organisation_id}/",
    ]
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") == width, path
        assert serious_violations(page) == [], path
    context.close()

"""The invoice page and the buyer's list on a phone (375 px) and a desktop: axe-core finds no
serious WCAG 2.1 A/AA violation, and the page itself never scrolls sideways."""

import pytest
from django.urls import reverse

# The billing fixtures, imported: the browser fixture must stay the one of tests/browser (a
# second session-wide Playwright started elsewhere breaks every later browser test).
from tests.billing.conftest import (  # noqa: F401  (fixtures)
    b2b_invoice,
    b2c_invoice,
    credit_note,
    employer,
    member,
    place_seller,
    seller_manager,
)
from tests.browser.conftest import serious_violations, signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_invoice_pages_pass_axe_and_fit(
    browser,
    live_server,
    reference_geography,
    b2b_invoice,  # noqa: F811  (the imported fixture)
    b2c_invoice,  # noqa: F811  (the imported fixture)
    credit_note,  # noqa: F811  (the imported fixture)
    member,  # noqa: F811  (the imported fixture)
    seller_manager,  # noqa: F811  (the imported fixture)
    width,
):
    visits = {
        member: [
            reverse("billing:my_invoices"),
            reverse("billing:invoice_detail", kwargs={"public_id": b2c_invoice.public_id}),
        ],
        seller_manager: [
            reverse("billing:invoice_detail", kwargs={"public_id": b2b_invoice.public_id}),
            reverse("billing:invoice_detail", kwargs={"public_id": credit_note.public_id}),
        ],
    }
    problems = {}
    for user, paths in visits.items():
        context = signed_in_context(browser, live_server, user, width=width)
        page = context.new_page()
        try:
            for path in paths:
                response = page.goto(path)
                page.wait_for_load_state("networkidle")
                found = [("statut", response.status)] if response.status != 200 else []
                found += serious_violations(page)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    found.append(("défilement horizontal", scroll))
                if found:
                    problems[path] = found
        finally:
            context.close()
    assert problems == {}

"""Employer pages on a phone and on a desk: axe finds no serious violation, the page never
scrolls sideways (the month table scrolls inside its own focusable region)."""

from datetime import timedelta

import pytest

from maillage.employers.services import employee_consent_set
from maillage.places.services import place_create
from tests.booking.conftest import make_resource
from tests.browser.conftest import serious_violations, signed_in_context
from tests.employers.conftest import DECEMBER, book, make_employee, make_employer
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.browser


@pytest.fixture
def account(reference_geography):
    admin = UserFactory(email="rh@acme.fr")
    employer = make_employer(admin)
    place = place_create(data=place_data(operator=OrganisationFactory().pk))
    desk = make_resource(place)
    alice = make_employee(employer, name="Alice Martin-Delacroix de la Grande Fontaine")
    bob = make_employee(employer, email="bob@acme.fr", name="Bob Durand")
    employee_consent_set(user=bob.user, employee=bob, shares_details=True)
    for person in (alice, bob):
        book(person, desk, DECEMBER)
        book(person, desk, DECEMBER + timedelta(days=1), slot="morning")
    return {"admin": admin, "employer": employer, "alice": alice, "bob": bob}


@pytest.mark.parametrize("width", [375, 1280])
def test_employer_pages_pass_axe_and_fit(browser, live_server, account, width):
    employer, alice = account["employer"], account["alice"]
    pages = {
        account["admin"]: [
            "/employeurs/",
            f"/employeurs/{employer.public_id}/?mois=2026-12",
            f"/employeurs/{employer.public_id}/salaries/{alice.public_id}/?mois=2026-12",
        ],
        account["bob"].user: ["/compte/employeur/?mois=2026-12"],
    }
    problems = {}
    for user, paths in pages.items():
        context = signed_in_context(browser, live_server, user, width=width)
        page = context.new_page()
        try:
            for path in paths:
                response = page.goto(path)
                page.wait_for_load_state("networkidle")
                found = [] if response.status == 200 else [("statut", response.status)]
                found += serious_violations(page)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    found.append(("défilement horizontal", scroll))
                if found:
                    problems[path] = found
        finally:
            context.close()
    assert problems == {}

"""A survey's page with its comparison with the model, in chromium: axe-core finds no serious
WCAG 2.1 A/AA violation and nothing scrolls sideways, on a phone (375 px) and a desktop."""

import pytest

from maillage.demand.survey_mapping import guess_mapping
from maillage.demand.survey_reading import survey_table
from maillage.demand.survey_services import survey_import
from tests.browser.conftest import serious_violations, signed_in_context
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

SURVEY = (
    "Commune de résidence;Jours par semaine;Prêt à utiliser un tiers-lieu\r\n"
    "Caen;2;Oui\r\nCaen;3;Oui\r\nCaen;5;Oui\r\nHérouville-Saint-Clair;1;Oui\r\n"
    "Ifs;2;Peut-être\r\n"
).encode()


@pytest.mark.parametrize("width", [375, 1280])
def test_survey_comparison_is_accessible_and_fits(browser, live_server, reference_geography, width):
    coordinator = UserFactory(coordinator=True)
    table = survey_table(SURVEY, filename="enquete.csv")
    survey = survey_import(
        user=coordinator,
        name="Enquête Caen la mer",
        file_name="enquete.csv",
        table=table,
        mapping=guess_mapping(table.columns),
    )
    context = signed_in_context(browser, live_server, coordinator, width=width)
    page = context.new_page()
    try:
        response = page.goto(f"/demande/enquetes/{survey.public_id}/")
        assert response.status == 200
        rows = page.locator("#enquete-comparaison-table tbody tr")
        assert rows.count() == 3
        assert rows.nth(0).locator("th").inner_text() == "Caen 14118"
        assert rows.nth(1).locator("td").first.inner_text() == (
            "secret statistique (moins de 3 personnes)"
        )
        assert (
            page.locator("#enquete-comparaison-lecture")
            .inner_text()
            .startswith("Les répondants expriment 2,2 postes là où le modèle en estime ")
        )
        assert serious_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        assert download.value.suggested_filename == (
            "enquete-enquete-caen-la-mer-comparaison-modele.csv"
        )
    finally:
        context.close()

"""Every public page fits a 320 px and a 375 px phone: no horizontal scroll of the page itself
(wide tables scroll inside their own region)."""

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/lieux/",
    "/reserver/",
    "/observatoire/",
    "/observatoire/departement/14/",
    "/observatoire/scenarios/",
    "/compte/connexion",
    "/compte/inscription",
]


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_horizontal_scroll_on_a_phone(page, path, width):
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") == width

"""The header on a 320 px phone, a 375 px phone and a desktop, signed out and signed in as a
coordinator (the longest menu): it wraps, never widens the page, its text keeps a 4.5:1 contrast on
the background painted behind it, and the coordination menu opens with the keyboard."""

import re

import pytest

from tests.browser.test_booking import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

WIDTHS = [320, 375, 1280]

# The colour of every header link and button and the background actually painted behind it
# (the first ancestor with a non-transparent background), and whether it lies inside the page.
HEADER_TEXT = """() => {
  const painted = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const bg = getComputedStyle(node).backgroundColor;
      if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
    }
    return getComputedStyle(document.body).backgroundColor;
  };
  return [...document.querySelectorAll('.site-header a, .site-header button, .site-header summary')]
    .filter((el) => el.checkVisibility())
    .map((el) => {
      const box = el.getBoundingClientRect();
      return {
        text: el.textContent.trim(),
        color: getComputedStyle(el).color,
        background: painted(el),
        inside: box.left >= 0 && box.right <= document.documentElement.clientWidth,
      };
    });
}"""


def _sign_in(page, live_server, user) -> None:
    log_in(page, user.email)
    page.wait_for_url(live_server.url + "/")


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two computed colours (« rgb(255, 255, 255) »)."""

    def luminance(colour: str) -> float:
        channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_of_white_on_white_and_on_the_header():
    assert contrast("rgb(255, 255, 255)", "rgb(255, 255, 255)") == 1.0
    assert round(contrast("rgb(255, 255, 255)", "rgb(29, 43, 54)"), 1) == 14.5


def _check_header(page, width: int) -> list[dict]:
    assert page.evaluate("document.documentElement.scrollWidth") == width
    items = page.evaluate(HEADER_TEXT)
    for item in items:
        assert contrast(item["color"], item["background"]) >= 4.5, item
        assert item["inside"], item
    return items


@pytest.mark.parametrize("width", WIDTHS)
def test_header_signed_out_fits_and_reads(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    page.wait_for_load_state("networkidle")
    texts = [item["text"] for item in _check_header(page, width)]
    assert texts == [
        "maillage",
        "Carte du territoire",
        "Lieux",
        "Réserver",
        "Agenda",
        "Je veux un lieu",
        "Observatoire",
        "API ouverte",
        "Se connecter",
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_header_for_a_coordinator_fits_reads_and_opens_by_keyboard(page, live_server, width):
    coordinator = UserFactory(coordinator=True)
    page.set_viewport_size({"width": width, "height": 800})
    _sign_in(page, live_server, coordinator)
    page.goto("/lieux/")
    page.wait_for_load_state("networkidle")
    closed = [item["text"] for item in _check_header(page, width)]
    assert closed[-4:] == ["Coordination", "Réseau", "Mon espace", "Se déconnecter"]

    # Keyboard: focus the summary, Enter opens the menu, Tab reaches its first link.
    page.focus(".nav-menu summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('.nav-menu details').open") is True
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Modération"
    opened = [item["text"] for item in _check_header(page, width)]
    assert opened[opened.index("Coordination") + 1 :] == [
        "Modération",
        "Chiffres du réseau",
        "Pass réseau",
        "Reversements aux lieux",
        "Signalements des membres",
        "Consultations",
        "Enquêtes de demande",
        "Label : candidatures",
        "Label : lieux labellisés",
        "Label : critères",
        "Import de lieux",
        "Imports Insee",
        "Scénarios",
        "Études",
        "Journal des actions",
        "Réseau",
        "Mon espace",
        "Se déconnecter",
    ]
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/moderation/")


@pytest.mark.parametrize("width", [320, 375])
def test_observatory_summary_table_scrolls_by_keyboard(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/observatoire/departement/14/")
    region = page.locator(".table-scroll").first
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert region.evaluate("el => el.scrollWidth > el.clientWidth") is True
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=5_000
    )


@pytest.mark.parametrize("path", ["/", "/lieux/", "/observatoire/departement/14/"])
def test_map_zoom_buttons_are_titled_in_french(page, path):
    page.goto(path)
    page.wait_for_selector(".leaflet-control-zoom-in", timeout=20_000)
    titles = page.eval_on_selector_all(
        ".leaflet-control-zoom a", "links => links.map((a) => a.getAttribute('title'))"
    )
    assert titles == ["Zoom avant", "Zoom arrière"]

"""Browser tests drive Debian's headless chromium (/usr/bin/chromium) through Playwright."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without these flags chromium tries to reach Google's services on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, reference_geography):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 860}
    )
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


def signed_in_context(browser, live_server, user, *, width: int, axe: bool = True, **options):
    """A browser context `width` px wide, signed in as `user` through a session cookie (no login
    form to fill). With `axe`, our CSP is bypassed so that axe-core can be injected inline."""
    from django.conf import settings

    from tests.production.seed import session_for

    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": width, "height": 860},
        **({"bypass_csp": True} if axe else {}),
        **options,
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_for(user), "url": live_server.url}]
    )
    return context


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[tuple]:
    """axe-core (WCAG 2.1 A/AA rules) on the page as it is now: its serious and critical
    violations. The page's context must bypass our CSP (`bypass_csp=True`): axe is injected as
    an inline script."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})"
    )
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def serious_accessibility_violations(browser, live_server):
    """Run axe-core (WCAG 2.1 A/AA rules) on a page; return its serious and critical violations.

    axe is injected as an inline script, so this context bypasses our CSP to do so.
    """
    contexts = []

    def check(path: str, ready_selector: str) -> list[tuple]:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        page.wait_for_selector(ready_selector, timeout=20_000)
        return serious_violations(page)

    yield check
    for context in contexts:
        context.close()

"""One Chromium for the whole session, driven by Playwright against pytest-django's live
server; each test gets a fresh browser context. Skips with a message where Chromium or
Playwright is missing. axe-core (tests/browser/axe.min.js, vendored from the npm package
axe-core) checks each page a journey visits."""

import os
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
AXE = Path(__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
    )
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; the tests' database calls
    # are plain synchronous code, so Django's async guard does not apply to them
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser, live_server, monkeypatch):
    """Open a page in a fresh context (its own cookies); axe is injected past the CSP."""
    # the live server's request threads close their connection after each request, so
    # none is left open when the test database is flushed or dropped
    monkeypatch.setitem(connections.settings[DEFAULT_DB_ALIAS], "CONN_MAX_AGE", 0)
    contexts = []

    def open_page(**options):
        context = browser.new_context(bypass_csp=True, base_url=live_server.url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def provider_on_the_live_server(request, settings):
    """The built-in identity provider where the browser finds it: on the live server, which
    the relying party then calls over real HTTP too (tests/oidc points it elsewhere)."""
    if "live_server" not in request.fixturenames:
        return
    site = request.getfixturevalue("live_server").url
    settings.TMVERIFY_OIDC_ISSUER = settings.TMVERIFY_PROVIDER_ISSUER = f"{site}/provider"
    settings.TMVERIFY_OIDC_REDIRECT_URI = f"{site}/accounts/identity/callback/"
    client = settings.TMVERIFY_PROVIDER_CLIENTS[settings.TMVERIFY_OIDC_CLIENT_ID]
    settings.TMVERIFY_PROVIDER_CLIENTS = {
        settings.TMVERIFY_OIDC_CLIENT_ID: {**client, "redirect_uris": [settings.TMVERIFY_OIDC_REDIRECT_URI]}
    }


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def accessible():
    """`accessible(page)` fails with every axe-core violation on the page as it is now."""
    return check_accessibility


def check_accessibility(page) -> None:
    """Fail with every axe-core violation on the page as it is now, once its document has
    loaded (a check run right after a redirect's URL changed may meet an empty document:
    seen on PostgreSQL under load, "no main landmark" on the console's front page)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]
    assert not problems, f"axe-core on {page.url}:\n" + "\n".join(problems)

"""One paper review in a real browser: an examiner signs in to the console, opens the
oldest pending form, sees the scan and approves it with a reason."""

import os
import re

import pytest
from console_people import officer, person, scan

from accounts import services as accounts
from accounts.models import PaperVerification, User

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

pytestmark = pytest.mark.browser


@pytest.fixture
def page(monkeypatch):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
    )
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; the test's own database
    # calls are plain synchronous code, so Django's async guard does not apply to them
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            tab = browser.new_page()
            tab.set_default_timeout(15_000)
            yield tab
        finally:
            browser.close()


def test_an_examiner_approves_a_paper_form_in_the_browser(live_server, page):
    erin = officer("erin", "examiner")  # examiner
    erin.set_password("examiner-password-1")
    erin.save(update_fields=["password"])
    paula = person("paula", verified=False)  # owner who mailed a notarized form with a scan
    paper = accounts.file_paper_verification(
        paula, role="owner", document_country="US", document_number="P-1", scan=scan()
    )

    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{live_server.url}/console/")
    expect(page).to_have_url(re.compile(r"/console/login/\?next=/console/$"))
    page.fill("#id_username", "erin@example.test")
    page.fill("#id_password", "examiner-password-1")
    page.click("input[type=submit]")
    page.click("text=Paper verifications pending review")
    expect(page.locator("#result_list")).to_contain_text("paula@example.test")
    page.click(f"a[href$='/console/accounts/paperverification/{paper.pk}/change/']")

    # the scan is shown through the console's own view and really loads
    image = page.locator("img.console-scan")
    expect(image).to_have_attribute("src", f"/console/accounts/paperverification/{paper.pk}/scan/")
    scan_response = page.request.get(f"{live_server.url}/console/accounts/paperverification/{paper.pk}/scan/")
    assert scan_response.status == 200 and scan_response.headers["content-type"] == "image/png"

    page.click("a.console-action:has-text('Approve')")
    expect(page.locator("h1")).to_contain_text("Approve")
    page.fill("textarea[name=note]", "Notary seal and ID match")
    page.click("input[type=submit][value=Approve]")
    expect(page.locator(".messagelist")).to_contain_text("Paper verification approved")

    paper.refresh_from_db()
    assert (paper.state, paper.reviewed_by_id, paper.review_reason) == ("approved", erin.pk, "Notary seal and ID match")
    assert User.objects.get(pk=paula.pk).identity_state == "verified"
    assert not PaperVerification.objects.filter(state="pending").exists()

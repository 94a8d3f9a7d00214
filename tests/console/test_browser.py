"""One paper review in a real browser: an examiner signs in to the console (password, then
her authenticator app's code: office staff always give a second factor), opens the oldest
pending form, sees the scan and approves it with a reason."""

import os
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from console_people import officer, person, scan
from django.db import DEFAULT_DB_ALIAS, connections
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services as accounts
from accounts.models import PaperVerification, User

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

pytestmark = pytest.mark.browser


@pytest.fixture
def playwright_api(monkeypatch):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
    )
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # the live server's request threads close their connection after each request, so
    # none is left open when the test database is flushed or dropped
    monkeypatch.setitem(connections.settings[DEFAULT_DB_ALIAS], "CONN_MAX_AGE", 0)
    return sync_api


def in_own_thread(steps, *args):
    """Drive the browser from a thread of its own: Playwright's sync API refuses a thread
    whose event loop is taken (tests/browser keeps one Chromium for the session), and the
    test's database work stays on the test's connection."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(steps, *args).result()


@contextmanager
def chromium_page(sync_api):
    """A fresh page in Debian's Chromium."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def review_in_browser(sync_api, base, paper_pk, code):
    expect = sync_api.expect
    change_url = f"/console/accounts/paperverification/{paper_pk}/change/"
    scan_url = f"/console/accounts/paperverification/{paper_pk}/scan/"
    with chromium_page(sync_api) as page:
        page.goto(f"{base}/console/")
        expect(page).to_have_url(re.compile(r"/console/login/\?next=/console/$"))
        page.fill("#id_username", "erin@example.test")
        page.fill("#id_password", "examiner-password-1")
        page.click("input[type=submit]")
        expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?next=%2Fconsole%2F$"))
        page.fill("#id_code", code)
        page.click("button:has-text('Continue')")
        page.click("text=Paper verifications pending review")
        expect(page.locator("#result_list")).to_contain_text("paula@example.test")
        page.click(f"a[href$='{change_url}']")

        # the scan is shown through the console's own view and really loads
        expect(page.locator("img.console-scan")).to_have_attribute("src", scan_url)
        scan_response = page.request.get(f"{base}{scan_url}")
        assert scan_response.status == 200
        assert scan_response.headers["content-type"] == "image/png"

        page.click("a.console-action:has-text('Approve')")
        expect(page.locator("h1")).to_contain_text("Approve")
        page.fill("textarea[name=note]", "Notary seal and ID match")
        page.click("input[type=submit][value=Approve]")
        expect(page.locator(".messagelist")).to_contain_text("Paper verification approved")


def test_an_examiner_approves_a_paper_form_in_the_browser(live_server, playwright_api):
    erin = officer("erin", "examiner")  # examiner
    erin.set_password("examiner-password-1")
    erin.save(update_fields=["password"])
    paula = person("paula", verified=False)  # owner who mailed a notarized form with a scan
    paper = accounts.file_paper_verification(
        paula, role="owner", document_country="US", document_number="P-1", scan=scan()
    )
    phone = TOTPDevice.objects.create(user=erin, name="Erin's phone")
    code = f"{totp(phone.bin_key):06d}"  # what her authenticator app shows
    in_own_thread(review_in_browser, playwright_api, live_server.url, paper.pk, code)

    paper.refresh_from_db()
    assert (paper.state, paper.reviewed_by_id, paper.review_reason) == ("approved", erin.pk, "Notary seal and ID match")
    assert User.objects.get(pk=paula.pk).identity_state == "verified"
    assert not PaperVerification.objects.filter(state="pending").exists()

"""`make screenshots`: the key pages at 1280 px and 390 px, written to docs/screenshots/
(SCREENSHOTS_DIR) as NAME-WIDTH.png. Not a test of the suite (its name is not test_*.py):
pytest runs it only when named, as the Makefile does, against the live server with the
personas of tests/factories.py."""

import os
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications import services as filings
from applications.models import Application
from applications.services import Signer
from tests import factories
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
FOLDER = Path(os.environ.get("SCREENSHOTS_DIR", Path(__file__).resolve().parents[2] / "docs" / "screenshots"))


@pytest.fixture
def people(settings, live_server, tmp_path):
    # development's mail, so the outbox page has the signing mail to show
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "tmverify.outbox.OutboxBackend"
    settings.TMVERIFY_OUTBOX_DIR = tmp_path / "outbox"
    settings.TMVERIFY_SITE_URL = live_server.url
    dana = factories.dana()
    factories.li()
    sam = factories.supervisor()
    phone = TOTPDevice.objects.create(user=sam, name="Sam's phone")  # office staff give a second factor
    draft = factories.draft(dana, applicant=factories.sunwave(street="", email="dana@example.test"))
    signing = factories.draft(dana)
    link = filings.request_signature(dana, signing, Signer("Chen Hua", "chen.hua@sunwave.example"))
    return {"draft": draft, "token": link.token, "phone": phone}


def shots(people):
    """(name, who signs in or None, language, path) for each key page."""
    draft = Application.objects.get(pk=people["draft"].pk)
    return [
        ("home", None, "en", "/"),
        ("sign-up", None, "en", "/accounts/signup/"),
        ("rules", None, "en", "/rules/#R16"),
        ("dashboard-li", "li@example.test", "en", "/filings/"),
        ("identity-li", "li@example.test", "en", "/accounts/identity/"),
        ("new-application-li", "li@example.test", "en", "/filings/new/"),
        ("new-application-li-zh", "li@example.test", "zh-hans", "/filings/new/"),
        ("filing-dana", "dana@example.test", "en", f"/filings/{draft.pk}/"),
        ("filing-dana-zh", "dana@example.test", "zh-hans", f"/filings/{draft.pk}/"),
        ("outbox", "dana@example.test", "en", "/outbox/"),
        ("signing-page-chen", None, "en", f"/filings/sign/#{people['token']}"),
        ("not-found", "li@example.test", "en", f"/filings/{draft.pk}/"),
        ("forbidden-console", "li@example.test", "zh-hans", "/console/"),
        ("console-signals-sam", "sam@example.test", "en", "/console/signals/"),
    ]


def test_write_the_screenshots(new_page, people):
    FOLDER.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        pages = {}
        for name, who, language, path in shots(people):
            key = (who, language)
            if key not in pages:
                page = pages[key] = new_page(viewport={"width": width, "height": 900})
                if who:
                    sign_in(page, who)
                if who == "sam@example.test":
                    # a code is taken once: each width signs in with the next 30-second step's
                    phone = people["phone"]
                    phone.refresh_from_db()
                    app = TOTP(phone.bin_key, phone.step, phone.t0, phone.digits, phone.drift)
                    app.time = time.time() + WIDTHS.index(width) * phone.step
                    page.fill("#id_code", f"{app.token():06d}")
                    page.click("button:has-text('Continue')")
                if language != "en":
                    page.goto("/")
                    page.select_option("#language-select", language)
                    page.click("form.lang button")
            page = pages[key]
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(FOLDER / f"{name}-{width}.png"), full_page=True)
    assert len(list(FOLDER.glob("*.png"))) >= 2 * len(shots(people))

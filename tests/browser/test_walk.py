"""Issue 22, a newcomer's walk, in Chromium: each journey the walk found broken, with
axe-core on every page visited."""

import re

import pytest

from applications.models import Application
from tests import factories
from tests.browser.test_journeys import expect, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}}
LONG_EMAIL = "procurement.and.trademark.department.long-address@shenzhen-sunwave-electronics-group.example"


def no_sideways_scroll(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways at {widths[1]} px: {widths[0]} px wide"


def to_chinese(page):
    page.select_option("#language-select", "zh-hans")
    page.click("form.lang button")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_on_a_phone_the_filing_pages_fit_and_the_chinese_switcher_keeps_its_words(new_page, accessible):
    dana = factories.dana()
    factories.draft(dana, applicant=factories.sunwave(email=LONG_EMAIL))
    page = new_page(**PHONE)
    sign_in(page, "dana@example.test")
    expect(page).to_have_url(re.compile(r"/filings/$"))  # sign-in lands on the dashboard
    filing = Application.objects.get()
    for path in ("/filings/", f"/filings/{filing.pk}/", f"/filings/{filing.pk}/edit/", "/rules/"):
        page.goto(path)
        no_sideways_scroll(page)
        accessible(page)
    page.goto(f"/filings/{filing.pk}/")
    expect(page.locator("main")).to_contain_text(LONG_EMAIL)

    to_chinese(page)
    no_sideways_scroll(page)
    # the label and the button of the language form stay on one line each
    for selector in ("form.lang label", "form.lang button"):
        box = page.locator(selector).bounding_box()
        line = page.locator(selector).evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24")
        assert box["height"] < 2 * line, f"{selector} wraps: {box['height']} px high"
    accessible(page)


def test_a_stranger_meets_the_sites_not_found_page_and_a_filer_the_sites_forbidden_page(new_page, accessible):
    dana = factories.dana()
    filing = factories.draft(dana)
    factories.li()
    page = new_page()
    sign_in(page, "li@example.test")
    response = page.goto(f"/filings/{filing.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("There is nothing here for you")
    accessible(page)
    response = page.goto("/console/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("This page is not for your account")
    accessible(page)
    to_chinese(page)
    expect(page.locator("h1")).to_have_text("您的账户不能打开此页面")
    accessible(page)


def test_a_supervisor_reads_the_fraud_signals_and_axe_finds_nothing(new_page, accessible):
    factories.supervisor()
    page = new_page()
    sign_in(page, "sam@example.test")
    expect(page).to_have_url(re.compile(r"/console/$"))
    accessible(page)
    page.click("text=Fraud signals")
    expect(page.locator("#signals")).to_be_visible()
    accessible(page)
    page.click("text=Signatures entered by someone other than the signer")
    accessible(page)

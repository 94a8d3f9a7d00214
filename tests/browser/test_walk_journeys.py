"""Issue 22, a newcomer's walk, in Chromium: each journey the walk found broken, with
axe-core on every page visited."""

import re

import pytest

from applications.models import Application
from tests import factories
from tests.browser.test_journeys import a_phone, expect, fill_sunwave, give_the_code, sign_in

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
    sam = factories.supervisor()
    phone = a_phone(sam)
    page = new_page()
    sign_in(page, "sam@example.test")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?next=%2Fconsole%2F$"))
    give_the_code(page, phone)
    expect(page).to_have_url(re.compile(r"/console/$"))  # sign-in lands an office account on the console
    accessible(page)
    page.click("text=Fraud signals")
    expect(page.locator("#signals")).to_be_visible()
    accessible(page)
    page.click("text=Signatures entered by someone other than the signer")
    accessible(page)


SELLER_WORDS = {
    "en": {"verified": "You live outside the United States", "counsel": "A US attorney is needed"},
    "zh-hans": {"verified": "您居住在美国境外", "counsel": "需要美国律师"},
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_chinese_seller_verifies_by_video_and_files_for_her_company_through_a_us_attorney(
    new_page, accessible, language
):
    # Li Wei sells for Shenzhen Sunwave; she signed up and is not verified yet, in English or in Chinese
    factories.dana()  # the US attorney she will name
    factories.li()
    page = new_page()
    sign_in(page, "li@example.test")
    if language != "en":
        to_chinese(page)
    words = SELLER_WORDS[language]

    # before typing, the form says what she still needs, with the link to do it (point 3)
    page.goto("/filings/new/")
    expect(page.locator("#before-saving li[data-code=identity_unverified]")).to_be_visible()
    accessible(page)
    page.click("#before-saving li[data-code=identity_unverified] a:not(.rule-link)")
    expect(page).to_have_url(re.compile(r"/accounts/identity/$"))
    # the same sentence as the dashboard's (point 6)
    expect(page.locator("#identity-standing")).to_have_attribute("data-status", "unverified")
    accessible(page)

    # video verification through the provider's pages, then R16 where it bites (point 4)
    page.check("input[name=role][value=owner]")
    page.check("input[name=method][value=video]")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/provider/authorize/"))  # the provider's own page (OpenID Connect)
    accessible(page)
    page.select_option("#id_document_country", "CN")
    page.fill("#id_document_number", "E12345678")
    page.check("input[name=outcome][value=pass]")
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/identity/$"))
    expect(page.locator(".messages")).to_contain_text(words["verified"])
    expect(page.locator("#us-counsel-heading")).to_contain_text(words["counsel"])
    expect(page.locator("#identity-standing")).to_have_attribute("data-status", "verified")
    accessible(page)

    # the company under the "my own name" box is a form error, nothing saved (point 1)
    page.goto("/filings/new/")
    expect(page.locator("#before-saving")).to_have_count(0)
    expect(page.locator("#id_applicant_is_me")).not_to_be_checked()
    page.check("#id_applicant_is_me")
    fill_sunwave(page)  # her company, a corporation
    page.click("button[value=save]")
    expect(page.locator("#id_entity[aria-invalid=true]")).to_have_count(1)
    accessible(page)
    assert not Application.objects.exists()
    page.uncheck("#id_applicant_is_me")
    page.click("button[value=save]")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "draft")
    expect(page.locator(".reasons li[data-code=us_counsel_required]")).to_have_count(1)
    expect(page.locator("#us-counsel")).to_be_visible()
    accessible(page)
    assert Application.objects.get().applicant.entity == "corporation"

    # she names Dana, who is asked to accept (R24)
    page.fill("#id_email", "dana@example.test")
    page.click("form[action$='/appoint/'] button[type=submit]")
    expect(page.locator("#attorneys-pending")).to_contain_text("Dana Kim")
    accessible(page)


def test_in_development_the_signing_mail_is_in_the_outbox_and_its_link_opens_the_signing_page(
    new_page, accessible, settings, live_server, tmp_path
):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "tmverify.outbox.OutboxBackend"
    settings.TMVERIFY_OUTBOX_DIR = tmp_path / "outbox"
    settings.TMVERIFY_SITE_URL = live_server.url  # what `make run` sets to its own address
    factories.draft(factories.dana())
    dana_page = new_page()
    sign_in(dana_page, "dana@example.test")
    dana_page.goto(f"/filings/{Application.objects.get().pk}/")
    dana_page.fill("#signer_name", "Chen Hua")
    dana_page.fill("#signer_email", "chen.hua@sunwave.example")
    dana_page.click("text=Send signing link")
    expect(dana_page.locator(".messages")).to_contain_text("A signing link was emailed to Chen Hua")
    dana_page.click("#outbox-link")
    newest = dana_page.locator(".outbox-message").first  # Dana's own confirmation mail comes before
    expect(newest.locator(".mail-to")).to_have_text("chen.hua@sunwave.example")
    accessible(dana_page)

    link = newest.locator(".mail-body a[href*='/filings/sign/']").get_attribute("href")
    chen_page = new_page()  # Chen's own browser, as if she opened her mail
    chen_page.goto(link)
    expect(chen_page.locator("h1")).to_have_text("Signature requested from Chen Hua")
    accessible(chen_page)


def test_without_javascript_an_empty_form_and_a_company_under_the_own_name_box_are_form_errors(new_page, accessible):
    factories.person("olive", verified=True)  # a US owner; her browser runs no script
    page = new_page(java_script_enabled=False)
    sign_in(page, "olive@example.test")
    page.goto("/filings/new/")
    page.click("button[value=save]")
    expect(page.locator("#filing-form .notice.bad")).to_contain_text("The form is empty")
    page.check("#id_applicant_is_me")
    page.fill("#id_name", "Olive Grove LLC")
    page.select_option("#id_entity", "llc")
    page.fill("#id_mark", "OLIVE GROVE")
    page.click("button[value=save]")
    expect(page.locator("#id_name[aria-invalid=true]")).to_have_count(1)
    expect(page.locator("#id_entity[aria-invalid=true]")).to_have_count(1)
    assert not Application.objects.exists()
    page.uncheck("#id_applicant_is_me")
    page.click("button[value=save]")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "draft")
    assert Application.objects.get().applicant.name == "Olive Grove LLC"
    axe_page = new_page()  # axe needs script: the form with its errors, checked where it runs
    sign_in(axe_page, "olive@example.test")
    axe_page.goto("/filings/new/")
    axe_page.click("button[value=save]")
    accessible(axe_page)

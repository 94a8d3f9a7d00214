"""The filer journeys in a real browser, each page checked with axe-core."""

import re

import pytest
from django.core import mail

from accounts.models import User
from applications import services as filings
from applications.models import Application
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def expect(locator):
    return pytest.importorskip("playwright.sync_api").expect(locator)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).not_to_have_text("Sign in")


def sign_as_li(page):
    """Li signs on the signing page, as the CEO of her company."""
    page.fill("#id_signature", "/Li Wei/")
    page.fill("#id_name", "Li Wei")
    page.fill("#id_title", "CEO")
    page.check("#id_declaration")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("your signature is recorded")


def through_provider(page, accessible=None, *, outcome="pass", number="A1234567", method="online", role="owner"):
    page.goto("/accounts/identity/")
    page.check(f"input[name=role][value={role}]")
    page.check(f"input[name=method][value={method}]")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/provider/check/"))
    if accessible:
        accessible(page)
    page.select_option("#id_document_country", "US")
    page.fill("#id_document_number", number)
    page.check(f"input[name=outcome][value={outcome}]")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check finished")
    if accessible:
        accessible(page)
    page.click("text=Return to tmverify")
    expect(page).to_have_url(re.compile(r"/accounts/identity/$"))


def fill_sunwave(page):
    page.fill("#id_name", "Shenzhen Sunwave Co., Ltd.")
    page.select_option("#id_entity", "corporation")
    page.fill("#id_citizenship", "CN")
    page.fill("#id_email", "legal@sunwave.example")
    page.fill("#id_street", "8 Keji Rd")
    page.fill("#id_city", "Shenzhen")
    page.select_option("#id_country", "CN")
    page.fill("#id_mark", "SUNWAVE")
    page.check("input[name=basis][value='1b']")
    page.select_option("#id_goods-0-entry", "009-001")


def test_owner_signs_up_verifies_online_and_files(page, accessible):
    page.goto("/")
    accessible(page)
    page.click("main a.button:has-text('Create an account')")
    accessible(page)
    page.fill("#id_first_name", "Olive")
    page.fill("#id_last_name", "Owner")
    page.fill("#id_email", "olive@example.test")
    page.select_option("#id_country", "US")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your identity")
    accessible(page)

    through_provider(page, accessible)
    expect(page.locator("#identity-status")).to_have_attribute("data-status", "verified")
    accessible(page)

    page.click("main a:has-text('Go to my filings')")
    page.click("text=Start a new application")
    expect(page.locator("#id_applicant_is_me")).to_be_checked()
    page.fill("#id_street", "12 Main St")
    page.fill("#id_city", "Springfield")
    page.fill("#id_citizenship", "US")
    page.fill("#id_mark", "OLIVE GROVE")
    page.check("input[name=basis][value='1b']")
    page.select_option("#id_goods-0-entry", "025-001")  # T-shirts
    # the fee follows the entries (the little script asks the server)
    expect(page.locator("#fee-quote")).to_contain_text("$250")
    page.fill("#id_goods-1-nice_class", "25")
    page.fill("#id_goods-1-text", "Clothing with olive-tree prints")
    page.locator("#id_goods-1-text").blur()
    expect(page.locator("#fee-quote")).to_contain_text("$350")
    accessible(page)
    page.click("button[value=save]")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "draft")
    expect(page.locator(".reasons")).to_contain_text("signature_required")
    accessible(page)

    page.fill("#id_signature", "/Olive Owner/")
    page.fill("#id_title", "Owner")
    page.check("#id_declaration")
    page.click("form[action$='/sign/'] button[type=submit]")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "signed")
    page.click("text=Go to submission")
    accessible(page)
    page.click("text=Submit the application")
    expect(page.locator("h1")).to_have_text("Filing receipt")
    accessible(page)
    application = Application.objects.get()
    expect(page.locator("#serial")).to_have_text(application.serial_number)
    expect(page.locator("#fee")).to_have_text("$350")
    with page.expect_download() as download:
        page.click("text=Download the signed receipt (JSON)")
    assert download.value.suggested_filename == f"receipt-{application.serial_number}.json"


def test_attorney_files_for_a_chinese_company_and_the_client_signs_by_link(new_page, accessible):
    factories.dana()  # US attorney of record
    factories.li()  # the company's CEO, not verified
    dana_page = new_page()
    sign_in(dana_page, "dana@example.test")
    dana_page.goto("/filings/new/")
    expect(dana_page.locator("#id_attorney_email")).to_have_value("dana@example.test")
    fill_sunwave(dana_page)
    dana_page.click("button[value=save]")
    expect(dana_page.locator("#filing-state")).to_have_attribute("data-state", "draft")
    dana_page.fill("#id_email", "li@example.test")
    dana_page.click("text=Send signing link")
    expect(dana_page.locator(".messages")).to_contain_text("A signing link was emailed to Li Wei")
    expect(dana_page.locator("#filing-state")).to_have_attribute("data-state", "awaiting_signature")

    link, code = re.search(r"https?://[^/\s]+(/filings/sign/#(\S+))", mail.outbox[-1].body).groups()
    client_page = new_page()  # Li's own browser, no account session
    client_page.goto(link)
    expect(client_page.locator("main")).to_contain_text("Portable solar chargers")
    # the page's script posted the code from the fragment and dropped it from the address
    assert code not in client_page.url and "#" not in client_page.url
    expect(client_page.locator("main")).to_contain_text("18 U.S.C. 1001")
    accessible(client_page)
    sign_as_li(client_page)
    accessible(client_page)

    dana_page.goto("/filings/")
    accessible(dana_page)
    dana_page.click("main h2 a:has-text('SUNWAVE')")
    dana_page.click("text=Go to submission")
    dana_page.click("text=Submit the application")
    expect(dana_page.locator("#fee")).to_have_text("$250")
    assert Application.objects.get().state == "submitted"


def test_a_client_without_javascript_pastes_the_code_from_the_mail_and_signs(new_page, accessible):
    dana = factories.dana()  # US attorney of record
    li = factories.li()  # the company's CEO, whose browser runs no script
    filings.request_signature(dana, factories.draft(dana), li)
    link, code = re.search(r"https?://[^/\s]+(/filings/sign/#(\S+))", mail.outbox[-1].body).groups()
    client_page = new_page(java_script_enabled=False)
    client_page.goto(link)
    expect(client_page.locator("h1")).to_contain_text("Sign a trademark application")
    client_page.fill("#id_code", code)
    client_page.click("main button[type=submit]")
    expect(client_page.locator("main")).to_contain_text("Portable solar chargers")
    sign_as_li(client_page)
    assert Application.objects.get().state == "signed"
    form_page = new_page()  # axe needs script: the code's form, checked in a browser that runs it
    form_page.goto("/filings/sign/")
    accessible(form_page)


def test_paralegal_prepares_and_the_attorney_signs(new_page, accessible):
    dana = factories.dana()  # the attorney
    factories.pat(attorney=dana)  # her sponsored paralegal
    pat_page = new_page()
    sign_in(pat_page, "pat@example.test")
    pat_page.goto("/filings/new/")
    expect(pat_page.locator("#id_attorney_email")).to_have_value("dana@example.test")
    fill_sunwave(pat_page)
    pat_page.click("button[value=save]")
    expect(pat_page.locator("#sign")).to_contain_text("Support staff never sign")
    assert pat_page.locator("#id_signature").count() == 0
    accessible(pat_page)

    dana_page = new_page()
    sign_in(dana_page, "dana@example.test")
    dana_page.goto(pat_page.url)
    dana_page.fill("#id_signature", "/Dana Kim/")
    dana_page.fill("#id_title", "Attorney of record")
    dana_page.check("#id_declaration")
    dana_page.click("form[action$='/sign/'] button[type=submit]")
    expect(dana_page.locator("#filing-state")).to_have_attribute("data-state", "signed")

    pat_page.reload()
    pat_page.click("text=Go to submission")
    pat_page.click("text=Submit the application")
    expect(pat_page.locator("h1")).to_have_text("Filing receipt")
    application = Application.objects.get()
    assert application.submitted_by.email == "pat@example.test"


def test_a_blocked_submission_shows_its_reasons(page, accessible):
    dana = factories.dana()
    application = factories.draft(dana, applicant=factories.sunwave(street="", email="dana@example.test"))
    sign_in(page, "dana@example.test")
    page.goto(f"/filings/{application.pk}/submit/")
    reasons = page.locator(".reasons")
    for code in ("signature_required", "attorney_email_conflict", "domicile_required"):
        expect(reasons).to_contain_text(code)
    assert page.locator("text=Submit the application").count() == 0
    accessible(page)
    page.click(".reasons li:has-text('domicile_required') a")
    expect(page.locator("h1")).to_have_text("Edit application")


def test_a_locked_verification(page, accessible):
    factories.person("lou")  # an owner whose document keeps failing
    sign_in(page, "lou@example.test")
    through_provider(page, accessible, outcome="fail")
    for _ in range(4):
        through_provider(page, outcome="fail")
    expect(page.locator("#identity-status")).to_have_attribute("data-status", "locked")
    expect(page.locator("main")).to_contain_text("notarized paper form")
    accessible(page)
    assert User.objects.get(email="lou@example.test").identity_status == "locked"

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


def a_phone(account):
    """The authenticator app an office account signs in with (office staff always give a
    second factor)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=account, name=f"{account.first_name}'s phone")


def give_the_code(page, phone):
    """After the password: the code the phone shows now, on the second-factor page."""
    from django_otp.oath import totp

    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
    page.fill("#id_code", f"{totp(phone.bin_key):06d}")
    page.click("button:has-text('Continue')")


def through_provider(page, accessible=None, *, outcome="pass", number="A1234567", method="online", role="owner"):
    """tmverify sends the browser to the provider's authorization endpoint (OpenID
    Connect); its page checks the document, and sends the browser back with a code."""
    page.goto("/accounts/identity/")
    page.check(f"input[name=role][value={role}]")
    page.check(f"input[name=method][value={method}]")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/provider/authorize/\?.*code_challenge_method=S256"))
    if accessible:
        accessible(page)
    page.select_option("#id_document_country", "US")
    page.fill("#id_document_number", number)
    page.check(f"input[name=outcome][value={outcome}]")
    page.click("text=Finish the check")
    expect(page).to_have_url(re.compile(r"/accounts/identity/$"))


def request_signature(page, name, email):
    """On a filing's page: ask `name` at `email` to sign; the page confirms what was typed."""
    page.fill("#signer_name", name)
    page.fill("#signer_email", email)
    page.click("text=Send signing link")
    expect(page.locator(".messages")).to_contain_text(f"A signing link was emailed to {name} at {email}.")
    return signing_link_in_the_mail()


def signing_link_in_the_mail():
    """The signing page's path with the code in its fragment, and the code, as the last mail gives them."""
    return re.search(r"https?://[^/\s]+(/filings/sign/#(\S+))", mail.outbox[-1].body).groups()


def sign_through_the_link(page, name, title):
    """On the signing page an emailed link opens: sign as `name`."""
    page.fill("#id_signature", f"/{name}/")
    page.fill("#id_name", name)
    page.fill("#id_title", title)
    page.check("#id_declaration")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("your signature is recorded")


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
    expect(page.locator("h1")).to_have_text("Check your email")
    accessible(page)

    # the link in the mail opens a page; its button confirms, then she signs in
    link = re.search(r"https?://\S+(/accounts/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Confirm your email address")
    accessible(page)
    page.click("main button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your email address is confirmed.")
    page.fill("#id_username", "olive@example.test")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your identity")
    expect(page.locator("#confirm-email-notice")).to_have_count(0)
    accessible(page)

    through_provider(page, accessible)
    expect(page.locator("#identity-status")).to_have_attribute("data-status", "verified")
    accessible(page)

    page.click("main a:has-text('Go to my filings')")
    page.click("text=Start a new application")
    # issue 22: filing in her own name is her choice, never ticked for her
    expect(page.locator("#id_applicant_is_me")).not_to_be_checked()
    page.check("#id_applicant_is_me")
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
    expect(page.locator(".reasons li[data-code=signature_required] a.rule-link")).to_have_text("R15")
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
    link, code = request_signature(dana_page, "Li Wei", "li@example.test")
    expect(dana_page.locator("#filing-state")).to_have_attribute("data-state", "awaiting_signature")

    client_page = new_page()  # Li's own browser, no account session
    client_page.goto(link)
    expect(client_page.locator("main")).to_contain_text("Portable solar chargers")
    # the page's script posted the code from the fragment and dropped it from the address
    assert code not in client_page.url and "#" not in client_page.url
    expect(client_page.locator("main")).to_contain_text("18 U.S.C. 1001")
    accessible(client_page)
    sign_through_the_link(client_page, "Li Wei", "CEO")
    accessible(client_page)

    dana_page.goto("/filings/")
    accessible(dana_page)
    dana_page.click("main h2 a:has-text('SUNWAVE')")
    dana_page.click("text=Go to submission")
    dana_page.click("text=Submit the application")
    expect(dana_page.locator("#fee")).to_have_text("$250")
    assert Application.objects.get().state == "submitted"


def test_an_officer_without_an_account_signs_by_link_and_the_attorney_submits(new_page, accessible):
    # issue 22: Sunwave's CFO has no account here; Dana asks her by name and email (R8, R9, R14)
    factories.draft(factories.dana())
    dana_page = new_page()
    sign_in(dana_page, "dana@example.test")
    dana_page.goto(f"/filings/{Application.objects.get().pk}/")
    expect(dana_page.locator("#request")).to_contain_text("The signer needs no account")
    link, _ = request_signature(dana_page, "Chen Hua", "chen.hua@sunwave.example")
    accessible(dana_page)

    assert mail.outbox[-1].to == ["chen.hua@sunwave.example"]
    assert mail.outbox[-1].body.startswith("Dear Chen Hua,")
    # the page and the mail say the same: no account is needed (issue 22, point 5)
    assert "You do not need an account to sign." in mail.outbox[-1].body
    chen_page = new_page()  # her own browser: she has no account to sign in with
    chen_page.goto(link)
    expect(chen_page.locator("h1")).to_have_text("Signature requested from Chen Hua")
    expect(chen_page.locator("main")).to_contain_text("You do not need an account")
    accessible(chen_page)
    sign_through_the_link(chen_page, "Chen Hua", "Chief Financial Officer")
    assert not User.objects.filter(email="chen.hua@sunwave.example").exists()

    dana_page.reload()
    expect(dana_page.locator("#signatures-heading + ul")).to_contain_text("Chen Hua, Chief Financial Officer")
    dana_page.click("text=Go to submission")
    dana_page.click("text=Submit the application")
    assert Application.objects.get().state == "submitted"


def test_a_client_without_javascript_pastes_the_code_from_the_mail_and_signs(new_page, accessible):
    dana = factories.dana()  # US attorney of record
    li = factories.li()  # the company's CEO, whose browser runs no script
    filings.request_signature(dana, factories.draft(dana), li)
    link, code = signing_link_in_the_mail()
    client_page = new_page(java_script_enabled=False)
    client_page.goto(link)
    expect(client_page.locator("h1")).to_contain_text("Sign a trademark application")
    client_page.fill("#id_code", code)
    client_page.click("main button[type=submit]")
    expect(client_page.locator("main")).to_contain_text("Portable solar chargers")
    sign_through_the_link(client_page, "Li Wei", "CEO")
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
    for code, rule in (("signature_required", "R15"), ("attorney_email_conflict", "R17"), ("domicile_required", "R18")):
        expect(page.locator(f".reasons li[data-code={code}] a.rule-link")).to_have_text(rule)
    # the sentence links its rule; the raw code and "(R18)" are not printed
    expect(page.locator(".reasons")).not_to_contain_text("domicile_required")
    expect(page.locator(".reasons")).not_to_contain_text("(R18)")
    assert page.locator("text=Submit the application").count() == 0
    accessible(page)
    page.click(".reasons li[data-code=domicile_required] a:has-text('Fix this')")
    expect(page.locator("h1")).to_have_text("Edit application")


def test_a_reasons_rule_link_opens_the_rule_on_the_rules_page_in_both_languages(page, accessible):
    dana = factories.dana()
    application = factories.draft(dana)
    sign_in(page, "dana@example.test")
    page.goto(f"/filings/{application.pk}/")
    page.click(".reasons li[data-code=signature_required] a.rule-link")
    expect(page).to_have_url(re.compile(r"/rules/#R15$"))
    expect(page.locator("#R15 h3")).to_contain_text("Ways of signing")
    accessible(page)
    page.select_option("#language-select", "zh-hans")
    page.click("form.lang button")
    expect(page.locator("#R16 h3")).to_contain_text("外国申请人需要美国律师")
    expect(page.locator("h1")).to_have_text("tmverify 执行的规则")
    accessible(page)


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


def test_an_owner_names_an_attorney_who_accepts_from_her_dashboard(new_page, accessible):
    # R24: Olga names Dana; Dana is of record only once she accepts
    factories.dana()
    factories.person("olga", first_name="Olga", last_name="Berg", verified=True)
    olga_page = new_page()
    sign_in(olga_page, "olga@example.test")
    olga_page.goto("/filings/new/")
    olga_page.uncheck("#id_applicant_is_me")
    fill_sunwave(olga_page)
    olga_page.fill("#id_attorney_email", "dana@example.test")
    olga_page.click("button[value=save]")
    expect(olga_page.locator(".messages")).to_contain_text("Dana Kim was asked to accept the appointment")
    expect(olga_page.locator("#checklist-heading + .waiting")).to_contain_text("Waiting for Dana Kim to accept")
    expect(olga_page.locator(".reasons li[data-code=us_counsel_required]")).to_have_count(1)
    accessible(olga_page)

    dana_page = new_page()
    sign_in(dana_page, "dana@example.test")
    dana_page.goto("/filings/")
    expect(dana_page.locator("#appointments")).to_contain_text("named by Olga Berg")
    accessible(dana_page)
    dana_page.click("#appointments a:has-text('SUNWAVE')")
    expect(dana_page.locator("#appointment")).to_contain_text("You are named attorney on this filing")
    accessible(dana_page)
    dana_page.click("#appointment button:has-text('Accept the appointment')")
    expect(dana_page.locator(".messages")).to_contain_text("You are now an attorney of record")
    expect(dana_page.locator("#attorneys-of-record")).to_contain_text("Dana Kim")
    accessible(dana_page)

    olga_page.reload()
    assert olga_page.locator(".waiting").count() == 0
    expect(olga_page.locator(".reasons li[data-code=us_counsel_required]")).to_have_count(0)

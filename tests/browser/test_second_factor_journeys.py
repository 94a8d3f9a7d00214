"""The second factor in a real browser, each page checked with axe-core: enrolling an
authenticator app when the account needs one and signing in with its codes (computed
with django-otp, as the app would), and a security key through Chromium's virtual
authenticator (the DevTools protocol's WebAuthn domain)."""

import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityKey
from tests import factories
from tmverify.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def expect(locator):
    return pytest.importorskip("playwright.sync_api").expect(locator)


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the authenticator app shows now (or `steps_ahead` steps of 30 s later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def password_step(page, email):
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def sign_out(page):
    page.click("header button:has-text('Sign out')")


def keep_codes_and_continue(page, accessible):
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    accessible(page)
    page.click("text=I have kept them: continue")


def test_an_owner_who_must_enrol_adds_an_authenticator_app_and_signs_in_with_its_codes(page, accessible, settings):
    settings.TMVERIFY_REQUIRE_MFA = True
    ada = factories.person("ada", first_name="Ada", last_name="Byron")  # an owner on a site that requires it
    password_step(page, ada.email)
    expect(page).to_have_url(re.compile(r"/accounts/security/\?next="))
    expect(page.locator("#enrol-required")).to_be_visible()
    accessible(page)
    # nothing else opens before she enrols
    page.goto("/accounts/identity/")
    expect(page).to_have_url(re.compile(r"/accounts/security/"))

    page.click("main a:has-text('Add an authenticator app')")
    expect(page.locator("img.qr")).to_be_visible()
    accessible(page)
    phone = TOTPDevice.objects.get(user=ada)
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == _base32(phone)
    page.fill("#id_code", "000000")
    page.click("main button[type=submit]")
    expect(page.locator(".errorlist")).to_contain_text("That code is not right")
    accessible(page)
    page.fill("#id_name", "Phone")
    page.fill("#id_code", app_code(phone))
    page.click("main button[type=submit]")
    keep_codes_and_continue(page, accessible)
    # on to the page she was going to
    expect(page).to_have_url(re.compile(r"/accounts/identity/$"))

    sign_out(page)
    password_step(page, ada.email)
    expect(page.locator("h1")).to_have_text("Second factor")
    accessible(page)
    page.fill("#id_code", "123456" if app_code(phone) != "123456" else "654321")
    page.click("button:has-text('Continue')")
    expect(page.locator(".errorlist")).to_contain_text("That code is not right")
    page.fill("#id_code", app_code(phone, steps_ahead=1))
    page.click("button:has-text('Continue')")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).not_to_have_text("Second factor")
    passed = AuditEvent.objects.filter(action="account.second_factor_passed", actor_id=ada.pk).get()
    assert passed.data == {"kind": "authenticator"}


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def test_a_security_key_is_added_and_signs_in_through_chromiums_virtual_authenticator(page, accessible):
    ada = factories.person("ada", first_name="Ada", last_name="Byron")  # an owner who protects her account
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": False,
                "automaticPresenceSimulation": True,
            }
        },
    )
    password_step(page, ada.email)
    expect(page).to_have_url(re.compile(r"/$"))  # no factor yet, none required: signed in as before
    page.click("header a:has-text('Sign-in security')")
    accessible(page)
    page.click("main a:has-text('Add a security key')")
    accessible(page)
    page.fill("#id_name", "Blue key")
    page.click("main button:has-text('Add the key')")
    keep_codes_and_continue(page, accessible)
    key = SecurityKey.objects.get(user=ada)
    assert key.name == "Blue key"

    sign_out(page)
    password_step(page, ada.email)
    expect(page.locator("h1")).to_have_text("Second factor")
    accessible(page)
    page.click("button:has-text('Use my security key')")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).not_to_have_text("Second factor")
    passed = AuditEvent.objects.filter(action="account.second_factor_passed", actor_id=ada.pk).get()
    assert passed.data == {"kind": "security_key"}
    key.refresh_from_db()
    assert key.last_used_at is not None

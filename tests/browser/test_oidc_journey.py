"""A person verifies her identity through oidc-provider (the OpenID Certified Node.js
provider, tests/oidc) in the browser: tmverify's page, the provider's, and back; an
answer proofed only to IAL1 first, refused with its reason."""

import re

import pytest

from accounts.models import IdentityState, User
from tests.factories import person
from tests.oidc.node import IAL1, IAL2, missing, oidc_provider, point_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(bool(missing()), reason=missing() or "-"),
]


def through_oidc_provider(page, provider, acr):
    """Sign Li in at tmverify, start a video check, answer oidc-provider's page with `acr`
    (a fresh browser each time: oidc-provider would otherwise keep her first sign-in)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", "li@example.test")
    page.fill("#id_password", "correct horse battery staple")
    page.click("main button[type=submit]")
    page.goto("/accounts/identity/")
    page.check("input[name=role][value=owner]")
    page.check("input[name=method][value=video]")
    page.click("main form button[type=submit]")

    page.wait_for_url(re.compile(rf"^{provider.issuer}/interaction/"))
    page.select_option("#account", "li")
    page.check(f"input[name=acr][value='{acr}']")
    page.click("text=Continue")
    page.wait_for_url(re.compile(r"/accounts/identity/$"))


def test_a_person_verifies_through_oidc_provider_in_the_browser(new_page, live_server, settings, accessible):
    callback = f"{live_server.url}/accounts/identity/callback/"
    with oidc_provider(callback) as provider:
        point_at(settings, provider)
        settings.TMVERIFY_OIDC_REDIRECT_URI = callback
        person("li", first_name="Li", last_name="Wei", country="CN")

        # proofed only to IAL1: refused, and she is told why
        page = new_page()
        through_oidc_provider(page, provider, IAL1)
        assert "identity assurance asked for (IAL2)" in page.locator(".messages").inner_text()
        assert page.locator("#identity-status").get_attribute("data-status") == "unverified"
        accessible(page)

        page = new_page()
        through_oidc_provider(page, provider, IAL2)
        assert "Your identity is verified" in page.locator(".messages").inner_text()
        assert page.locator("#identity-status").get_attribute("data-status") == "verified"
        accessible(page)
    account = User.objects.get(email="li@example.test")
    assert (account.identity_state, account.identity_method) == (IdentityState.VERIFIED, "video")

"""tmverify's relying party against a provider nobody here wrote: oidc-provider (the
OpenID Certified Node.js implementation, pinned in tests/oidc/package-lock.json, run with
the machine's Node.js), configured with test clients and a test person's claims
(tests/oidc/provider.mjs). An account is verified through it end to end, in the browser
and through the pages; a refused acr, a wrong nonce, an expired token, a replayed code
and a wrong audience are refused, audited, and change nothing.

Skips with a message where Node.js or tests/oidc/node_modules (`npm ci` in tests/oidc)
is missing."""

import json
import re
import time
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client
from joserfc import jws

from accounts import oidc
from accounts.models import IdentityState, VerificationAttempt, VerificationRequest
from tests.factories import person
from tests.oidc.node import DEFAULT_CALLBACK, IAL1, IAL2, missing, oidc_provider, point_at
from tmverify import audit

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(bool(missing()), reason=missing() or "-")]


@pytest.fixture(scope="module")
def node_provider():
    with oidc_provider(DEFAULT_CALLBACK) as provider:
        yield provider


@pytest.fixture
def li(settings, node_provider):
    point_at(settings, node_provider)
    return person("li", first_name="Li", last_name="Wei", country="CN")  # Chinese seller, her passport


@pytest.fixture
def client(li):
    client = Client()
    client.force_login(li)
    return client


def at_the_provider(client, *, acr=IAL2, method="online") -> str:
    """Start on tmverify's page, then as the person's browser at oidc-provider: open the
    authorization URL, answer its interaction page; the redirect back to tmverify."""
    location = client.post("/accounts/identity/start/", {"role": "owner", "method": method})["Location"]
    with requests.Session() as browser:
        page = browser.get(location, timeout=10)
        assert page.status_code == 200, page.text
        action = re.search(r'action="([^"]+)"', page.text).group(1)
        answer = browser.post(urljoin(page.url, action), data={"account": "li", "acr": acr}, allow_redirects=False)
        while answer.is_redirect and not answer.headers["Location"].startswith(DEFAULT_CALLBACK):
            answer = browser.get(urljoin(answer.url, answer.headers["Location"]), allow_redirects=False, timeout=10)
    assert answer.headers["Location"].startswith(DEFAULT_CALLBACK), answer.text
    return answer.headers["Location"]


def back_at_tmverify(client, location):
    split = urlsplit(location)
    return client.get(f"{split.path}?{split.query}", follow=True)


def assert_refused_and_nothing_changed(response, li, words):
    html = response.content.decode()
    assert "verification_failed" in html and words in html, html[html.find('class="messages') :][:600]
    li.refresh_from_db()
    assert (li.identity_state, li.document_fingerprint) == (IdentityState.UNVERIFIED, "")
    assert not VerificationAttempt.objects.filter(user=li).exists()
    assert audit.trail(li).filter(action="identity.verify.refused").exists()


def test_an_account_is_verified_through_oidc_provider(client, li):
    response = back_at_tmverify(client, at_the_provider(client, method="video"))
    assert "Your identity is verified" in response.content.decode()
    li.refresh_from_db()
    assert (li.identity_state, li.identity_method) == (IdentityState.VERIFIED, "video")


def test_client_authentication_by_private_key_jwt(client, li, settings, node_provider):
    point_at(settings, node_provider, client_id="tmverify-pkjwt")
    settings.TMVERIFY_OIDC_CLIENT_AUTH = "private_key_jwt"
    settings.TMVERIFY_OIDC_CLIENT_KEY = node_provider.private_key
    settings.TMVERIFY_OIDC_CLIENT_KEY_ID = "tmverify-test"
    back_at_tmverify(client, at_the_provider(client))
    li.refresh_from_db()
    assert li.identity_state == IdentityState.VERIFIED


def test_a_refused_acr_is_refused(client, li):
    response = back_at_tmverify(client, at_the_provider(client, acr=IAL1))
    assert_refused_and_nothing_changed(response, li, "identity assurance asked for")


def test_the_providers_refusal_is_a_failed_attempt(client, li):
    location = at_the_provider(client, acr="deny")
    assert "error=access_denied" in location
    response = back_at_tmverify(client, location)
    assert "verification_failed" in response.content.decode()
    assert VerificationAttempt.objects.filter(user=li, outcome="fail").count() == 1  # R5


def test_a_wrong_nonce_is_refused_and_the_code_then_replayed_is_refused_by_the_provider(client, li):
    location = at_the_provider(client)
    # the ID token is for another request than the one the state names
    request = VerificationRequest.objects.get(user=li)
    nonce, request.nonce = request.nonce, "another-requests-nonce"
    request.save()
    assert_refused_and_nothing_changed(back_at_tmverify(client, location), li, "wrong nonce")

    request.nonce = nonce
    request.save()
    # the same code again: oidc-provider redeems a code once
    assert_refused_and_nothing_changed(back_at_tmverify(client, location), li, "would not redeem")


def test_an_expired_token_is_refused(client, li, monkeypatch):
    location = at_the_provider(client)
    # tmverify's clock two hours past the token's life (oidc-provider's ID tokens live one)
    monkeypatch.setattr(oidc, "time", SimpleNamespace(time=lambda: time.time() + 7200))
    assert_refused_and_nothing_changed(back_at_tmverify(client, location), li, "has expired")


def test_a_token_for_another_service_is_refused(client, li, settings, node_provider, monkeypatch):
    # a genuine ID token of this provider, issued to another service ...
    seen = []
    checked = oidc.verified_claims
    monkeypatch.setattr(oidc, "verified_claims", lambda token, **kw: seen.append((token, kw)) or checked(token, **kw))
    point_at(settings, node_provider, client_id="another-service")
    back_at_tmverify(client, at_the_provider(client))
    token, asked = seen[-1]
    assert json.loads(jws.extract_compact(token.encode()).payload)["aud"] == "another-service"
    # ... is refused by tmverify
    point_at(settings, node_provider)
    with pytest.raises(oidc.Refused) as refused:
        checked(token, **asked)
    assert refused.value.reasons[0].message == oidc.CLAIM_PROBLEMS["aud"]


def test_a_replayed_answer_is_refused(client, li):
    location = at_the_provider(client)
    back_at_tmverify(client, location)
    li.refresh_from_db()
    assert li.identity_state == IdentityState.VERIFIED
    attempts = VerificationAttempt.objects.filter(user=li).count()
    replayed = back_at_tmverify(client, location).content.decode()
    # refused at the state, used once: not merely because the account is verified by now
    assert "no open verification of yours" in replayed and "already_verified" not in replayed
    assert VerificationAttempt.objects.filter(user=li).count() == attempts


def test_claims_given_only_by_userinfo_are_read_there_for_the_same_subject(settings):
    # oidc-provider's default, and Login.gov's way: the ID token names the subject, the
    # UserInfo endpoint the person; and a provider of US documents only ("=US")
    with oidc_provider(DEFAULT_CALLBACK, userinfo_only=True) as provider:
        point_at(settings, provider)
        settings.TMVERIFY_OIDC_CLAIMS = {**settings.TMVERIFY_OIDC_CLAIMS, "document_country": "=US"}
        seen = []
        checked = oidc.verified_claims
        oidc_verified = lambda token, **kw: seen.append(checked(token, **kw)) or seen[-1]  # noqa: E731
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(oidc, "verified_claims", oidc_verified)
            ada = person("ada", first_name="Li", last_name="Wei")
            client = Client()
            client.force_login(ada)
            back_at_tmverify(client, at_the_provider(client))
    assert "document_number" not in seen[0] and "given_name" not in seen[0]  # not in the ID token
    ada.refresh_from_db()
    assert ada.identity_state == IdentityState.VERIFIED
    assert ada.document_fingerprint == oidc.services.crypto.fingerprint("US", "E9876543")

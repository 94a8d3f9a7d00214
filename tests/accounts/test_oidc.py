"""tmverify as an OpenID Connect relying party, against the built-in provider over HTTP
(in this process: tests/conftest.py::builtin_provider). Every bad answer is refused with
`verification_failed` and a sentence saying what, is audited, and changes nothing; the
same checks against a provider nobody here wrote: tests/oidc/test_oidc_provider.py."""

import base64
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

from accounts import claims as provider_claims
from accounts import oidc
from accounts.models import IdentityState, VerificationAttempt, VerificationRequest
from provider.issuer import SimulatedProvider, public_jwks, sign_id_token, signing_key
from tests.factories import person, through_the_provider
from tmverify import audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def li():
    # Chinese seller verifying with her passport
    return person("li", first_name="Li", last_name="Wei", country="CN")


@pytest.fixture
def client(li):
    client = Client()
    client.force_login(li)
    return client


def to_the_provider(client, method="online"):
    """Start, and fill the provider's page: the provider's redirect back (code, state)."""
    page = client.get(client.post("/accounts/identity/start/", {"role": "owner", "method": method})["Location"])
    form = {field.name: field.value() or "" for field in page.context["form"]}
    form.update(document_number="E1234567", outcome="pass", authorization=page.context["authorization"])
    return client.post("/provider/authorize/", form)["Location"]


def assert_refused_and_nothing_changed(response, li, words):
    html = response.content.decode()
    assert "verification_failed" in html and words in html, html[html.find("messages") :][:800]
    li.refresh_from_db()
    assert li.identity_state == IdentityState.UNVERIFIED and li.document_fingerprint == ""
    assert not VerificationAttempt.objects.filter(user=li).exists()
    assert audit.trail(li).filter(action="identity.verify.refused").exists()


def test_the_whole_flow_verifies_with_the_name_and_document_the_provider_checked(client, li):
    response = through_the_provider(client, method="video", document_number="E7654321")
    assert "Your identity is verified" in response.content.decode()
    li.refresh_from_db()
    assert (li.identity_state, li.identity_method) == (IdentityState.VERIFIED, "video")
    assert VerificationRequest.objects.get(user=li).used_at is not None


def test_a_wrong_state_is_refused(client, li):
    back = to_the_provider(client)
    code = parse_qs(urlsplit(back).query)["code"][0]
    response = client.get(f"/accounts/identity/callback/?state=not-mine&code={code}", follow=True)
    assert_refused_and_nothing_changed(response, li, "no open verification of yours")


def test_an_answer_naming_another_issuer_is_refused(client, li):
    # RFC 9207: an authorization response from another provider (a mix-up attack)
    back = to_the_provider(client)
    response = client.get(f"{back}&iss=https://evil.example", follow=True)
    assert_refused_and_nothing_changed(response, li, "another identity provider")


def test_another_persons_state_is_refused(client, li):
    back = to_the_provider(client)
    mallory = Client()  # logged in, must get nothing of Li's
    mallory.force_login(person("mallory", first_name="Mallory", last_name="Stone"))
    response = mallory.get(back, follow=True)
    assert "no open verification of yours" in response.content.decode()
    assert client.get(back, follow=True).status_code == 200  # still Li's to finish
    li.refresh_from_db()
    assert li.identity_state == IdentityState.VERIFIED


def test_a_replayed_code_is_refused_by_the_provider(client, li):
    # the first redemption is refused here (the document names someone else, R3), so the
    # request stays open; the same code a second time is the provider's to refuse
    page = client.get(client.post("/accounts/identity/start/", {"role": "owner", "method": "online"})["Location"])
    form = {field.name: field.value() or "" for field in page.context["form"]}
    form.update(
        given_name="Wei", family_name="Zhang", document_number="E1", authorization=page.context["authorization"]
    )
    back = client.post("/provider/authorize/", form)["Location"]
    assert "Wei Zhang" in client.get(back, follow=True).content.decode()

    response = client.get(back, follow=True)

    assert_refused_and_nothing_changed(response, li, "would not redeem")


def test_a_code_redeemed_with_another_verifier_is_refused(client, li):
    # a code stolen from the redirect and injected into another open request (PKCE)
    back = to_the_provider(client)
    code = parse_qs(urlsplit(back).query)["code"][0]
    client.post("/accounts/identity/start/", {"role": "owner", "method": "online"})
    other = VerificationRequest.objects.filter(user=li).latest("pk")
    response = client.get(f"/accounts/identity/callback/?state={other.state}&code={code}", follow=True)
    assert_refused_and_nothing_changed(response, li, "would not redeem")


def test_the_providers_refusal_counts_as_a_failed_attempt(client, li):
    response = through_the_provider(client, outcome="fail")
    assert "verification_failed" in response.content.decode()
    assert VerificationAttempt.objects.filter(user=li, outcome="fail").count() == 1  # R5


def test_a_refused_acr_is_refused(client, li, settings):
    settings.TMVERIFY_OIDC_ACR_VALUES = "urn:acr.login.gov:verified-facial-match-required"
    response = through_the_provider(client)
    assert_refused_and_nothing_changed(response, li, "identity assurance asked for")


def resigned(claims, **kwargs) -> tuple[dict, dict]:
    """The provider's own token, read back (header, claims), to sign anew altered."""
    genuine = jwt.decode(sign_id_token(claims, **kwargs), KeySet.import_key_set(public_jwks()), algorithms=["ES256"])
    return genuine.header, genuine.claims


def altered(change, key=None):
    """A signer like the provider's whose claims `change` alters, signed with `key` (by
    default the provider's own)."""

    def sign(claims, **kwargs):
        header, payload = resigned(claims, **kwargs)
        change(payload)
        return jwt.encode(header, payload, key or signing_key(), algorithms=["ES256"])

    return sign


def unsigned(claims, **kwargs):
    payload = sign_id_token(claims, **kwargs).split(".")[1]
    return f"eyJhbGciOiJub25lIn0.{payload}."  # {"alg":"none"}


# ID tokens the provider's token endpoint hands over, each wrong in one way, and what the
# refusal says
BAD_TOKENS = {
    # issued 10 minutes ago for 5 minutes (1 minute's leeway)
    "expired": (altered(lambda c: c.update(iat=c["iat"] - 600, exp=c["iat"] - 300)), "has expired"),
    "wrong nonce": (altered(lambda c: c.update(nonce="another-requests")), "wrong nonce"),
    "wrong audience": (altered(lambda c: c.update(aud="another-app")), "wrong audience"),
    "another authorized party": (
        altered(lambda c: c.update(aud=[c["aud"], "another-app"], azp="another-app")),
        "wrong authorized party",
    ),
    "wrong issuer": (altered(lambda c: c.update(iss="https://evil.example")), "another issuer"),
    "another key": (altered(lambda c: None, key=ECKey.generate_key("P-256")), "not signed by the provider"),
    "unsigned": (unsigned, "not signed by the provider"),
}


@pytest.mark.parametrize("bad", BAD_TOKENS)
def test_an_id_token_wrong_in_any_way_is_refused(client, li, monkeypatch, bad):
    sign, says = BAD_TOKENS[bad]
    monkeypatch.setattr("provider.views.sign_id_token", sign)
    response = through_the_provider(client)
    assert_refused_and_nothing_changed(response, li, says)


def test_a_provider_that_does_not_answer_opens_nothing(client, li, settings):
    settings.TMVERIFY_OIDC_ISSUER = "http://127.0.0.1:9/provider"  # the discard port: nothing listens
    response = client.post("/accounts/identity/start/", {"role": "owner", "method": "online"}, follow=True)
    assert oidc.UNAVAILABLE in response.content.decode()
    assert not VerificationRequest.objects.exists()
    assert audit.trail(li).filter(action="identity.start.refused").exists()


class Down(oidc.requests.adapters.BaseAdapter):
    def send(self, request, **kwargs):
        raise oidc.requests.ConnectionError("down")

    def close(self):
        pass


def test_a_provider_down_at_the_token_endpoint_changes_nothing(client, li, monkeypatch):
    back = to_the_provider(client)
    oidc.provider_metadata()  # known from the start; the token endpoint then fails
    monkeypatch.setitem(oidc.ADAPTERS, "http://127.0.0.1:8000/provider/token/", Down())
    response = client.get(back, follow=True)
    assert_refused_and_nothing_changed(response, li, "did not answer as it should")
    assert VerificationRequest.objects.get(user=li).used_at is None  # the person may come back


def test_a_provider_whose_keys_cannot_be_fetched_changes_nothing(client, li, monkeypatch):
    back = to_the_provider(client)
    oidc.forget_provider()
    oidc.provider_metadata()  # the discovery document answers; its JWKS does not
    monkeypatch.setitem(oidc.ADAPTERS, "http://127.0.0.1:8000/provider/jwks/", Down())
    response = client.get(back, follow=True)
    assert response.status_code == 200
    assert_refused_and_nothing_changed(response, li, "did not answer as it should")


def test_a_non_ascii_client_secret_is_refused_not_an_error(client):
    for secret in ("é", "密码", "\x00"):
        response = client.post("/provider/token/", {"client_id": "tmverify", "client_secret": secret, "code": "x"})
        assert response.status_code in (400, 401), (secret, response.status_code)
    basic = "Basic " + base64.b64encode("tmverify:é".encode()).decode()
    response = client.post("/provider/token/", {"code": "x"}, HTTP_AUTHORIZATION=basic)
    assert response.status_code in (400, 401)


def test_client_authentication_by_secret_in_the_body(client, li, settings):
    settings.TMVERIFY_OIDC_CLIENT_AUTH = "client_secret_post"
    through_the_provider(client)
    li.refresh_from_db()
    assert li.identity_state == IdentityState.VERIFIED


def test_a_wrong_client_secret_is_refused(client, li, settings):
    settings.TMVERIFY_OIDC_CLIENT_SECRET = "not-the-secret"
    response = through_the_provider(client)
    assert_refused_and_nothing_changed(response, li, "would not redeem")


def rsa_pem() -> tuple[str, dict]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, RSAKey.import_key(pem).as_dict(private=False)


def test_client_authentication_by_private_key_jwt(client, li, settings):
    # Login.gov's way: the client signs an assertion with its key; the provider knows the public half
    pem, public = rsa_pem()
    settings.TMVERIFY_OIDC_CLIENT_AUTH = "private_key_jwt"
    settings.TMVERIFY_OIDC_CLIENT_KEY = pem
    settings.TMVERIFY_OIDC_CLIENT_KEY_ID = "tmverify-1"
    registered = settings.TMVERIFY_PROVIDER_CLIENTS[settings.TMVERIFY_OIDC_CLIENT_ID]
    settings.TMVERIFY_PROVIDER_CLIENTS = {
        settings.TMVERIFY_OIDC_CLIENT_ID: {
            **registered,
            "client_secret": "",
            "jwks": {"keys": [{**public, "kid": "tmverify-1"}]},
        }
    }
    through_the_provider(client)
    li.refresh_from_db()
    assert li.identity_state == IdentityState.VERIFIED


def test_a_private_key_the_provider_does_not_know_is_refused(client, li, settings):
    pem, _ = rsa_pem()
    _, other_public = rsa_pem()
    settings.TMVERIFY_OIDC_CLIENT_AUTH = "private_key_jwt"
    settings.TMVERIFY_OIDC_CLIENT_KEY = pem
    registered = settings.TMVERIFY_PROVIDER_CLIENTS[settings.TMVERIFY_OIDC_CLIENT_ID]
    settings.TMVERIFY_PROVIDER_CLIENTS = {
        settings.TMVERIFY_OIDC_CLIENT_ID: {**registered, "client_secret": "", "jwks": {"keys": [other_public]}}
    }
    response = through_the_provider(client)
    assert_refused_and_nothing_changed(response, li, "would not redeem")


def test_the_claims_map_may_name_a_document_fingerprint_instead_of_the_number(client, li, settings):
    # a provider that gives no document number, only a stable subject per document
    settings.TMVERIFY_OIDC_CLAIMS = {
        **settings.TMVERIFY_OIDC_CLAIMS,
        "document_number": "",
        "document_fingerprint": "sub",
    }
    through_the_provider(client, document_number="E5550001")
    li.refresh_from_db()
    assert li.identity_state == IdentityState.VERIFIED
    assert li.document_fingerprint != oidc.services.crypto.fingerprint("CN", "E5550001")


def test_a_claims_map_that_finds_no_document_is_refused(client, li, settings):
    settings.TMVERIFY_OIDC_CLAIMS = {**settings.TMVERIFY_OIDC_CLAIMS, "document_number": "passport_number"}
    response = through_the_provider(client)
    assert_refused_and_nothing_changed(response, li, "claims map")


def test_the_discovery_document_and_keys_are_a_standard_providers(client):
    discovery = client.get("/provider/.well-known/openid-configuration").json()
    assert discovery["issuer"] == "http://127.0.0.1:8000/provider"
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert "private_key_jwt" in discovery["token_endpoint_auth_methods_supported"]
    keys = client.get("/provider/jwks/").json()["keys"]
    assert [(k["kty"], k["alg"]) for k in keys] == [("EC", "ES256")] and "d" not in keys[0]


def test_the_provider_demands_pkce_and_a_nonce(client, li):
    location = client.post("/accounts/identity/start/", {"role": "owner", "method": "online"})["Location"]
    asked = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    for missing in ("code_challenge", "nonce"):
        query = "&".join(f"{k}={v}" for k, v in asked.items() if k != missing)
        back = client.get(f"/provider/authorize/?{query}")
        assert back.status_code == 302 and "error=invalid_request" in back["Location"], missing


def test_the_simulated_provider_claims_map_to_the_same_result_as_its_token(li):
    claims = SimulatedProvider().issue(
        nonce="n", method="video", passed=True, document_country="CN", document_number="E1"
    )
    result = provider_claims.result_from_claims(json.loads(json.dumps(claims)), method="online")
    assert (result.method, result.document_number, result.passed) == ("video", "E1", True)


class Answers(oidc.requests.adapters.BaseAdapter):
    """A UserInfo endpoint answering `body`."""

    def __init__(self, body):
        super().__init__()
        self.body = body

    def send(self, request, **kwargs):
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(json.dumps(self.body).encode()),
            headers={"Content-Type": "application/json"},
            status=200,
            preload_content=False,
        )
        return oidc.requests.adapters.HTTPAdapter().build_response(request, raw)

    def close(self):
        pass


def test_userinfo_about_another_subject_is_refused(client, li, settings, monkeypatch):
    # the map names a claim the ID token lacks, so UserInfo is asked, and names someone else
    settings.TMVERIFY_OIDC_CLAIMS = {**settings.TMVERIFY_OIDC_CLAIMS, "document_number": "passport_number"}
    metadata = {**oidc.provider_metadata(), "userinfo_endpoint": "http://127.0.0.1:8000/provider/userinfo/"}
    monkeypatch.setattr(oidc, "provider_metadata", lambda: metadata)
    monkeypatch.setitem(
        oidc.ADAPTERS,
        "http://127.0.0.1:8000/provider/userinfo/",
        Answers({"sub": "someone-else", "passport_number": "E1234567"}),
    )
    response = through_the_provider(client)
    assert_refused_and_nothing_changed(response, li, "someone other than its ID token")

"""The identity provider as the app sees it (the relying party's side).

The app trusts a result only when it is signed by the provider, meant for this app,
unexpired, and echoes a nonce the app issued and never used. It knows the provider only
by settings: its start URL, its issuer name and its public key (TMVERIFY_PROVIDER_*),
which is the shape a real OpenID Connect provider (ID token + nonce) would take. The
simulated provider (provider/) is such an outside party; nothing here imports it.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tmverify import clock, crypto


class InvalidProviderResult(Exception):
    """The result is forged, for someone else, expired or malformed."""


@dataclass(frozen=True)
class ProviderResult:
    subject: str
    nonce: str
    method: str
    passed: bool
    document_country: str
    document_number: str
    issued_at: datetime
    expires_at: datetime


def signed_request(request) -> str:
    """The app's request to the provider (nonce, subject, method, where to answer, expiry),
    signed for it. The browser posts it to the provider's start URL
    (TMVERIFY_PROVIDER_START_URL), as OpenID Connect allows an authorization request to
    be, so it never stands in a URL that an access log or a Referer header keeps."""
    return signing.dumps(
        {
            "nonce": request.nonce,
            "sub": str(request.user_id),
            "method": request.method,
            "redirect_uri": reverse("accounts:verification_callback"),
            "exp": request.expires_at.timestamp(),
        },
        salt=settings.TMVERIFY_PROVIDER_AUDIENCE,
    )


def read_result(token: str) -> ProviderResult:
    """Check signature, issuer, audience and expiry; the nonce is the caller's to check."""
    try:
        body_b64, signature = token.split(".")
        body = crypto.b64decode(body_b64)
    except ValueError as exc:
        raise InvalidProviderResult("the result is malformed") from exc
    if not crypto.verify(crypto.public_key(settings.TMVERIFY_PROVIDER_PUBLIC_KEY), body, signature):
        raise InvalidProviderResult("the result's signature is not the provider's")
    try:
        claims = json.loads(body)
        issued_at = datetime.fromtimestamp(claims["iat"], tz=UTC)
        expires_at = datetime.fromtimestamp(claims["exp"], tz=UTC)
        document = claims["document"]
        result = ProviderResult(
            subject=str(claims["sub"]),
            nonce=str(claims["nonce"]),
            method=str(claims["method"]),
            passed=claims["outcome"] == "pass",
            document_country=str(document["country"]),
            document_number=str(document["number"]),
            issued_at=issued_at,
            expires_at=expires_at,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidProviderResult("the result is missing a required claim") from exc
    if claims.get("iss") != settings.TMVERIFY_PROVIDER_ISSUER:
        raise InvalidProviderResult("the result comes from an unknown issuer")
    if claims.get("aud") != settings.TMVERIFY_PROVIDER_AUDIENCE:
        raise InvalidProviderResult("the result was issued for another service")
    if clock.now() >= expires_at:
        raise InvalidProviderResult("the result has expired")
    return result

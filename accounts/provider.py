"""Identity providers. The app trusts a result only when it is signed by the provider,
meant for this app, unexpired, and echoes a nonce the app issued and never used.

`SimulatedProvider` plays the outside party: it holds its own Ed25519 key and signs what
it found. The app side (`read_result`) only ever uses the provider's public key, which is
the shape a real OpenID Connect provider (ID token + nonce) would take behind the same
interface.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from django.conf import settings
from django.urls import reverse

from tmverify import clock, crypto

ISSUER = "tmverify-simulated-idp"


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


class IdentityProvider(Protocol):
    def start_url(self, nonce: str) -> str: ...

    def read_result(self, token: str) -> ProviderResult: ...


class SimulatedProvider:
    """The simulated provider: online (ID + selfie) and video-agent verification."""

    def __init__(self, seed_b64: str | None = None, audience: str | None = None):
        self._key = crypto.private_key(seed_b64 or settings.TMVERIFY_PROVIDER_SIGNING_KEY)
        self.public_key = self._key.public_key()
        self.audience = audience or settings.TMVERIFY_PROVIDER_AUDIENCE

    # --- the provider's side ----------------------------------------------------------
    def start_url(self, nonce: str) -> str:
        return reverse("provider:start", kwargs={"nonce": nonce})

    def issue(
        self,
        *,
        subject: str,
        nonce: str,
        method: str,
        passed: bool,
        document_country: str,
        document_number: str,
        audience: str | None = None,
        issued_at: datetime | None = None,
    ) -> str:
        issued_at = issued_at or clock.now()
        payload = {
            "iss": ISSUER,
            "aud": audience or self.audience,
            "sub": subject,
            "nonce": nonce,
            "method": method,
            "outcome": "pass" if passed else "fail",
            "document": {"country": document_country, "number": document_number},
            "iat": int(issued_at.timestamp()),
            "exp": int((issued_at + settings.TMVERIFY_PROVIDER_RESULT_TTL).timestamp()),
        }
        body = crypto.canonical_json(payload)
        return f"{crypto.b64encode(body)}.{crypto.sign(self._key, body)}"

    # --- the app's side ---------------------------------------------------------------
    def read_result(self, token: str) -> ProviderResult:
        """Check signature, issuer, audience and expiry; the nonce is the caller's to check."""
        try:
            body_b64, signature = token.split(".")
            body = crypto.b64decode(body_b64)
        except ValueError as exc:
            raise InvalidProviderResult("the result is malformed") from exc
        if not crypto.verify(self.public_key, body, signature):
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
        if claims.get("iss") != ISSUER:
            raise InvalidProviderResult("the result comes from an unknown issuer")
        if claims.get("aud") != self.audience:
            raise InvalidProviderResult("the result was issued for another service")
        if clock.now() >= expires_at:
            raise InvalidProviderResult("the result has expired")
        return result


def get_provider() -> SimulatedProvider:
    return SimulatedProvider()

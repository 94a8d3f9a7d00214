"""The simulated identity provider's side of the exchange: it reads the app's
authorization request and signs what it found with its own Ed25519 key.

This app is an outside party: it imports only the core (tmverify), never accounts. The
app (accounts/provider.py) knows it only by its start URL and its public key, both
settings, which is the shape a real OpenID Connect provider (ID token + nonce) would take.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing

from tmverify import clock, crypto


@dataclass(frozen=True)
class AuthorizationRequest:
    """What the app asked for: who (its subject), which check, and where to answer."""

    nonce: str
    subject: str
    method: str
    redirect_uri: str


def read_request(ticket: str) -> AuthorizationRequest | None:
    """The app's signed request, or None when it is forged, malformed or expired."""
    try:
        claims = signing.loads(ticket, salt=settings.TMVERIFY_PROVIDER_AUDIENCE)
        request = AuthorizationRequest(
            nonce=str(claims["nonce"]),
            subject=str(claims["sub"]),
            method=str(claims["method"]),
            redirect_uri=str(claims["redirect_uri"]),
        )
        expires = float(claims["exp"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return request if clock.now().timestamp() < expires else None


class SimulatedProvider:
    """The simulated provider: online (ID + selfie) and video-agent verification."""

    def __init__(self, seed_b64: str | None = None, audience: str | None = None):
        self._key = crypto.private_key(seed_b64 or settings.TMVERIFY_PROVIDER_SIGNING_KEY)
        self.audience = audience or settings.TMVERIFY_PROVIDER_AUDIENCE

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
            "iss": settings.TMVERIFY_PROVIDER_ISSUER,
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

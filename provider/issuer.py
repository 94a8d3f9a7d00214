"""The built-in provider's keys and claims: what its ID tokens say and how they are signed.

This app is an outside party: it imports only the core (tmverify), never accounts. The
relying party (accounts/oidc.py) knows it as it knows any OpenID Connect provider, by
its issuer URL: the discovery document, the JWKS and the endpoints (provider/views.py).
"""

import base64
import hashlib
import hmac
import time

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from joserfc import jwt
from joserfc.jwk import ECKey

ALGORITHM = "ES256"
# Login.gov's name for identity proofed with a government ID (IAL2): what the built-in
# provider answers for a person whose check passed
IAL2 = "http://idmanagement.gov/ns/assurance/ial/2"
ID_TOKEN_TTL_SECONDS = 300


def signing_key() -> ECKey:
    """The provider's P-256 key, derived from its seed (TMVERIFY_PROVIDER_SIGNING_KEY)."""
    seed = base64.b64decode(settings.TMVERIFY_PROVIDER_SIGNING_KEY)
    scalar = int.from_bytes(hashlib.sha256(b"tmverify-provider-es256|" + seed).digest(), "big")
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    key = ECKey.import_key(ec.derive_private_key(scalar % (order - 1) + 1, ec.SECP256R1()))
    return ECKey.import_key(key.as_dict(private=True), {"kid": key.thumbprint(), "use": "sig", "alg": ALGORITHM})


def public_jwks() -> dict:
    return {"keys": [signing_key().as_dict(private=False)]}


class SimulatedProvider:
    """The simulated provider: online (ID + selfie) and video-agent verification. `issue`
    gives the identity claims its ID token carries (for the simulator, without HTTP, the
    same claims its token endpoint signs)."""

    def issue(
        self,
        *,
        nonce: str,
        method: str,
        passed: bool,
        document_country: str,
        document_number: str,
        given_name: str = "",
        family_name: str = "",
    ) -> dict | None:
        """The claims of a passed check; None when it failed (the provider then answers
        access_denied, and issues no token)."""
        if not passed:
            return None
        claims = {
            # a stable subject per document: the provider keeps no accounts
            "sub": hmac.new(
                base64.b64decode(settings.TMVERIFY_PROVIDER_SIGNING_KEY),
                f"{document_country}|{document_number}".encode(),
                hashlib.sha256,
            ).hexdigest()[:32],
            "nonce": nonce,
            "acr": IAL2,
            "verification_method": method,
            "document_country": document_country,
            "document_number": document_number,
        }
        if given_name or family_name:
            claims.update(given_name=given_name, family_name=family_name)
        return claims


def sign_id_token(claims: dict, *, client_id: str, issuer: str) -> str:
    now = int(time.time())  # real time, as any provider's: the simulated day is tmverify's alone
    payload = {"iss": issuer, "aud": client_id, "iat": now, "auth_time": now, "exp": now + ID_TOKEN_TTL_SECONDS}
    key = signing_key()
    return jwt.encode({"alg": ALGORITHM, "kid": key.kid}, {**claims, **payload}, key, algorithms=[ALGORITHM])

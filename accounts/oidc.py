"""tmverify as an OpenID Connect relying party: the identity provider as the app sees it.

One code path for every provider, the built-in simulated one (provider/) and a real one
(ID.me, Login.gov): all it knows of a provider is its issuer URL and this client's
registration there (TMVERIFY_OIDC_*). The authorization code flow with PKCE (S256),
`state` and `nonce`; IAL2 asked with `acr_values`. The code is redeemed at the token
endpoint with the client's own authentication (private_key_jwt or the client secret),
and the ID token is trusted only when signed by a key of the provider's JWKS and its
issuer, audience, expiry, nonce and acr are this request's. Authlib (OAuth 2 client) and
joserfc (JOSE, Authlib's own) do the protocol; nothing here is hand-written JOSE.

Whatever goes wrong (a wrong state, a refused acr, a replayed code, a provider that does
not answer) is refused with `verification_failed` and a sentence saying what, audited,
and changes nothing; the verified result then enters the same service as any
(services.complete_verification: R1, R3-R7).
"""

import logging
import re
import time

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_noop
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from tmverify import audit, clock
from tmverify.reasons import Refused

from . import services
from .claims import refused, refused_by_provider, result_from_claims
from .models import User, VerificationRequest

logger = logging.getLogger(__name__)

# signatures an ID token may carry ("none" and the HMAC ones, keyed with the client
# secret, never)
ALGORITHMS = ["RS256", "PS256", "ES256"]
METADATA_TTL = 3600
STATE_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,64}")

# tests route a provider's URLs to an in-process server: {"http://host/": adapter}
ADAPTERS: dict[str, requests.adapters.BaseAdapter] = {}


class ProviderProblem(Exception):
    """The provider could not be reached, or answered something unusable."""


def _session(**kwargs) -> OAuth2Session:
    return _mounted(OAuth2Session(**kwargs))


def _mounted(session):
    for prefix, adapter in ADAPTERS.items():
        session.mount(prefix, adapter)
    return session


def _get_json(url: str) -> dict:
    try:
        with _mounted(requests.Session()) as session:
            response = session.get(url, timeout=settings.TMVERIFY_OIDC_TIMEOUT)
            response.raise_for_status()
            return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderProblem(f"{url} did not answer") from exc


def _cache_keys() -> tuple[str, str]:
    return f"oidc:metadata:{settings.TMVERIFY_OIDC_ISSUER}", f"oidc:jwks:{settings.TMVERIFY_OIDC_ISSUER}"


def forget_provider() -> None:
    """Drop the configured provider's cached discovery document and keys (read again on
    next use)."""
    cache.delete_many(_cache_keys())


def provider_metadata() -> dict:
    """The provider's discovery document (cached for an hour); its issuer must be the one
    configured, as OpenID Connect Discovery requires."""
    key = _cache_keys()[0]
    metadata = cache.get(key)
    if metadata is None:
        metadata = _get_json(f"{settings.TMVERIFY_OIDC_ISSUER}/.well-known/openid-configuration")
        if metadata.get("issuer") != settings.TMVERIFY_OIDC_ISSUER:
            raise ProviderProblem("the discovery document names another issuer")
        cache.set(key, metadata, METADATA_TTL)
    return metadata


def _keys(*, fresh: bool = False) -> KeySet:
    key = _cache_keys()[1]
    jwks = None if fresh else cache.get(key)
    if jwks is None:
        uri = provider_metadata().get("jwks_uri")
        if not uri:
            raise ProviderProblem("the discovery document names no JWKS")
        jwks = _get_json(uri)
        cache.set(key, jwks, METADATA_TTL)
    try:
        return KeySet.import_key_set(jwks)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProviderProblem("the provider's JWKS is unreadable") from exc


UNAVAILABLE = gettext_noop(
    "The identity provider did not answer as it should. Nothing was changed; try again in a few minutes."
)


def _unavailable(exc: ProviderProblem) -> Refused:
    # what went wrong stays in the server's log; the person is told what to do
    logger.warning("identity provider %s: %s", settings.TMVERIFY_OIDC_ISSUER, exc)
    return refused(UNAVAILABLE)


def start(user: User, *, method: str, role: str) -> str:
    """Open a verification (services.start_verification) and give the provider's
    authorization URL to send the person to; refused, with nothing opened, when the
    provider cannot be reached."""
    try:
        endpoint = provider_metadata()["authorization_endpoint"]
    except (ProviderProblem, KeyError) as exc:
        with audit.refusals_recorded("identity.start", user, user):
            problem = exc if isinstance(exc, ProviderProblem) else ProviderProblem("no authorization endpoint")
            raise _unavailable(problem) from exc
    request = services.start_verification(user, method=method, role=role)
    with _session(
        client_id=settings.TMVERIFY_OIDC_CLIENT_ID,
        scope=settings.TMVERIFY_OIDC_SCOPES,
        redirect_uri=settings.TMVERIFY_OIDC_REDIRECT_URI,
        code_challenge_method="S256",
    ) as session:
        url, _ = session.create_authorization_url(
            endpoint,
            state=request.state,
            code_verifier=request.code_verifier,
            nonce=request.nonce,
            acr_values=settings.TMVERIFY_OIDC_ACR_VALUES,
            # which check the person chose; a provider that does not know it ignores it
            verification_method=request.method,
        )
    return url


def _client_session() -> OAuth2Session:
    auth = settings.TMVERIFY_OIDC_CLIENT_AUTH
    if auth == "private_key_jwt":
        session = _session(
            client_id=settings.TMVERIFY_OIDC_CLIENT_ID,
            client_secret=settings.TMVERIFY_OIDC_CLIENT_KEY,
            token_endpoint_auth_method=auth,
        )
        headers = {"kid": settings.TMVERIFY_OIDC_CLIENT_KEY_ID} if settings.TMVERIFY_OIDC_CLIENT_KEY_ID else None
        session.register_client_auth_method(PrivateKeyJWT(provider_metadata()["token_endpoint"], headers=headers))
        return session
    return _session(
        client_id=settings.TMVERIFY_OIDC_CLIENT_ID,
        client_secret=settings.TMVERIFY_OIDC_CLIENT_SECRET,
        token_endpoint_auth_method=auth,
    )


# each sentence whole, so that it is translated (accounts/templatetags/tmverify_web.py)
NOT_SIGNED = gettext_noop("The identity provider's ID token is not signed by the provider.")
MALFORMED = gettext_noop("The identity provider's ID token is malformed.")
EXPIRED = gettext_noop("The identity provider's ID token has expired. Start the verification again.")
REFUSED_TOKEN = gettext_noop("The identity provider's ID token was refused.")
CLAIM_PROBLEMS = {
    "iss": gettext_noop("The identity provider's ID token comes from another issuer."),
    "aud": gettext_noop("The identity provider's ID token was issued for another service (wrong audience)."),
    "azp": gettext_noop("The identity provider's ID token was issued for another service (wrong authorized party)."),
    "nonce": gettext_noop("The identity provider's ID token does not answer this request (wrong nonce)."),
    "acr": gettext_noop("The identity provider's ID token does not carry the identity assurance asked for (IAL2)."),
    "sub": gettext_noop("The identity provider's ID token names no subject."),
    "iat": gettext_noop("The identity provider's ID token carries no issue time."),
    "exp": EXPIRED,
}
NOT_REDEEMED = gettext_noop(
    "The identity provider would not redeem its answer: it was already used, has expired, or was not issued for "
    "this verification. Start the verification again."
)
OTHER_ISSUER = gettext_noop("This answer comes from another identity provider than the one tmverify uses.")
NO_ID_TOKEN = gettext_noop("The identity provider answered without an ID token.")
USER_INFO_MISMATCH = gettext_noop("The identity provider's UserInfo answer is about someone other than its ID token.")
NO_OPEN_REQUEST = gettext_noop(
    "This answer from the identity provider is for no open verification of yours (wrong, used or expired state). "
    "Start the verification again."
)
NOT_COMPLETED = gettext_noop("The identity provider did not complete the check. Start the verification again.")


def _decode(id_token: str):
    try:
        return jwt.decode(id_token, _keys(), algorithms=ALGORITHMS)
    except JoseError:
        # the provider may have rotated its keys since they were fetched: once more, fresh
        try:
            return jwt.decode(id_token, _keys(fresh=True), algorithms=ALGORITHMS)
        except (JoseError, ValueError) as exc:
            raise refused(NOT_SIGNED) from exc
    except ValueError as exc:
        raise refused(MALFORMED) from exc


def verified_claims(id_token: str, *, nonce: str) -> dict:
    """The ID token's claims when it is signed by the provider and its issuer, audience,
    expiry, nonce and acr are right; else Refused, saying which is wrong."""
    token = _decode(id_token)
    registry = JWTClaimsRegistry(
        # the real time, not the simulated day (TMVERIFY_TODAY): a token's life is the provider's clock's
        now=lambda: int(time.time()),
        leeway=settings.TMVERIFY_OIDC_LEEWAY,
        iss={"essential": True, "value": settings.TMVERIFY_OIDC_ISSUER},
        aud={"essential": True, "value": settings.TMVERIFY_OIDC_CLIENT_ID},
        sub={"essential": True},
        iat={"essential": True},
        exp={"essential": True},
        nonce={"essential": True, "value": nonce},
        acr={"essential": True, "values": settings.TMVERIFY_OIDC_ACR_VALUES.split()},
    )
    claims = token.claims
    try:
        registry.validate(claims)
        # several audiences: the one it was meant for must be this client (OIDC Core 3.1.3.7)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != settings.TMVERIFY_OIDC_CLIENT_ID:
            raise InvalidClaimError("azp")
    except ExpiredTokenError as exc:
        raise refused(EXPIRED) from exc
    except (InvalidClaimError, MissingClaimError) as exc:
        raise refused(CLAIM_PROBLEMS.get(exc.claim, REFUSED_TOKEN)) from exc
    except JoseError as exc:
        raise refused(REFUSED_TOKEN) from exc
    return claims


def _redeem(request: VerificationRequest, code: str) -> dict:
    try:
        with _client_session() as session:
            token = session.fetch_token(
                provider_metadata()["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                redirect_uri=settings.TMVERIFY_OIDC_REDIRECT_URI,
                code_verifier=request.code_verifier,
                timeout=settings.TMVERIFY_OIDC_TIMEOUT,
            )
    except OAuthError as exc:
        logger.info("identity provider refused a code: %s", exc.error)
        raise refused(NOT_REDEEMED) from exc
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise _unavailable(ProviderProblem("the token endpoint did not answer")) from exc
    except ProviderProblem as exc:
        raise _unavailable(exc) from exc
    if not token.get("id_token"):
        raise refused(NO_ID_TOKEN)
    try:  # the keys, and UserInfo, are fetched from the provider too
        claims = verified_claims(token["id_token"], nonce=request.nonce)
        return {**_user_info(token, claims), **claims}
    except ProviderProblem as exc:
        raise _unavailable(exc) from exc


def _user_info(token: dict, claims: dict) -> dict:
    """The provider's UserInfo answer when the ID token lacks a claim the map names (Login.gov
    gives name and attributes only there), for the same subject (OIDC Core 5.3.2); {}
    when the ID token has them all or the provider has no UserInfo endpoint."""
    wanted = {name for name in settings.TMVERIFY_OIDC_CLAIMS.values() if name and not name.startswith("=")}
    endpoint = provider_metadata().get("userinfo_endpoint")
    if wanted <= claims.keys() or not endpoint or not token.get("access_token"):
        return {}
    try:
        with _mounted(requests.Session()) as session:
            response = session.get(
                endpoint,
                headers={"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"},
                timeout=settings.TMVERIFY_OIDC_TIMEOUT,
            )
            response.raise_for_status()
            info = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise _unavailable(ProviderProblem("the UserInfo endpoint did not answer")) from exc
    if not isinstance(info, dict) or info.get("sub") != claims["sub"]:
        raise refused(USER_INFO_MISMATCH)
    # what the ID token says (iss, aud, nonce, acr, ...) is never overridden by UserInfo
    return {name: value for name, value in info.items() if name in wanted}


def finish(user: User, *, state: str, code: str = "", error: str = "", issuer: str = "") -> User:
    """The person is back from the provider with `state` and a `code` (or an `error`,
    and the provider's own name, `issuer`, when it gives it: RFC 9207):
    redeem and check the answer, then complete the verification it belongs to
    (services.complete_verification). Refused, audited and changing nothing when the
    answer is not right; a provider's access_denied is a failed attempt (R5)."""
    with audit.refusals_recorded("identity.verify", user, user):
        request = (
            VerificationRequest.objects.filter(
                user=user, state=state, used_at__isnull=True, expires_at__gt=clock.now()
            ).first()
            # ours are URL-safe base64 (secrets.token_urlsafe); anything else, a NUL byte
            # included (which PostgreSQL refuses in a query), is no state of ours
            if STATE_FORMAT.fullmatch(state)
            else None
        )
        if request is None:
            raise refused(NO_OPEN_REQUEST)
        if issuer and issuer != settings.TMVERIFY_OIDC_ISSUER:
            # RFC 9207: the provider names itself in the redirect; another's answer is a mix-up
            raise refused(OTHER_ISSUER)
        if error == "access_denied":
            result = refused_by_provider(request)
        elif error or not code:
            raise refused(NOT_COMPLETED)
        else:
            result = result_from_claims(_redeem(request, code), method=request.method)
    return services.complete_verification(user, result)

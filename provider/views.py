"""The simulated identity provider as a standard OpenID Connect provider (an outside
party, under /provider/): discovery document, JWKS, authorization endpoint (its pages
for the online and the video check, with the same pass / fail choice as ever) and token
endpoint (authorization code with PKCE, the client authenticated by its secret or by
private_key_jwt). tmverify reaches it as it would reach ID.me or Login.gov.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from tmverify import clock, crypto

from .issuer import ALGORITHM, IAL2, SimulatedProvider, public_jwks, sign_id_token
from .models import AuthorizationCode

VIDEO = "video"
METHODS = {"online", VIDEO}
CODE_TTL_SECONDS = 60
AUTHORIZATION_SALT = "provider.authorize"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _issuer() -> str:
    return settings.TMVERIFY_PROVIDER_ISSUER


@require_GET
def discovery(request):
    issuer = _issuer()
    return JsonResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize/",
            "token_endpoint": f"{issuer}/token/",
            "jwks_uri": f"{issuer}/jwks/",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
            "scopes_supported": ["openid", "profile", "tmverify_identity"],
            "acr_values_supported": [IAL2],
            "claims_supported": [
                "sub",
                "acr",
                "given_name",
                "family_name",
                "document_country",
                "document_number",
                "verification_method",
            ],
        }
    )


@require_GET
def jwks(request):
    return JsonResponse(public_jwks())


# --- authorization endpoint -----------------------------------------------------------------
class ProviderCheckForm(forms.Form):
    given_name = forms.CharField(label=_("Given names on the document"), max_length=150)
    family_name = forms.CharField(label=_("Family name on the document"), max_length=150)
    document_country = forms.ChoiceField(
        label=_("Country that issued the document"), choices=lambda: [("", _("Choose a country")), *countries]
    )
    document_number = forms.CharField(
        label=_("Document number"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    outcome = forms.ChoiceField(
        label=_("Simulated outcome"),
        choices=[("pass", _("The document and face match (pass)")), ("fail", _("They do not match (fail)"))],
        widget=forms.RadioSelect,
        initial="pass",
    )


class AuthorizationProblem(Exception):
    """A request the provider answers at the client's redirect URI (OAuth 2 error)."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error, self.description = error, description


def _client(client_id: str) -> dict | None:
    return settings.TMVERIFY_PROVIDER_CLIENTS.get(client_id)


def _authorization(params) -> dict | None:
    """The authorization request's parameters when its client and redirect URI are
    registered (exactly); None when they are not, as the provider then redirects nowhere.
    Raises AuthorizationProblem for anything else wrong with it."""
    client = _client(params.get("client_id", ""))
    if client is None or params.get("redirect_uri", "") not in client["redirect_uris"]:
        return None
    asked = {
        name: params.get(name, "")
        for name in (
            "client_id",
            "redirect_uri",
            "state",
            "nonce",
            "scope",
            "response_type",
            "code_challenge",
            "code_challenge_method",
            "verification_method",
        )
    }
    if asked["response_type"] != "code":
        raise AuthorizationProblem("unsupported_response_type", "only the authorization code flow is served")
    if "openid" not in asked["scope"].split():
        raise AuthorizationProblem("invalid_scope", "the openid scope is required")
    if not asked["nonce"] or not asked["state"]:
        raise AuthorizationProblem("invalid_request", "state and nonce are required")
    if not asked["code_challenge"] or asked["code_challenge_method"] != "S256":
        raise AuthorizationProblem("invalid_request", "PKCE with S256 is required")
    if asked["verification_method"] not in METHODS:
        asked["verification_method"] = "online"
    return asked


def _back(asked: dict, **answer) -> HttpResponseRedirect:
    # the provider names itself in its answer (RFC 9207), as oidc-provider does
    answer = {**answer, "state": asked["state"], "iss": _issuer()}
    return HttpResponseRedirect(f"{asked['redirect_uri']}?{urlencode(answer)}")


def _check_page(request, asked: dict, form, status=200):
    context = {
        "form": form,
        "video": asked["verification_method"] == VIDEO,
        "authorization": signing.dumps(asked, salt=AUTHORIZATION_SALT),
    }
    return render(request, "provider/check.html", context, status=status)


@require_http_methods(["GET", "POST"])
def authorize(request):
    """GET: the relying party's authorization request opens the check page. POST: the
    page's form (CSRF-protected, with the request signed into it) finishes the check and
    sends the person back with a code, or with access_denied when the check failed."""
    if request.method == "POST":
        try:
            params = signing.loads(
                request.POST.get("authorization", ""),
                salt=AUTHORIZATION_SALT,
                max_age=settings.TMVERIFY_PROVIDER_RESULT_TTL,
            )
        except signing.BadSignature:
            params = {}
    else:
        params = request.GET
    try:
        asked = _authorization(params)
    except AuthorizationProblem as problem:
        return _back(params, error=problem.error, error_description=problem.description)
    if asked is None:
        return render(request, "provider/unknown.html", status=400)
    if request.method == "GET":
        return _check_page(request, asked, ProviderCheckForm(initial=_initial(request)))
    form = ProviderCheckForm(request.POST)
    if not form.is_valid():
        return _check_page(request, asked, form, status=400)
    data = form.cleaned_data
    claims = SimulatedProvider().issue(
        nonce=asked["nonce"],
        method=asked["verification_method"],
        passed=data["outcome"] == "pass",
        document_country=data["document_country"],
        document_number=data["document_number"].strip(),
        given_name=data["given_name"].strip(),
        family_name=data["family_name"].strip(),
    )
    if claims is None:
        return _back(asked, error="access_denied", error_description="the identity could not be confirmed")
    code = secrets.token_urlsafe(32)
    code_hash = hashlib.sha256(code.encode()).hexdigest()
    AuthorizationCode.objects.create(
        code_hash=code_hash,
        client_id=asked["client_id"],
        redirect_uri=asked["redirect_uri"],
        code_challenge=asked["code_challenge"],
        sealed_claims=crypto.encrypt(json.dumps(claims), context=f"provider-code:{code_hash}"),
        expires_at=clock.now() + timedelta(seconds=CODE_TTL_SECONDS),
    )
    return _back(asked, code=code)


def _initial(request) -> dict:
    # the name and country prefill only for someone signed in to this site, as the
    # simulated provider's stand-in for what a real one reads off the document
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "given_name": user.first_name,
        "family_name": user.last_name,
        "document_country": getattr(user, "country", ""),
    }


# --- token endpoint -------------------------------------------------------------------------
def _token_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _authenticated_client(request) -> str | None:
    """The client id when the client proved who it is: by its secret (HTTP Basic or in
    the body) or by a client assertion signed with a key it registered (private_key_jwt)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return None
        return _secret_matches(client_id, secret)
    if request.POST.get("client_assertion_type") == CLIENT_ASSERTION_TYPE:
        return _assertion_client(request.POST.get("client_assertion", ""))
    return _secret_matches(request.POST.get("client_id", ""), request.POST.get("client_secret", ""))


def _secret_matches(client_id: str, secret: str) -> str | None:
    client = _client(client_id)
    # as bytes: compare_digest refuses str with characters outside ASCII
    if (
        client
        and client.get("client_secret")
        and hmac.compare_digest(client["client_secret"].encode(), secret.encode())
    ):
        return client_id
    return None


def _assertion_client(assertion: str) -> str | None:
    try:
        # who it claims to be picks the keys; the signature then proves it
        client_id = str(json.loads(jws.extract_compact(assertion.encode()).payload)["iss"])
        client = _client(client_id)
        if not client or not client.get("jwks"):
            return None
        token = jwt.decode(assertion, KeySet.import_key_set(client["jwks"]), algorithms=["RS256", "ES256"])
        JWTClaimsRegistry(
            now=lambda: int(time.time()),
            iss={"essential": True, "value": client_id},
            sub={"essential": True, "value": client_id},
            aud={"essential": True, "value": f"{_issuer()}/token/"},
            exp={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError, KeyError, TypeError):
        return None
    return client_id


@csrf_exempt  # a back-channel call from the client's server, authenticated as the client
@require_POST
def token(request):
    client_id = _authenticated_client(request)
    if client_id is None:
        return _token_error("invalid_client", "the client could not be authenticated", status=401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type", "only authorization_code is served")
    code_hash = hashlib.sha256(request.POST.get("code", "").encode()).hexdigest()
    verifier = request.POST.get("code_verifier", "")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    with transaction.atomic():
        # locked: two redemptions of one code at once, and only one wins
        grant = AuthorizationCode.objects.select_for_update().filter(code_hash=code_hash).first()
        if (
            grant is None
            or grant.used_at is not None
            or grant.expires_at <= clock.now()
            or grant.client_id != client_id
            or grant.redirect_uri != request.POST.get("redirect_uri", "")
            or not hmac.compare_digest(grant.code_challenge, challenge)
        ):
            return _token_error("invalid_grant", "the code is unknown, used, expired or not this client's")
        try:
            claims = json.loads(crypto.decrypt(grant.sealed_claims, context=f"provider-code:{code_hash}"))
        except crypto.DecryptionError:  # sealed under a key rotated away since (rotate_keys)
            return _token_error("invalid_grant", "the code can no longer be read")
        grant.used_at = clock.now()
        grant.sealed_claims = ""
        grant.save(update_fields=["used_at", "sealed_claims"])
    response = JsonResponse(
        {
            "access_token": secrets.token_urlsafe(32),
            "token_type": "Bearer",
            "expires_in": CODE_TTL_SECONDS,
            "id_token": sign_id_token(claims, client_id=client_id, issuer=_issuer()),
        }
    )
    response["Cache-Control"] = "no-store"
    return response

"""What a provider's claims say, read through the claims map (TMVERIFY_OIDC_CLAIMS) into
the verification service's input: for the relying party (accounts/oidc.py) once the ID
token is checked, and for the simulator, which answers as the built-in provider would
without HTTP (so its processes load no HTTP or JOSE library)."""

from django.conf import settings
from django.utils.translation import gettext_noop

from tmverify.reasons import Refused, reason

from .models import VerificationRequest
from .services import ProviderResult

NO_DOCUMENT = gettext_noop(
    "The identity provider's answer does not say which document it checked (its country, and its number or "
    "fingerprint). The office must fix this provider's claims map (TMVERIFY_OIDC_CLAIMS)."
)


def refused(message: str) -> Refused:
    return Refused(reason("verification_failed", message))


def result_from_claims(claims: dict, *, method: str) -> ProviderResult:
    """The verified identity in the provider's claims, read through TMVERIFY_OIDC_CLAIMS;
    `method` is the one the person chose, for a provider that does not say."""
    names = settings.TMVERIFY_OIDC_CLAIMS

    def claim(field: str) -> str:
        name = names.get(field) or ""
        if name.startswith("="):  # a constant: "=US" for a provider that checks US documents only
            return name[1:]
        value = claims.get(name) if name else None
        return str(value).strip() if value is not None else ""

    result = ProviderResult(
        nonce=str(claims.get("nonce", "")),
        method=claim("method") or method,
        passed=True,
        document_country=claim("document_country").upper(),
        document_number=claim("document_number"),
        document_fingerprint=claim("document_fingerprint"),
        given_name=claim("given_name"),
        family_name=claim("family_name"),
    )
    if not result.document_country or not (result.document_number or result.document_fingerprint):
        raise refused(NO_DOCUMENT)
    return result


def refused_by_provider(request: VerificationRequest) -> ProviderResult:
    """The provider's answer that it could not confirm the person (access_denied): a failed
    attempt (R5)."""
    return ProviderResult(nonce=request.nonce, method=request.method, passed=False)

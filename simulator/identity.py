"""What a simulated person does outside the app, in one call, for the simulator, the demo
people and tests: confirming their email through the link mailed to them, and
verification through the simulated provider (the app starts the check, the provider
answers with the claims its ID token would carry, or its refusal, and the app completes
it through the same mapping and service as the OpenID Connect callback, without HTTP).

The provider is an outside party that no app imports (DESIGN.md's layers): it is reached
here as Django reaches a mail backend, by the dotted path in a setting
(`TMVERIFY_PROVIDER_DRIVER`, the built-in `provider.issuer.SimulatedProvider`), so a
deployment can name another provider's test driver without a change here."""

from django.conf import settings
from django.utils.module_loading import import_string

from accounts import claims, confirmation
from accounts.models import User
from accounts.services import complete_verification, confirm_email, start_verification


def confirm_email_as_its_owner(user: User) -> User:
    """The person opens the link of the confirmation mail and presses its button: the
    token the mail carries goes through the same service as the page (R7's carry-over
    included). Simulated people have working mail."""
    return confirm_email(confirmation.make_token(user))


def verify_with_simulated_provider(
    user: User, *, method: str, role: str, document_country: str, document_number: str, passed: bool
) -> User:
    """The whole provider round trip (start, provider answers, complete), as one call."""
    request = start_verification(user, method=method, role=role)
    answer = import_string(settings.TMVERIFY_PROVIDER_DRIVER)().issue(
        nonce=request.nonce,
        method=method,
        passed=passed,
        document_country=document_country,
        document_number=document_number,
    )
    result = claims.refused_by_provider(request) if answer is None else claims.result_from_claims(answer, method=method)
    return complete_verification(user, result)

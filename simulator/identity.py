"""Verification through the simulated provider in one call, for the simulator, the demo
people and tests: the app starts the check, the provider answers as its pages would, and
the app completes it. The one place above both accounts and provider that joins them."""

from accounts.models import User
from accounts.services import complete_verification, start_verification
from provider.issuer import SimulatedProvider


def verify_with_simulated_provider(
    user: User, *, method: str, role: str, document_country: str, document_number: str, passed: bool
) -> User:
    """The whole provider round trip (start, provider answers, complete), as one call."""
    request = start_verification(user, method=method, role=role)
    token = SimulatedProvider().issue(
        subject=str(user.pk),
        nonce=request.nonce,
        method=method,
        passed=passed,
        document_country=document_country,
        document_number=document_number,
    )
    return complete_verification(user, token)

"""Email confirmation links: signed, expiring, single-use, and nothing stored.

A token holds the account's id, a digest of what the link is bound to (the account's
address, and whether and when it was confirmed) and the moment it was made, by
`tmverify.clock`; Django's `signing` signs it (HMAC-SHA256 keyed with SECRET_KEY, salted
for this use). It is refused once older than EMAIL_CONFIRMATION_TTL, and from the moment
it is used: confirming changes what it is bound to, and so does a new address. It
carries no personal data: the id is a number and the digest is keyed.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from tmverify import clock
from tmverify.crypto import constant_time_equal

from .models import User

_SALT = "accounts.email-confirmation"


def _binding(user: User) -> str:
    confirmed = user.email_confirmed_at.isoformat() if user.email_confirmed_at else ""
    return salted_hmac(_SALT, f"{user.pk}|{user.email}|{confirmed}", algorithm="sha256").hexdigest()[:32]


def make_token(user: User) -> str:
    """The token a confirmation link carries for this account as it is now."""
    payload = {"u": user.pk, "b": _binding(user), "t": int(clock.now().timestamp())}
    return signing.Signer(salt=_SALT).sign_object(payload)


def read_token(token: str) -> tuple[int, str] | None:
    """(account id, binding) of a token this site made and that is not older than
    EMAIL_CONFIRMATION_TTL ("older" is strict, as for signing links); None for anything else."""
    try:
        payload = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if clock.now().timestamp() - payload["t"] > settings.EMAIL_CONFIRMATION_TTL.total_seconds():
        return None
    return payload["u"], payload["b"]


def is_bound_to(user: User, binding: str) -> bool:
    """Was the token made for this account as it is now? No longer once it is confirmed."""
    return constant_time_equal(_binding(user), binding)

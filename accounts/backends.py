from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from tmverify import audit

from . import sign_in_limits
from .models import User, normal_email


class AccountBackend(ModelBackend):
    """Email sign-in within the sign-in limits (`accounts.sign_in_limits`): the attempt is
    counted before the password is hashed, and one over a limit is refused unchecked.
    Suspended accounts cannot sign in, and their open sessions stop working at once (R23):
    `get_user` runs on every request and refuses them too.

    Why a refusal happened is left on the request (`sign_in_refused`: "limited" or
    "suspended") for the sign-in form to say; "suspended" only to whoever gave the
    account's right password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = normal_email(username or kwargs.get(User.USERNAME_FIELD) or "")
        if not email or password is None:
            return None
        attempt = sign_in_limits.count_attempt(email, sign_in_limits.client_address(request))
        if attempt.over():
            sign_in_limits.take_back(attempt)
            _refused(request, "limited")
            # PermissionDenied stops Django trying other backends
            raise PermissionDenied("too many failed sign-ins")
        user = User.objects.filter(email=email).first()
        if user is None:
            User().set_password(password)  # as long as a real check, as Django's own backend does
        elif user.check_password(password):
            sign_in_limits.take_back(attempt)
            if self.user_can_authenticate(user):
                return user
            if user.is_suspended:
                _refused(request, "suspended")
            return None
        if user is not None and attempt.counts["account"] == settings.SIGNIN_MAX_FAILURES:
            # audited once, when the account's pause starts, so an attacker cannot flood the log
            with audit.atomic():
                audit.record("account.sign_in_locked", user, data={"minutes": 15})
        return None

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_suspended


def _refused(request, why: str) -> None:
    if request is not None:
        request.sign_in_refused = why

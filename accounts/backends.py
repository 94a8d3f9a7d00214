from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

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
        found = []

        def right_password() -> bool:
            user = User.objects.filter(email=email).first()
            if user is None:
                User().set_password(password)  # as long as a real check, as Django's own backend does
                return False
            found.append(user)
            return user.check_password(password)

        try:
            right = sign_in_limits.judge(
                email, sign_in_limits.client_address(request), right_password, lambda: found[0] if found else None
            )
        except sign_in_limits.SignInPaused:
            _refused(request, "limited")
            # PermissionDenied stops Django trying other backends
            raise PermissionDenied("too many failed sign-ins") from None
        if not right:
            return None
        user = found[0]
        if self.user_can_authenticate(user):
            return user
        if user.is_suspended:
            _refused(request, "suspended")
        return None

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_suspended


def _refused(request, why: str) -> None:
    if request is not None:
        request.sign_in_refused = why

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from tmverify import audit, clock

from .models import SignInFailure, User, normal_email


def sign_in_locked(email: str) -> bool:
    """10 failures for one account within 15 minutes refuse sign-in for 15 minutes."""
    since = clock.now() - settings.SIGNIN_LOCK_WINDOW
    recent = SignInFailure.objects.filter(email=normal_email(email), at__gt=since).count()
    return recent >= settings.SIGNIN_MAX_FAILURES


class AccountBackend(ModelBackend):
    """Email sign-in with a brute-force limiter. Suspended accounts cannot sign in, and
    their open sessions stop working at once (R23): `get_user` runs on every request
    and refuses them too."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = normal_email(username or kwargs.get(User.USERNAME_FIELD) or "")
        if not email:
            return None
        if sign_in_locked(email):
            # PermissionDenied stops Django trying other backends
            raise PermissionDenied("too many failed sign-ins")
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            with audit.atomic():
                SignInFailure.objects.create(email=email, at=clock.now())
                account = User.objects.filter(email=email).first()
                if account is not None and sign_in_locked(email):
                    # audited once, when the lock starts, so an attacker cannot flood the log
                    audit.record("account.sign_in_locked", account, data={"minutes": 15})
        return user

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_suspended

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Suspended accounts cannot sign in, and their open sessions stop working at once
    (R23): `get_user` runs on every request and refuses them too."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_suspended

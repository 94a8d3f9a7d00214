from django.apps import AppConfig
from django.contrib.auth import user_logged_in
from django.utils import timezone


def record_last_login(sender, user, **kwargs):
    """What Django's `update_last_login` does, as a queryset update: it writes the one
    column, so a copy of the account read before a transition made meanwhile neither
    undoes it nor trips ConcurrentTransitionMixin's stale-state check (`save()` would)."""
    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        # django.contrib.auth (installed before this app) connected its own handler
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="accounts_record_last_login")
        # a session signed in with a password may owe a second factor (imported once the
        # models are ready)
        from .second_factor import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="accounts_note_second_factor")

"""System checks for production settings (run by `check --deploy`, `migrate` and
`runserver`): mail must leave through a real mail server, and mailed links need the
site's own address (issue 19)."""

from django.conf import settings
from django.core.checks import Error, register

# backends that keep mail on this machine: a signing link would end up in a log or a file
NOT_A_MAIL_SERVER = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "tmverify.outbox.OutboxBackend",  # development's: the console and a folder
}


@register()
def production_mail_and_site(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.EMAIL_BACKEND in NOT_A_MAIL_SERVER:
        errors.append(
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: mail (signing links included) would be printed or "
                "kept on this machine instead of sent.",
                hint="Unset DJANGO_EMAIL_BACKEND (SMTP) and give DJANGO_EMAIL_HOST and its settings.",
                id="tmverify.E001",
            )
        )
    elif settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend" and not settings.EMAIL_HOST:
        errors.append(
            Error(
                "No mail server: DJANGO_EMAIL_HOST is not set.",
                hint="Set DJANGO_EMAIL_HOST (and DJANGO_EMAIL_PORT, DJANGO_EMAIL_HOST_USER, "
                "DJANGO_EMAIL_HOST_PASSWORD, DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL as the server needs).",
                id="tmverify.E002",
            )
        )
    if not settings.TMVERIFY_SITE_URL.startswith("https://"):
        errors.append(
            Error(
                f"TMVERIFY_SITE_URL is {settings.TMVERIFY_SITE_URL or 'not set'}: links in mail need the site's "
                "own https address.",
                hint="Set TMVERIFY_SITE_URL, e.g. https://tmverify.example.",
                id="tmverify.E003",
            )
        )
    for name in ("TMVERIFY_OIDC_ISSUER", "TMVERIFY_OIDC_REDIRECT_URI"):
        value = getattr(settings, name)
        if not value.startswith("https://"):
            errors.append(
                Error(
                    f"{name} is {value or 'not set'}: identity verification (OpenID Connect) must go over https.",
                    hint="Set TMVERIFY_SITE_URL to the site's https address (the built-in provider and the "
                    f'callback follow it), or {name} itself (README "Identity provider").',
                    id="tmverify.E004",
                )
            )
    return errors

"""Mail to account holders. Always called through `transaction.on_commit`, in the
language of the page that caused it.

Every link is absolute and built by `site_url` alone: the one place that says where the
site is."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def site_url(path: str) -> str:
    """`path` on this site as a link for mail: the site's address comes from
    `TMVERIFY_SITE_URL` (required in production, docs/DECISIONS.md 51)."""
    return settings.TMVERIFY_SITE_URL + path


def _send(*, to: str, name: str, subject: str, paragraphs: list[str]) -> None:
    body = "\n\n".join([_("Dear %(name)s,") % {"name": name}, *paragraphs]) + "\n"
    send_mail(subject, body, None, [to])


def _valid_for(days: int) -> str:
    return ngettext("It works once, for %(days)d day.", "It works once, for %(days)d days.", days) % {"days": days}


def send_email_confirmation(*, to: str, name: str, token: str) -> None:
    """The confirmation link (docs/DECISIONS.md 46): its page asks for a button press."""
    _send(
        to=to,
        name=name,
        subject=_("Confirm your email address"),
        paragraphs=[
            _("To confirm that this is your email address, open this link and press the button on the page.")
            + " "
            + _valid_for(settings.EMAIL_CONFIRMATION_TTL.days),
            site_url(reverse("accounts:confirm_email", kwargs={"token": token})),
            _("Until you confirm it, you can sign in, but not verify your identity or file."),
            _(
                "If you did not create a tmverify account, ignore this email: nothing happens unless the button is pressed."
            ),
        ],
    )


def send_sign_up_attempt(*, to: str, name: str) -> None:
    """Someone gave this account's address on the sign-up page (docs/DECISIONS.md 47)."""
    _send(
        to=to,
        name=name,
        subject=_("Someone tried to create an account with your email address"),
        paragraphs=[
            _(
                "Someone tried to create a tmverify account with this email address. It already has an account, "
                "yours, so no second account was made and nothing in yours changed."
            ),
            _("If it was you, sign in here:") + "\n" + site_url(reverse("accounts:login")),
            _("If you forgot your password, choose a new one here:")
            + "\n"
            + site_url(reverse("accounts:password_reset")),
            _("If it was not you, you need not do anything."),
        ],
    )


def send_password_reset(*, to: str, name: str, uid: str, token: str) -> None:
    """A link to choose a new password (Django's reset token; its view checks it)."""
    _send(
        to=to,
        name=name,
        subject=_("Choose a new password"),
        paragraphs=[
            _(
                "Someone, we hope you, asked to choose a new password for your tmverify account. Open this link to do so."
            )
            + " "
            + _valid_for(settings.PASSWORD_RESET_TIMEOUT // 86400),
            site_url(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})),
            _("If it was not you, ignore this email: your password stays as it is."),
        ],
    )


def send_account_suspended(*, to: str, name: str, note: str) -> None:
    """The office suspended the account (R23): what it means and how to appeal."""
    body = (
        f"Dear {name},\n\n"
        "The trademark office has suspended your account: you cannot sign in or file "
        "until the office reinstates it.\n\n"
        f"The office's reason: {note or '(none given)'}\n\n"
        f"To appeal, write to {settings.TMVERIFY_APPEALS_EMAIL} from this email address, saying why "
        "the suspension should end. The office answers in writing.\n\n"
        f"The rule: {site_url(reverse('rules'))}#R23\n"
    )
    send_mail("Your trademark filing account is suspended", body, None, [to])

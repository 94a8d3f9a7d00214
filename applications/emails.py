"""Mail sent by filings. Always called through `transaction.on_commit`."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.emails import site_url


def signing_url(token: str, language: str = "") -> str:
    """The signing page on the site's own address, the code in the fragment: a browser
    never sends a fragment, so no access log or Referer header keeps it (the page's script
    posts it; without script the person pastes the code). `language`: the request's, which
    the page opens in (`?lang=`) for a browser that has not chosen one."""
    # the default language needs no word: the link reads as it always did
    query = f"?lang={language}" if language and language != settings.LANGUAGE_CODE else ""
    return site_url(f"{reverse('applications:sign_by_link')}{query}#{token}")


def send_signature_request(
    *, to: str, signer_name: str, mark: str, requested_by: str, token: str, language: str = ""
) -> None:
    """The signer's mail, in the language the request was made in (issue 22): the
    requester writes to the signer in the language they chose on the site."""
    with translation.override(language or settings.LANGUAGE_CODE):
        names = {"name": signer_name, "who": requested_by, "mark": mark or _("a mark")}
        body = "\n\n".join(
            [
                _("Dear %(name)s,") % names,
                _("%(who)s asks you to sign the trademark application for %(mark)s.") % names
                + "\n"
                + _("Open this link to read the declaration and sign (valid 30 days, once):"),
                signing_url(token, translation.get_language()),
                _("If the page asks for your signing code, enter this one:"),
                token,
                _("You do not need an account to sign. If you did not expect this, ignore this email."),
            ]
        )
        subject = _("Signature requested: %(mark)s") % {"mark": mark or _("trademark application")}
    send_mail(subject, body + "\n", None, [to])


def filing_url(filing_id: int) -> str:
    return site_url(reverse("applications:detail", args=[filing_id]))


def send_appointment_request(
    *, to: str, attorney_name: str, named_by: str, mark: str, applicant: str, filing_id: int
) -> None:
    """R24: an attorney named by someone else is asked; nothing stands on their name until they accept."""
    body = (
        f"Dear {attorney_name},\n\n"
        f"{named_by} named you attorney of record on the trademark application for {mark or 'a mark'}"
        f"{f' (applicant: {applicant})' if applicant else ''}.\n"
        "You are not its attorney of record, and your name and bar information count for nothing on it, "
        "until you accept. Sign in to read the filing and accept or decline:\n\n"
        f"{filing_url(filing_id)}\n\n"
        "If you do not represent this applicant, decline, and tell the office if you think your name is being misused.\n"
    )
    send_mail(f"Appointment waiting for you: {mark or 'trademark application'}", body, None, [to])


def send_prosecution_notice(
    *, to: list[str], mark: str, serial: str, filing_id: int, what: str, lines: list[str]
) -> None:
    """R21, R22: an office action, a notice (publication, allowance, abandonment,
    registration, an opposition and its decision) or a deadline reminder, to the applicant
    and the attorneys of record."""
    name = mark or "(no mark)"
    body = (
        f"The trademark application for {name} (serial number {serial}):\n\n"
        + "\n\n".join(lines)
        + f"\n\nRead the filing and act on it here:\n\n{filing_url(filing_id)}\n"
    )
    send_mail(f"{what}: {name} ({serial})", body, None, to)

"""Mail sent by filings. Always called through `transaction.on_commit`."""

from django.core.mail import send_mail
from django.urls import reverse

from accounts.emails import site_url


def signing_url(token: str) -> str:
    """The signing page on the site's own address, the code in the fragment: a browser
    never sends a fragment, so no access log or Referer header keeps it (the page's script
    posts it; without script the person pastes the code)."""
    return site_url(f"{reverse('applications:sign_by_link')}#{token}")


def send_signature_request(*, to: str, signer_name: str, mark: str, requested_by: str, token: str) -> None:
    body = (
        f"Dear {signer_name},\n\n"
        f"{requested_by} asks you to sign the trademark application for {mark or 'a mark'}.\n"
        f"Open this link to read the declaration and sign (valid 30 days, once):\n\n"
        f"{signing_url(token)}\n\n"
        "If the page asks for your signing code, enter this one:\n\n"
        f"{token}\n\n"
        "You do not need an account to sign. If you did not expect this, ignore this email.\n"
    )
    send_mail(f"Signature requested: {mark or 'trademark application'}", body, None, [to])


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

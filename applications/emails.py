"""Mail sent by filings. Always called through `transaction.on_commit`."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse


def signing_url(token: str) -> str:
    """The signing page on the site's own address, the code in the fragment: a browser
    never sends a fragment, so no access log or Referer header keeps it (the page's script
    posts it; without script the person pastes the code)."""
    return f"{settings.TMVERIFY_SITE_URL}{reverse('applications:sign_by_link')}#{token}"


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

"""Mail about accounts. Always called through `transaction.on_commit`."""

from django.conf import settings
from django.core.mail import send_mail


def send_account_suspended(*, to: str, name: str, note: str) -> None:
    body = (
        f"Dear {name},\n\n"
        "The trademark office has suspended your account (R23): you cannot sign in or file "
        "until the office reinstates it.\n\n"
        f"The office's reason: {note or '(none given)'}\n\n"
        f"To appeal, write to {settings.TMVERIFY_APPEALS_EMAIL} from this email address, saying why "
        "the suspension should end. The office answers in writing.\n"
    )
    send_mail("Your trademark filing account is suspended", body, None, [to])

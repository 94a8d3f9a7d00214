import base64
import os
import secrets

from django.core.management.base import BaseCommand


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


class Command(BaseCommand):
    help = "Print fresh production keys as environment assignments (keep them secret)."

    def handle(self, *args, **options):
        kid = "k" + secrets.token_hex(3)
        self.stdout.write(f"export DJANGO_SECRET_KEY='{secrets.token_urlsafe(50)}'")
        self.stdout.write(f"export TMVERIFY_EVIDENCE_KEYS='{kid}:{_key()}'")
        self.stdout.write(f"export TMVERIFY_FINGERPRINT_KEY='{_key()}'")
        self.stdout.write(f"export TMVERIFY_OFFICE_SIGNING_KEY='{_key()}'")
        self.stdout.write(f"export TMVERIFY_PROVIDER_SIGNING_KEY='{_key()}'")
        # the secret tmverify authenticates with at the built-in provider's token endpoint
        # (a real provider gives its own, or takes a private key: README "Identity provider")
        self.stdout.write(f"export TMVERIFY_OIDC_CLIENT_SECRET='{secrets.token_urlsafe(32)}'")

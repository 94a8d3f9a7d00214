from django.core.management.base import BaseCommand

from tmverify.audit import checkpoint


class Command(BaseCommand):
    help = "Sign the audit chain's head with the office key now (safe to repeat, e.g. from cron)."

    def handle(self, *args, **options):
        made = checkpoint()
        if made is None:
            self.stdout.write("the audit chain is empty: nothing to sign")
        else:
            self.stdout.write(f"checkpoint #{made.seq} signed ({made.hash})")

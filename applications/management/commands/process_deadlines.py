from django.core.management.base import BaseCommand

from applications.deadlines import process_deadlines


class Command(BaseCommand):
    help = (
        "Process deadlines that fell due (fraud holds, signing links, lockouts, and prosecution: "
        "abandonment, allowance, registration). Safe from cron."
    )

    def handle(self, *args, **options):
        run = process_deadlines()
        self.stdout.write(
            f"fraud holds rejected: {run.holds_rejected}, signing links expired: {run.links_expired}, "
            f"lockouts lifted: {run.lockouts_lifted}, filings abandoned: {run.prosecution.abandoned}, "
            f"allowed: {run.prosecution.allowed}, registered: {run.prosecution.registered}, "
            f"revival periods closed: {run.prosecution.revival_closed}, reminders sent: {run.prosecution.reminders}"
        )

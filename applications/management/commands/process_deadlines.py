from django.core.management.base import BaseCommand

from applications.deadlines import process_deadlines


class Command(BaseCommand):
    help = "Process deadlines that fell due (fraud holds, signing links, lockouts). Safe from cron."

    def handle(self, *args, **options):
        run = process_deadlines()
        self.stdout.write(
            f"fraud holds rejected: {run.holds_rejected}, signing links expired: {run.links_expired}, "
            f"lockouts lifted: {run.lockouts_lifted}"
        )

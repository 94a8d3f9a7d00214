from django.core.management.base import BaseCommand, CommandError

from tmverify.audit import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"audit chain broken at event #{report.broken_at}: {report.problem}")
        self.stdout.write(f"audit chain intact: {report.checked} events verified")

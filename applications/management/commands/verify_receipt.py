import json

from django.core.management.base import BaseCommand, CommandError

from applications.receipts import check_receipt


class Command(BaseCommand):
    help = "Check a downloaded filing receipt against the office's public key."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}", returncode=2) from exc
        except ValueError as exc:
            raise CommandError(f"{file}: not a JSON receipt ({exc})", returncode=2) from exc
        result = check_receipt(document)
        if result.not_a_receipt:
            # exit 2: the file is not something to check; 1: a receipt that does not hold
            raise CommandError(f"{file}: {result.problem}", returncode=2)
        if result.valid:
            self.stdout.write(
                f"valid: receipt for serial {document['receipt']['serial_number']} is signed by the office"
            )
            return
        detail = f"; altered: {', '.join(result.altered)}" if result.altered else ""
        raise CommandError(f"invalid: {result.problem}{detail}")

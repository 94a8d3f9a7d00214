from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import PATENT_CSV_COLUMNS, import_patent_identities


class Command(BaseCommand):
    help = (
        "Load people verified through the patent side (R7) from a CSV with the columns "
        + ", ".join(PATENT_CSV_COLUMNS)
        + ". Any bad row rejects the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text") from exc
        try:
            result = import_patent_identities(text)
        except ValidationError as exc:
            lines = "\n".join(f"  {file}: {m}" for m in exc.messages)
            raise CommandError(f"nothing imported; fix these rows:\n{lines}") from exc
        self.stdout.write(
            f"imported {result.imported} patent identities; {result.carried_over} existing account(s) verified"
        )

"""Re-encrypt every sealed value under the newest evidence key.

Put the new key first in TMVERIFY_EVIDENCE_KEYS (keep the old one after it), run this,
check the counts, then remove the old key.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.evidence import reseal, sealed_fields
from tmverify import crypto


class Command(BaseCommand):
    help = "Re-encrypt all identity evidence under the newest key of TMVERIFY_EVIDENCE_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        newest = crypto.current_key_id()
        for model, field, owner in sealed_fields():
            label = f"{model._meta.label}.{field}"
            rows = model.objects.exclude(**{field: ""})
            total = rows.count()
            stale = rows.exclude(**{f"{field}__startswith": f"{newest}$"})
            rotated = 0
            while True:
                with transaction.atomic():
                    batch = list(stale.select_for_update().only("pk", field, owner)[:batch_size])
                    if not batch:
                        break
                    for row in batch:
                        try:
                            setattr(row, field, reseal(getattr(row, owner), getattr(row, field)))
                        except crypto.DecryptionError as exc:
                            raise CommandError(f"{label} #{row.pk}: {exc}; nothing of this batch was changed") from exc
                    model.objects.bulk_update(batch, [field])
                    rotated += len(batch)
            after = rows.filter(**{f"{field}__startswith": f"{newest}$"}).count()
            self.stdout.write(f"{label}: {total} sealed, {rotated} re-encrypted, {after} now under key {newest}")
            if after != total:
                raise CommandError(f"{label}: {total - after} value(s) are not under key {newest}")

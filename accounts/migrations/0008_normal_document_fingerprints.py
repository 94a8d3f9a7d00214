"""Issue 18: fingerprints of the document number in its normal form (NFKC, look-alike
letters and other digits folded to A-Z and 0-9, spaces and dashes dropped).

Each stored document is decrypted (keys from settings) and fingerprinted again, on
accounts and on paper forms. A stored number with characters the new rule refuses keeps
the old treatment of those characters (left out), since it was accepted then."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations

from accounts.evidence import open_document
from tmverify import crypto


def _old_fingerprint(country, number):
    # the rule before issue 18, for going back
    normal = f"{country.strip().upper()}:{''.join(ch for ch in number.upper() if ch.isalnum())}"
    return hmac.new(settings.TMVERIFY_FINGERPRINT_KEY.encode(), normal.encode(), hashlib.sha256).hexdigest()


def _refingerprint(apps, fingerprint):
    sealed = [("User", "pk"), ("PaperVerification", "user_id")]
    for model_name, owner in sealed:
        model = apps.get_model("accounts", model_name)
        rows = model.objects.exclude(document_ciphertext="").order_by("pk")
        for row in list(rows):
            try:
                country, number = open_document(getattr(row, owner), row.document_ciphertext)
            except crypto.DecryptionError as exc:
                raise RuntimeError(
                    f"accounts.{model_name} {row.pk}: its document cannot be decrypted with the keys in "
                    "TMVERIFY_EVIDENCE_KEYS, so its fingerprint cannot be recomputed. Configure the key it was "
                    "sealed with, then migrate again."
                ) from exc
            new = fingerprint(country, number)
            if new != row.document_fingerprint:
                model.objects.filter(pk=row.pk).update(document_fingerprint=new)


def forwards(apps, schema_editor):
    _refingerprint(apps, lambda country, number: crypto.fingerprint(country, number, lenient=True))


def backwards(apps, schema_editor):
    _refingerprint(apps, _old_fingerprint)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_countryfield'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]

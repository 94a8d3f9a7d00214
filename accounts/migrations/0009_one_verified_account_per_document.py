"""Issue 18 (R6): the database refuses a second verified account on one document.

Before the constraint is added, any document already behind two verified accounts (only
possible through the races and look-alike numbers issue 18 closes) stops the migration
with the accounts named, for the office to decide."""

from django.db import migrations, models
from django.db.models import Count


def no_two_verified_on_one_document(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    verified = User.objects.filter(identity_state="verified").exclude(document_fingerprint="")
    shared = (
        verified.values("document_fingerprint").annotate(n=Count("pk")).filter(n__gt=1).values("document_fingerprint")
    )
    groups = {}
    for pk, email, fp in verified.filter(document_fingerprint__in=shared).order_by("pk").values_list(
        "pk", "email", "document_fingerprint"
    ):
        groups.setdefault(fp, []).append(f"{email} (id {pk})")
    if groups:
        listed = "; ".join(", ".join(accounts) for accounts in groups.values())
        raise RuntimeError(
            "One person, one verified account (R6): these verified accounts share a document: "
            f"{listed}. Decide which account is the person's and suspend the others in the console "
            "(a suspended account is not covered), then migrate again."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_normal_document_fingerprints'),
    ]

    operations = [
        migrations.RunPython(no_two_verified_on_one_document, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(
                condition=models.Q(('identity_state', 'verified'), models.Q(('document_fingerprint', ''), _negated=True)),
                fields=('document_fingerprint',),
                name='one_verified_account_per_document',
            ),
        ),
    ]

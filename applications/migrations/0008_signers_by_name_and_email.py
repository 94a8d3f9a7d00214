# A signer is a person named by name and email, not necessarily an account (R14,
# docs/DECISIONS.md 58). Every signature and link made before carries its signer's name
# and email forward from the account it pointed at; a signature keeps that account.

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


def name_the_signers(apps, schema_editor):
    """Each existing signature and link takes the name and email of its account."""
    for model in ("Signature", "SignatureLink"):
        rows = list(apps.get_model("applications", model).objects.select_related("signer"))
        for row in rows:
            row.signer_name = f"{row.signer.first_name} {row.signer.last_name}".strip()
            row.signer_email = row.signer.email
        apps.get_model("applications", model).objects.bulk_update(rows, ["signer_name", "signer_email"], batch_size=500)


def find_the_accounts(apps, schema_editor):
    """Going back: each link points again at the account that holds its address. A link
    to an address no account holds cannot be kept by the older schema, which then stops
    rather than drop it (nor can a signature of a person without an account)."""
    accounts = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    links = list(apps.get_model("applications", "SignatureLink").objects.all())
    by_email = {u.email: u.pk for u in accounts.objects.filter(email__in={link.signer_email for link in links})}
    for link in links:
        link.signer_id = by_email.get(link.signer_email)
    apps.get_model("applications", "SignatureLink").objects.bulk_update(links, ["signer"], batch_size=500)


def normal(field: str) -> models.Q:
    return models.Q((field, django.db.models.functions.text.Lower(django.db.models.functions.text.Trim(field))))


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_countryfield"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name=name, field=field, preserve_default=False)
            for model in ("signature", "signaturelink")
            for name, field in (
                ("signer_name", models.CharField(default="", max_length=200)),
                ("signer_email", models.EmailField(default="", max_length=254)),
            )
        ),
        migrations.AlterField(
            model_name="signaturelink",
            name="signer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="signature_links",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(name_the_signers, find_the_accounts),
        migrations.AlterField(
            model_name="signature",
            name="signer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signatures",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RemoveIndex(model_name="signaturelink", name="application_applica_0c6e2a_idx"),
        migrations.RemoveField(model_name="signaturelink", name="signer"),
        migrations.AddIndex(
            model_name="signaturelink",
            index=models.Index(fields=["application", "signer_email"], name="application_applica_c50a06_idx"),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.CheckConstraint(condition=normal("signer_email"), name="signature_signer_email_is_normal"),
        ),
        migrations.AddConstraint(
            model_name="signaturelink",
            constraint=models.CheckConstraint(condition=normal("signer_email"), name="link_signer_email_is_normal"),
        ),
    ]

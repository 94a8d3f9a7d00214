"""Issue 18 (hole 6): when an account confirmed its email through an emailed link.

Accounts made before confirmation existed never proved they receive mail at their
address, so they start unconfirmed (null): each may still sign in, and confirms with a
fresh link from the page every signed-in page points to (docs/DECISIONS.md 46). No row
is changed, and nothing is lost."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_one_verified_account_per_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_confirmed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]

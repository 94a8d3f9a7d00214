"""Migration 0009 (R24): every filing's one attorney becomes its attorney of record, as
named by its creator; no attorney is lost with the column, and it migrates back."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("applications", "0008_signers_by_name_and_email")]
AFTER = [("applications", "0009_representations")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # the accounts' latest state is named too, so that its historical User has every column
    targets = [*targets, *executor.loader.graph.leaf_nodes("accounts")]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_each_filings_attorney_is_carried_over_as_attorney_of_record_and_back():
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Application = old.get_model("applications", "Application")
    dana = User.objects.create(email="dana@example.test", first_name="Dana", last_name="Kim", role="us_attorney")
    owner = User.objects.create(email="olga@example.test", first_name="Olga", last_name="Berg", role="owner")
    represented = Application.objects.create(mark="SUNWAVE", attorney=dana, created_by=owner)
    alone = Application.objects.create(mark="MOONWAVE", created_by=owner)
    try:
        new = migrate(AFTER)
        Representation = new.get_model("applications", "Representation")
        rows = list(Representation.objects.values_list("application_id", "attorney_id", "named_by_id", "state"))
        assert rows == [(represented.pk, dana.pk, owner.pk, "of_record")]
        row = Representation.objects.get()
        assert row.of_record_at == row.named_at == represented.created_at and row.ended_at is None

        back = migrate(BEFORE)
        Application = back.get_model("applications", "Application")
        assert dict(Application.objects.values_list("pk", "attorney_id")) == {represented.pk: dana.pk, alone.pk: None}
    finally:
        call_command("migrate", verbosity=0)  # the tables as every other test expects them

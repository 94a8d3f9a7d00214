"""No index of ours is covered by another on the same table: an index whose columns begin
another index's columns answers no query the longer one cannot, and every row written
pays for it (a submission's UPDATE of its filing wrote every index of the table). Our
models' tables, that is: the tables Django makes for many-to-many fields
(`PermissionsMixin`'s groups and permissions) are Django's, and left as it makes them."""

import pytest
from django.apps import apps
from django.db import connection

OURS = ("accounts", "applications", "tmverify")


def _partial() -> set[str]:
    """Indexes with a condition hold only some rows: they cover no other index."""
    return {
        rule.name
        for model in apps.get_models()
        for rule in (*model._meta.indexes, *model._meta.constraints)
        if getattr(rule, "condition", None) is not None
    }


def _indexes(table: str) -> dict[str, tuple[list[str], bool]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    partial = _partial()
    return {
        name: (info["columns"], info["unique"])
        for name, info in found.items()
        if (info["index"] or info["unique"]) and name not in partial
        # B-trees only (a constraint's, or a plain index: "idx"); an expression index (no
        # plain columns) answers other queries than its columns say
        if info.get("type") in (None, "idx", "btree") and info["columns"] and None not in info["columns"]
    }


def covered_indexes(table: str) -> list[str]:
    indexes = _indexes(table)
    return sorted(
        f"{table}.{name} {columns} by {other} {other_columns}"
        for name, (columns, unique) in indexes.items()
        if not unique
        for other, (other_columns, _) in indexes.items()
        if other != name and other_columns[: len(columns)] == columns
    )


def _our_models():
    return [model for label in OURS for model in apps.get_app_config(label).get_models()]


@pytest.mark.django_db
def test_no_index_of_ours_is_covered_by_another():
    tables = {model._meta.db_table for model in _our_models()}
    assert [found for table in sorted(tables) for found in covered_indexes(table)] == []


@pytest.mark.django_db
def test_every_foreign_key_of_ours_begins_an_index():
    """The other side: a foreign key without an index of its own (`db_index=False`) relies
    on one that begins with it; without any, deleting a row it points to reads the table."""
    unindexed = []
    for model in _our_models():
        leading = {columns[0] for columns, _ in _indexes(model._meta.db_table).values()}
        unindexed += [
            f"{model._meta.db_table}.{field.column}"
            for field in model._meta.concrete_fields
            if field.is_relation and field.column not in leading
        ]
    assert unindexed == []


@pytest.mark.django_db
def test_a_covered_index_is_found():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE covered_probe (a integer, b integer)")
        cursor.execute("CREATE INDEX covered_probe_a ON covered_probe (a)")
        cursor.execute("CREATE INDEX covered_probe_b ON covered_probe (b)")
        cursor.execute("CREATE UNIQUE INDEX covered_probe_ab ON covered_probe (a, b)")
    assert covered_indexes("covered_probe") == ["covered_probe.covered_probe_a ['a'] by covered_probe_ab ['a', 'b']"]

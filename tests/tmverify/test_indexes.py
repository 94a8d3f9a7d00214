"""No index of ours is covered by another on the same table: an index whose columns begin
another index's columns answers no query the longer one cannot, and every row written
pays for it (a submission's UPDATE of its filing wrote every index of the table)."""

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
        # an expression index (no plain columns) answers other queries than its columns say
        if info["columns"] and None not in info["columns"]
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


@pytest.mark.django_db
def test_no_index_of_ours_is_covered_by_another():
    tables = {model._meta.db_table for label in OURS for model in apps.get_app_config(label).get_models()}
    assert [found for table in sorted(tables) for found in covered_indexes(table)] == []


@pytest.mark.django_db
def test_a_covered_index_is_found():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE covered_probe (a integer, b integer)")
        cursor.execute("CREATE INDEX covered_probe_a ON covered_probe (a)")
        cursor.execute("CREATE INDEX covered_probe_b ON covered_probe (b)")
        cursor.execute("CREATE UNIQUE INDEX covered_probe_ab ON covered_probe (a, b)")
    assert covered_indexes("covered_probe") == ["covered_probe.covered_probe_a ['a'] by covered_probe_ab ['a', 'b']"]

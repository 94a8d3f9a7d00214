"""Small database helpers shared by the apps.

The singleton rows (the audit-chain head, the serial counter) are locked by every
submission while the other writers wait, so they are read and written with one short
hand-built statement each instead of a query the ORM compiles anew on every call.
"""

import functools

from django.db import IntegrityError, connection, transaction


def _table_and_row(model) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), f"{quote(model._meta.pk.column)} = 1"


@functools.cache
def _select_sql(model, vendor: str) -> tuple[str, list[str]]:
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table, row = _table_and_row(model)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT {columns} FROM {table} WHERE {row}{lock}", [f.attname for f in fields]


def _locked_row(model):
    sql, attnames = _select_sql(model, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        values = cursor.fetchone()
    return None if values is None else model.from_db(connection.alias, attnames, values)


def lock_singleton(model):
    """Lock (SELECT ... FOR UPDATE) the one row of `model`, creating it on first use.

    Serialises writers that must form one line (the audit chain, serial numbers) without
    a savepoint on the common path. For rows of numbers and text (values are not converted).
    """
    row = _locked_row(model)
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model.objects.create(pk=1)
    except IntegrityError:
        # another transaction created it first; wait for and lock the one it made
        return _locked_row(model)


def update_singleton(model, **values) -> None:
    """Write `values` to the one row of `model`, locked earlier by `lock_singleton`."""
    fields = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    table, row = _table_and_row(model)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE {row}",
            [f.get_db_prep_save(values[f.name], connection) for f in fields],
        )


def increment_singleton(model, field: str) -> int:
    """Add one to `field` of `model`'s one row and return the new value: one locking
    `UPDATE ... RETURNING` (SQLite 3.35+, PostgreSQL), the row held until the
    transaction ends."""
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    table, row = _table_and_row(model)
    sql = f"UPDATE {table} SET {column} = {column} + 1 WHERE {row} RETURNING {column}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        values = cursor.fetchone()
        if values is None:
            lock_singleton(model)
            cursor.execute(sql)
            values = cursor.fetchone()
    return values[0]


def keep_loaded(instance, relation: str, queryset) -> None:
    """Run `queryset` now; `instance.<relation>.all()` then returns its rows without a
    query, as after `prefetch_related(relation)` (Django keeps them in the same place)."""
    rows = list(queryset)
    kept = getattr(instance, relation).all()  # not evaluated: the relation's own queryset
    kept._result_cache, kept._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = kept

"""Small database helpers shared by the apps."""

from django.db import IntegrityError, connection, transaction


def lock_singleton(model):
    """Lock (SELECT ... FOR UPDATE) the one row of `model`, creating it on first use.

    Serialises writers that must form one line (the audit chain, serial numbers) without
    a savepoint on the common path.
    """
    row = model.objects.select_for_update().filter(pk=1).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model.objects.create(pk=1)
    except IntegrityError:
        # another transaction created it first; wait for and lock the one it made
        return model.objects.select_for_update().get(pk=1)


def increment_singleton(model, field: str) -> int:
    """Add one to `field` of `model`'s one row and return the new value: one locking
    `UPDATE ... RETURNING` (SQLite 3.35+, PostgreSQL), the row held until the
    transaction ends."""
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    column = quote(model._meta.get_field(field).column)
    sql = f"UPDATE {table} SET {column} = {column} + 1 WHERE {key} = 1 RETURNING {column}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:
            lock_singleton(model)
            cursor.execute(sql)
            row = cursor.fetchone()
    return row[0]

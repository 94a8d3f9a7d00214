"""Query plans for tests that a lookup goes through an index."""

from django.db import connection, transaction


def indexed_plan(queryset) -> str:
    """The database's plan for `queryset` where an index can serve it: on a table as small
    as a test's, PostgreSQL would rather read it all, so it is told not to."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()

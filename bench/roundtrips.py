"""What a round trip to PostgreSQL costs, and what sending statements together saves
(DECISIONS 36): five reads by id one after another and in one pipeline (`together`),
and one statement on a new cursor against one on a kept cursor. Wall time and the CPU
of each side per call: this process, and PostgreSQL's process of the connection.

    python -m bench.roundtrips --runs 5 --calls 2000
"""

import argparse

from .common import emit, per_call_ms, postgres_database, setup_django, summary

READS = 5


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args(argv)
    setup_django(postgres_database("tmverify_bench_roundtrips"))

    from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

    from accounts.models import User
    from tmverify.db import PreparedQuery, kept_cursor, together

    user = User.objects.create(email="roundtrips@bench.example")
    by_id = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
    sql = 'SELECT "id", "email", "identity_state", "role" FROM "accounts_user" WHERE "id" = %s'

    def one_after_another():
        for _ in range(READS):
            by_id.all(user.pk)

    def sent_together():
        together(*[(by_id, (user.pk,))] * READS)

    def new_cursor():
        with connection.cursor() as cursor:
            cursor.execute(sql, [user.pk])
            cursor.fetchall()

    def kept():
        cursor = kept_cursor(connections[DEFAULT_DB_ALIAS])
        cursor.execute(sql, [user.pk])
        cursor.fetchall()

    cases = {
        "five reads one after another": one_after_another,
        "five reads together": sent_together,
        "one statement, a new cursor": new_cursor,
        "one statement, a kept cursor": kept,
    }
    samples = {name: [] for name in cases}
    with transaction.atomic():  # the statements, not a transaction each
        for _ in range(args.runs):
            for name, fn in cases.items():  # side by side, run after run
                for _ in range(50):  # warm: compiled, prepared, cursors kept
                    fn()
                samples[name].append(per_call_ms(fn, args.calls, connection))
    emit(
        {
            "bench": "roundtrips",
            "ms": {
                name: {side: summary([run[side] for run in runs]) for side in ("wall", "client", "server")}
                for name, runs in samples.items()
            },
        }
    )


if __name__ == "__main__":
    main()

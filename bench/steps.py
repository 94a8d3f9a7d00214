"""Where a submission's time goes, in-process, beside the row-locking flip.

Every step of `submit_filing` is timed by wrapping the function that does it; what no
step covers (opening and committing the transaction, saving the filing, Django's own
work between steps) is "the rest". One ORM statement and the same statement written by
hand are timed too, a SELECT and an INSERT: the difference is the price of building
queries.

    python -m bench.steps --submissions 300
    python -m bench.steps --submissions 300 --postgres   # a throw-away PostgreSQL database

Beside the time, the CPU each side spends: this process (Python, the driver, SQLite) and,
on PostgreSQL, the server process of its connection (read from /proc, on this machine).
"""

import argparse
import os
import time
from collections import defaultdict
from contextlib import ExitStack
from unittest import mock

from .common import analyze, emit, per_call_ms, postgres_database, setup_django, summary

# (label, module, function): the steps of a submission, in order. When the services are
# reorganised these names must follow them: `_wrapped` says which one is gone.
STEPS = [
    ("read and lock the filing with its contents", "applications.services", "lock_filing"),
    ("the gate (rules in Python)", "applications.rules", "submission_reasons"),
    ("high-volume check (note, then count)", "applications.services", "_note_submission"),
    ("standing flags (shared bar number)", "applications.rules", "standing_flags"),
    ("high-volume check (note, then count)", "applications.services", "_is_high_volume"),
    ("raise new flags", "applications.services", "_raise_flags"),
    ("serial number (locked until commit)", "applications.services", "_next_serial"),
    ("audit: lock head, insert, update", "tmverify.audit", "_append"),
    ("receipt: build, sign head and fields, insert", "applications.services", "issue_receipt"),
]
LABELS = list(dict.fromkeys(label for label, _, _ in STEPS))


def _timed(spent: dict, label: str, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    return wrapper


def _wrapped(stack: ExitStack, spent: dict) -> None:
    """Time every step of STEPS by wrapping its function where the services look it up."""
    import importlib

    for label, module, name in STEPS:
        target = importlib.import_module(module)
        if not hasattr(target, name):
            raise SystemExit(f"bench/steps.py: {module}.{name} ({label!r}) is gone; name the function doing it now")
        stack.enter_context(mock.patch.object(target, name, _timed(spent, label, getattr(target, name))))


def _per_call_ms(fn, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1000


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--database-url", help="a throw-away SQLite file when not given")
    parser.add_argument("--postgres", action="store_true", help="a throw-away database on the local PostgreSQL")
    args = parser.parse_args(argv)
    setup_django(postgres_database("tmverify_bench_steps") if args.postgres else args.database_url)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    from .cases import cases
    from .data import attorney, clone_filings
    from .models import Toggle

    actor = attorney()
    filings = iter(clone_filings(args.submissions * (2 * args.runs + 1)))  # warm-up, then timed and CPU read
    Toggle.objects.bulk_create(Toggle() for _ in range(10))

    calls = cases(actor, filings, toggle=1)
    submit, flip = calls["submit"], calls["flip"]

    for _ in range(args.submissions):
        submit()  # warm up, and make the bench attorney a high-volume filer like a busy firm
    analyze(os.environ["DATABASE_URL"])
    with CaptureQueriesContext(connection) as statements:
        submit()
    with CaptureQueriesContext(connection) as flip_statements:
        flip()
    measured = {"submit": submit, "flip": flip}

    totals, flips, steps = [], [], defaultdict(list)
    cpu = {name: {"client": [], "server": []} for name in measured}
    for _ in range(args.runs):
        spent = defaultdict(float)
        with ExitStack() as stack:
            _wrapped(stack, spent)
            total = _per_call_ms(submit, args.submissions - 1)
        flips.append(_per_call_ms(flip, args.submissions))
        totals.append(total)
        for label in LABELS:
            steps[label].append(spent[label] / (args.submissions - 1) * 1000)
        steps["the rest"].append(total - sum(spent[label] for label in LABELS) / (args.submissions - 1) * 1000)
        for name, fn in measured.items():
            cost = per_call_ms(fn, args.submissions - 1, connection)
            cpu[name]["client"].append(cost["client"])
            if cost["server"] is not None:
                cpu[name]["server"].append(cost["server"])

    user_id = actor.pk
    sql = 'SELECT "id", "email", "identity_state", "role" FROM "accounts_user" WHERE "id" = %s'

    def by_orm():
        User.objects.only("email", "identity_state", "role").get(pk=user_id)

    def by_hand():
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            cursor.fetchone()

    insert_sql = f"INSERT INTO {Toggle._meta.db_table} (status) VALUES (%s) RETURNING id"

    def insert_by_orm():
        Toggle.objects.bulk_create([Toggle()])

    def insert_by_hand():
        with connection.cursor() as cursor:
            cursor.execute(insert_sql, [False])
            cursor.fetchone()

    def per_insert_ms(fn):
        with transaction.atomic():  # one transaction: the statement, not the commit
            return _per_call_ms(fn, 500)

    emit(
        {
            "bench": "steps",
            "database": connection.vendor,
            "cpu_ms": {
                name: {side: summary(samples) for side, samples in sides.items() if samples}
                for name, sides in cpu.items()
            },
            "statements": len(statements),
            "flip_statements": len(flip_statements),
            "submit_ms": summary(totals),
            "flip_ms": summary(flips),
            "steps_ms": {label: summary(samples) for label, samples in steps.items()},
            "orm_statement_ms": summary([_per_call_ms(by_orm, 500) for _ in range(args.runs)]),
            "raw_statement_ms": summary([_per_call_ms(by_hand, 500) for _ in range(args.runs)]),
            "insert_ms": {
                "orm": summary([per_insert_ms(insert_by_orm) for _ in range(args.runs)]),
                "by_hand": summary([per_insert_ms(insert_by_hand) for _ in range(args.runs)]),
            },
        }
    )


if __name__ == "__main__":
    main()

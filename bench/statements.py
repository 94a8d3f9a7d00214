"""SQL statements a population run makes, per person and by kind: where its time goes.

python -m bench.statements --people 300
"""

import argparse
import re
from collections import Counter

from .common import emit

_LITERALS = re.compile(r"'[^']*'|\b\d+\b")


def _kind(sql: str) -> str:
    """The statement's verb and table: `SELECT accounts_user`, `EXISTS accounts_user`."""
    verb = sql.lstrip().split(None, 1)[0].upper()
    if verb == "SELECT":
        verb = "EXISTS" if ' AS "a" FROM' in sql else "SELECT"
        table = re.search(r'\bFROM "(\w+)"', sql)
    else:
        table = re.search(r'"(\w+)"', sql)
    return f"{verb} {table.group(1)}" if table else _LITERALS.sub("?", sql)[:40]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import os

    os.environ["DJANGO_SETTINGS_MODULE"] = "tmverify.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    from simulator.database import throwaway_database
    from simulator.population import run_population

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    kinds = Counter()

    def count(execute, sql, params, many, context):
        kinds[_kind(sql)] += 1
        return execute(sql, params, many, context)

    with throwaway_database(), connections["default"].execute_wrapper(count):
        run_population(args.people, seed=args.seed)
    total = sum(kinds.values())
    emit(
        {
            "bench": "statements",
            "people": args.people,
            "statements": total,
            "per_person": total / args.people,
            "by_kind": dict(kinds.most_common(12)),
        }
    )


if __name__ == "__main__":
    main()

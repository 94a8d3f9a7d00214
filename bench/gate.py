"""The gate: microseconds and SQL queries to evaluate it for one filing, at two office sizes.

python -m bench.gate --filings 1000
"""

import argparse
import time

from .common import emit, setup_django, summary


def measure(filings: list[int], runs: int, calls: int) -> dict:
    """Queries and microseconds of the gate for the middle filing of `filings`, in the
    current database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.models import Application
    from applications.rules import submission_reasons

    from .data import attorney

    actor = attorney()
    filing = Application.objects.get(pk=filings[len(filings) // 2])
    with CaptureQueriesContext(connection) as queries:
        reasons = submission_reasons(actor, filing)
    assert not reasons, reasons
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            submission_reasons(actor, filing)
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return {"bench": "gate", "filings": len(filings), "queries": len(queries), "microseconds": summary(samples)}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--filings", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)
    setup_django(args.database_url)

    from .data import clone_filings

    emit(measure(clone_filings(args.filings), args.runs, args.calls))


if __name__ == "__main__":
    main()

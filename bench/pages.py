"""Pages at two office sizes: the dashboard of a filer with 50 filings, the console's
paper queue and a filing's detail page. Queries per page must not grow with the office
(no N+1), and throughput at the large size should stay near the small one.

    python -m bench.pages --filings 1000
"""

import argparse
import time
from datetime import date

from .common import emit, setup_django, summary


def _office(filings: int):
    from accounts import services as accounts
    from accounts.office import make_office_staff
    from tmverify import clock

    from .data import BENCH_DAY, clone_filings

    clock.set_today(BENCH_DAY)
    owner = accounts.register_user(
        email="owner@bench.example", first_name="Olivia", last_name="Owner", password="x" * 12, role="owner"
    )
    accounts.verify_with_simulated_provider(
        owner, method="online", role="owner", document_country="US", document_number="OWN-1", passed=True
    )
    mine = clone_filings(50, state="draft", created_by=owner)
    clone_filings(max(filings - 50, 0), state="signed")
    for n in range(30):  # a paper queue of the same length at every size
        person = accounts.register_user(
            email=f"paper{n}@bench.example", first_name="Paper", last_name=f"Person{n}", role="owner"
        )
        accounts.file_paper_verification(person, role="owner", document_country="US", document_number=f"P{n}")
    examiner = accounts.register_user(email="erin@bench.example", first_name="Erin", last_name="Ross")
    make_office_staff(examiner, "examiner")
    clock.reset()
    return owner, examiner, mine[0]


def _recorder(queries: list):
    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return record


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--filings", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--show-queries", action="store_true")
    args = parser.parse_args(argv)
    setup_django()

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tmverify import clock

    setup_test_environment()
    owner, examiner, filing_pk = _office(args.filings)
    clock.set_today(date(2025, 6, 2))
    filer, office = Client(), Client()
    filer.force_login(owner)
    office.force_login(examiner)
    pages = {
        "dashboard (50 filings)": (filer, "/filings/"),
        "filing detail": (filer, f"/filings/{filing_pk}/"),
        "console paper queue": (office, "/console/accounts/paperverification/"),
    }
    report = {"bench": "pages", "filings": args.filings, "pages": {}}
    for name, (client, url) in pages.items():
        queries = []
        with connection.execute_wrapper(_recorder(queries)):
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for _ in range(args.requests):
                client.get(url)
            samples.append(args.requests / (time.perf_counter() - start))
        report["pages"][name] = {"queries": len(queries), "rps": summary(samples)}
        if args.show_queries:
            report["pages"][name]["sql"] = queries
    emit(report)


if __name__ == "__main__":
    main()

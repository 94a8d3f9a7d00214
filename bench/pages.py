"""Pages at two office sizes: the dashboard of a filer with 50 filings, the console's
paper queue and a filing's detail page. Queries per page must not grow with the office
(no N+1), and throughput at the large size should stay near the small one.

Each size has its own SQLite database, built first; then the sizes take turns, run after
run, in one process, so that a drift of the shared machine touches both alike.

    python -m bench.pages --filings 1000 100000
"""

import argparse
import shutil
import time
from datetime import date
from pathlib import Path

from .common import emit, remove_sqlite_at_exit, setup_django, summary


def _office(filings: int):
    from accounts import services as accounts
    from accounts.office import make_office_staff
    from simulator.identity import confirm_email_as_its_owner, verify_with_simulated_provider
    from tmverify import clock

    from .data import BENCH_DAY, clone_filings

    clock.set_today(BENCH_DAY)
    owner = confirm_email_as_its_owner(
        accounts.register_user(
            email="owner@bench.example", first_name="Olivia", last_name="Owner", password="x" * 12, role="owner"
        )
    )
    verify_with_simulated_provider(
        owner, method="online", role="owner", document_country="US", document_number="OWN-1", passed=True
    )
    mine = clone_filings(50, state="draft", created_by=owner)
    clone_filings(max(filings - 50, 0), state="signed")
    for n in range(30):  # a paper queue of the same length at every size
        person = confirm_email_as_its_owner(
            accounts.register_user(
                email=f"paper{n}@bench.example", first_name="Paper", last_name=f"Person{n}", role="owner"
            )
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


def _use(database: Path) -> None:
    """Point the default connection at `database` (it connects again on its next query)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(database)


def _databases(sizes: list[int]) -> list[Path]:
    """One migrated, empty database file per size (copies of the one `setup_django` made)."""
    from django.db import connection

    first = Path(connection.settings_dict["NAME"])
    connection.close()  # everything in the main file, none in the write-ahead log
    copies = []
    for n in sizes[1:]:
        copy = first.with_name(f"{first.stem}-{n}{first.suffix}")
        shutil.copyfile(first, copy)
        remove_sqlite_at_exit(copy)
        copies.append(copy)
    return [first, *copies]


def _pages(filings: int):
    """The office of `filings` filings in the current database; each page's client and URL."""
    from django.test import Client

    from tmverify import clock

    owner, examiner, filing_pk = _office(filings)
    clock.set_today(date(2025, 6, 2))
    filer, office = Client(), Client()
    filer.force_login(owner)
    office.force_login(examiner)
    return {
        "dashboard (50 filings)": (filer, "/filings/"),
        "filing detail": (filer, f"/filings/{filing_pk}/"),
        "console paper queue": (office, "/console/accounts/paperverification/"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--filings", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--show-queries", action="store_true")
    args = parser.parse_args(argv)
    setup_django()

    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    offices = []  # (its database, its pages, what is measured there)
    for filings, database in zip(args.filings, _databases(args.filings), strict=True):
        _use(database)
        pages, measured = _pages(filings), {"filings": filings, "pages": {}}
        for name, (client, url) in pages.items():
            queries = []
            with connection.execute_wrapper(_recorder(queries)):
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            measured["pages"][name] = {"queries": len(queries), "rps": []}
            if args.show_queries:
                measured["pages"][name]["sql"] = queries
        offices.append((database, pages, measured))
    for _ in range(args.runs):
        for database, pages, measured in offices:  # the sizes take turns
            _use(database)
            for name, (client, url) in pages.items():
                client.get(url)  # untimed: the connection opened again after the switch
                start = time.perf_counter()
                for _ in range(args.requests):
                    client.get(url)
                measured["pages"][name]["rps"].append(args.requests / (time.perf_counter() - start))
    sizes = [measured for _, _, measured in offices]
    for measured in sizes:
        for page in measured["pages"].values():
            page["rps"] = summary(page["rps"])
    emit({"bench": "pages", "sizes": sizes})


if __name__ == "__main__":
    main()

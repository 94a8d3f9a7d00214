"""Shared helpers: a throw-away database per benchmark, timing, and JSON results."""

import atexit
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def remove_sqlite_at_exit(path: Path) -> None:
    """Remove a throw-away SQLite database, with the files SQLite keeps beside it (its
    write-ahead log and shared memory in WAL mode, a journal otherwise), when this process ends."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        atexit.register(Path(f"{path}{suffix}").unlink, missing_ok=True)


def setup_django(database_url: str | None = None) -> None:
    """Point Django at `database_url` (a fresh SQLite file by default) and migrate it."""
    sys.path.insert(0, str(ROOT))
    if database_url is None:
        handle, path = tempfile.mkstemp(prefix="tmverify-bench-", suffix=".sqlite3")
        os.close(handle)
        remove_sqlite_at_exit(Path(path))
        database_url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # measured as production runs: DEBUG keeps every statement's text (on SQLite after one
    # more query to quote its parameters), which would add a third to each ORM statement
    settings.DEBUG = False

    call_command("migrate", verbosity=0)
    if database_url.startswith("sqlite"):
        from django.db import connection

        with connection.cursor() as cursor:
            # bench data is throw-away: don't pay for durability while loading it
            cursor.execute("PRAGMA synchronous=OFF")


# the server's maintenance database: throw-away databases are made and dropped from it
# (never the suites' own, which CI and other runs may be using)
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def postgres_database(name: str) -> str:
    """A new, empty PostgreSQL database `name` on the local server, and its URL; dropped
    when this process ends (and first, if a run before left it)."""
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    atexit.register(_admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def analyze(database_url: str) -> None:
    """Refresh PostgreSQL's statistics, as its autovacuum does on a production server as
    tables grow (it is off on these machines). A table never counted is planned as almost
    empty: the high-volume check then read every applicant of a busy filer's window (a
    bitmap scan) instead of stopping at the 21st (findings 24)."""
    if not database_url.startswith("postgres"):
        return
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute("ANALYZE")


def _server_cpu_seconds(connection) -> float | None:
    """CPU used so far by the PostgreSQL process serving `connection`, or None (SQLite
    runs in this process; another machine's server cannot be read)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # user + system


def per_call_ms(fn, calls: int, connection) -> dict:
    """Milliseconds per call of `fn`: the wall time, this process's CPU, and the CPU of
    the database server's process for `connection` (None when it cannot be read)."""
    wall, client, server = time.perf_counter(), time.process_time(), _server_cpu_seconds(connection)
    for _ in range(calls):
        fn()
    wall, client = time.perf_counter() - wall, time.process_time() - client
    after = _server_cpu_seconds(connection)
    return {
        "wall": wall / calls * 1000,
        "client": client / calls * 1000,
        "server": None if server is None or after is None else (after - server) / calls * 1000,
    }


def summary(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "runs": len(samples)}


def emit(result: dict) -> None:
    """One JSON line on stdout: what the orchestrator reads."""
    print(json.dumps(result), flush=True)


def callgrind_dumps(folder: Path) -> dict[str, int]:
    """The instructions of each `callgrind_control --dump=NAME` in `folder` (callgrind
    writes one file a dump), by NAME."""
    counts = {}
    for dump in Path(folder).glob("callgrind.out.*"):
        text = dump.read_text(errors="replace")
        name, total = re.search(r"^desc: Trigger: dump (\w+)$", text, re.M), re.search(r"^totals: (\d+)$", text, re.M)
        if name and total:
            counts[name.group(1)] = int(total.group(1))
    return counts

"""Submit over HTTP: gunicorn (2 sync workers, DJANGO_DEBUG=False), 16 concurrent wrk
clients for 10 s, against (a) a bare view, (b) a row-locking status flip and (c) the real
submission of signed, valid filings. The endpoints take turns run after run, so a drift of
the shared machine touches all of them alike.

    python -m bench.http --database sqlite --runs 5 --duration 10
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .common import ROOT, analyze, emit, postgres_database, summary

PORT = 8765
PG_BENCH_DB = "tmverify_bench"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _keys_env() -> dict:
    out = subprocess.run(
        [sys.executable, "manage.py", "generate_keys"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    env = {}
    for line in out.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value.strip("'")
    return env


def _database_url(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    return postgres_database(PG_BENCH_DB)


PREPARE = """
import json, sys
from bench.common import setup_django
setup_django(sys.argv[1])
from bench.data import clone_filings
from bench.models import Toggle
Toggle.objects.bulk_create(Toggle() for _ in range(1000))
ids = clone_filings(int(sys.argv[2]))
print(json.dumps([min(ids), max(ids), len(ids)]))
"""


def _prepare(env: dict, database_url: str, filings: int) -> tuple[int, int]:
    out = subprocess.run(
        [sys.executable, "-c", PREPARE, database_url, str(filings)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    first, last, count = (int(x) for x in out.strip().splitlines()[-1].strip("[]").split(","))
    if last - first + 1 != count:
        raise SystemExit("bench filings were not given consecutive ids")
    return first, last


def _start_server(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "tmverify.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/ok/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def _parse_wrk(output: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE):
        latency[pct] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": rps,
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "requests": requests,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
    }


def _wrk(url: str, duration: int, script_args: list[str] | None = None) -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency"]
    if script_args:
        command += ["-s", str(ROOT / "bench" / "ids.lua"), url, "--", *script_args]
    else:
        command.append(url)
    return _parse_wrk(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--filings-per-run", type=int, default=6000)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    workdir = Path(tempfile.mkdtemp(prefix="tmverify-http-"))
    env = {
        **os.environ,
        **_keys_env(),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "False",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "TMVERIFY_TODAY": "2025-06-02",
    }
    env["DATABASE_URL"] = _database_url(args.database, workdir)
    first, last = _prepare(env, env["DATABASE_URL"], args.filings_per_run * args.runs)
    analyze(env["DATABASE_URL"])
    base = f"http://127.0.0.1:{PORT}"
    server = _start_server(env)
    results = {"ok": [], "flip": [], "submit": []}
    try:
        for run in range(args.runs):
            results["ok"].append(_wrk(f"{base}/bench/ok/", args.duration))
            results["flip"].append(_wrk(base, args.duration, ["/bench/flip/", str(run * 100_000), "2"]))
            start = first + run * args.filings_per_run
            results["submit"].append(_wrk(base, args.duration, ["/bench/submit/", str(start), "2"]))
            if results["submit"][-1]["requests"] > args.filings_per_run:
                raise SystemExit("ran out of signed filings: raise --filings-per-run")
            analyze(env["DATABASE_URL"])  # between runs, untimed: what autovacuum would do
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    report = {"bench": "http", "database": args.database, "duration": args.duration, "endpoints": {}}
    for name, runs in results.items():
        report["endpoints"][name] = {
            "rps": summary([r["rps"] for r in runs]),
            "p50_ms": summary([r["p50_ms"] for r in runs]),
            "p99_ms": summary([r["p99_ms"] for r in runs]),
            "errors": sum(r["errors"] for r in runs),
        }
    emit(report)


if __name__ == "__main__":
    main()

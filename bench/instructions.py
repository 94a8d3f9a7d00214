"""Instructions this process executes per call on PostgreSQL, counted by valgrind's
callgrind: the real submission, the row-locking flip, and the submission's statements
alone (bench/floor.py). Times on a shared machine drift by a sixth within the hour; these
counts come out the same run after run (within a percent), so a change to the Python can
be weighed on its own. What they count is this side's work (Python, the driver, the
crypto): not PostgreSQL's, and not the waits.

    python -m bench.instructions --calls 100

Needs valgrind (Debian's package). The counting process runs under valgrind, tens of
times slower; only the calls are counted, not its setup.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, emit

CASES = ("submit", "flip", "floor")


def _wait_for(path: Path, process: subprocess.Popen | None = None) -> None:
    while not path.exists():
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the counted process ended early ({process.returncode})")
        time.sleep(0.05)


def _child(calls: int, signals: Path) -> None:
    """Set up, then run each case's calls when told to (the parent counts around them)."""
    from .common import analyze, postgres_database, setup_django

    setup_django(postgres_database("tmverify_bench_instructions"))
    from django.db import transaction

    from accounts.models import User
    from applications.models import Application
    from applications.services import submit_filing

    from . import floor
    from .data import attorney, clone_filings
    from .models import Toggle

    actor = attorney()
    filings = iter(clone_filings(30 + 2 * calls + 1))
    toggle = Toggle.objects.create()

    def submit():
        submit_filing(User(pk=actor.pk), Application(pk=next(filings)))

    def flip():
        with transaction.atomic():
            row = Toggle.objects.select_for_update().get(pk=toggle.pk)
            Toggle.objects.filter(pk=toggle.pk).update(status=not row.status)

    def submit_floor():
        floor.submit(actor.pk, next(filings))

    for _ in range(30):
        submit()  # warm, and a high-volume filer: each filing gets a flag, as in bench.http
    analyze(os.environ["DATABASE_URL"])
    flip()
    submit_floor()  # its first call records the real submission's statements
    (signals / "ready").touch()
    for case, fn in zip(CASES, (submit, flip, submit_floor), strict=True):
        _wait_for(signals / f"go-{case}")
        for _ in range(calls):
            fn()
        (signals / f"done-{case}").touch()
    _wait_for(signals / "end")


def _count(calls: int) -> dict:
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is missing: apt-get install -y valgrind")
    signals = Path(tempfile.mkdtemp(prefix="tmverify-instructions-"))
    out = signals / "callgrind.out"
    child = subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.instructions",
            "--calls",
            str(calls),
            "--child",
            str(signals),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def control(*args: str) -> None:
        subprocess.run(["callgrind_control", *args, str(child.pid)], check=True, capture_output=True)

    try:
        _wait_for(signals / "ready", child)
        control("--instr=on")
        for case in CASES:
            control("--zerocost")
            (signals / f"go-{case}").touch()
            _wait_for(signals / f"done-{case}", child)
            control(f"--dump={case}")
        control("--instr=off")
        (signals / "end").touch()
        child.wait(timeout=120)
        counts = {}
        for dump in signals.glob("callgrind.out.*"):  # one per --dump, named by it
            text = dump.read_text(errors="replace")
            case, total = (
                re.search(r"^desc: Trigger: dump (\w+)$", text, re.M),
                re.search(r"^totals: (\d+)$", text, re.M),
            )
            if case and total:
                counts[case.group(1)] = int(total.group(1)) / calls
        return counts
    finally:
        if child.poll() is None:
            child.kill()
        shutil.rmtree(signals, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.calls, Path(args.child))
        return
    counts = _count(args.calls)
    if set(counts) != set(CASES):
        raise SystemExit(f"callgrind's dumps were not all read: {sorted(counts)}")
    emit({"bench": "instructions", "calls": args.calls, "per_call": counts})


if __name__ == "__main__":
    main()

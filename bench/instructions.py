"""Instructions this process executes per call on PostgreSQL, counted by valgrind's
callgrind: the real submission and the row-locking flip. Times on a shared machine drift
by a sixth within the hour; these counts come out the same run after run (within a
percent), so a change to the Python can be weighed on its own. What they count is this side's work (Python, the driver, the
crypto): not PostgreSQL's, and not the waits.

    python -m bench.instructions --calls 100

Needs valgrind (Debian's package). The counting process runs under valgrind, tens of
times slower; only the calls are counted, not its setup.
"""

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .common import ROOT, callgrind_dumps, emit

CASES = ("submit", "flip")
DEADLINE = 600  # seconds the counted process may take for a step before it is given up


def _child(calls: int, signals: Path) -> None:
    """Set up, then run each case's calls when told to. It waits on a pipe (`os.mkfifo`),
    blocked in the kernel, so that no instruction of its own is counted between cases."""
    from .common import analyze, postgres_database, setup_django

    setup_django(postgres_database("tmverify_bench_instructions"))
    from .cases import cases
    from .data import attorney, clone_filings
    from .models import Toggle

    run = cases(attorney(), iter(clone_filings(40 + 2 * calls)), toggle=Toggle.objects.create().pk)
    for _ in range(30):
        run["submit"]()  # warm, and a high-volume filer: each filing gets a flag, as in bench.http
    analyze(os.environ["DATABASE_URL"])
    for _ in range(10):  # warm
        run["flip"]()
    # The setup leaves many new objects behind, and the full collection they call for,
    # which walks every object of the process (Django's and the apps' included), came
    # inside the first case's calls in some runs and not in others: 0.7 million
    # instructions a call over 100 calls. Collected now, it is counted in no case; at
    # that rate another comes only after far more calls than are counted.
    gc.collect()
    for case in CASES:
        (signals / "ready").write_text(case)
        (signals / "go").read_text()  # blocks until the parent opens the pipe and closes it
        for _ in range(calls):
            run[case]()
    (signals / "ready").write_text("")
    (signals / "go").read_text()


def _count(calls: int) -> dict:
    """Run the child under callgrind; the instructions of each case's calls, per call."""
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is missing: apt-get install -y valgrind")
    signals = Path(tempfile.mkdtemp(prefix="tmverify-instructions-"))
    for pipe in ("ready", "go"):
        os.mkfifo(signals / pipe)
    errors = signals / "stderr"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={signals / 'callgrind.out'}",
        *(sys.executable, "-m", "bench.instructions", "--calls", str(calls), "--child", str(signals)),
    ]
    with errors.open("w") as stderr:
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)

    def control(*args: str) -> None:
        subprocess.run(["callgrind_control", *args, str(child.pid)], check=True, capture_output=True, timeout=60)

    def meanwhile(step):
        """`step()`, which blocks on a pipe until the child answers, or an error if the
        child ends or takes longer than DEADLINE."""
        with ThreadPoolExecutor(1) as pool:
            done, started = pool.submit(step), time.monotonic()
            while not done.done():
                if child.poll() is not None or time.monotonic() - started > DEADLINE:
                    child.kill()
                    tail = errors.read_text(errors="replace")[-2000:]
                    raise SystemExit(f"the counted process failed ({child.returncode}):\n{tail}")
                time.sleep(0.05)
            return done.result()

    def ready() -> str:
        return meanwhile((signals / "ready").read_text)

    def go() -> None:
        meanwhile(lambda: (signals / "go").write_text(""))

    try:
        case = ready()
        control("--instr=on")
        while case:
            control("--zerocost")
            go()
            following = ready()  # the child has run the case's calls
            control(f"--dump={case}")
            case = following
        control("--instr=off")
        go()
        child.wait(timeout=DEADLINE)
        return {case: total / calls for case, total in callgrind_dumps(signals).items()}
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

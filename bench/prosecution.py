"""What prosecution costs a population, per person: one block's CPU with and without it.

    python -m bench.prosecution --people 1000 --runs 5

In this process, after a warm-up block: the same block (seed 1, the default date) run with
`prosecution=False` and with `prosecution=True`, alternated `--runs` times, each timed by
this process's CPU (user and system) and wall clock. Starting Django and migrating the
block's template are left out: a population pays them once per process, not per person,
and counted in they would hide a part of what prosecution adds to each block.

    python -m bench.prosecution --people 300 --instructions

The same two blocks, each once, their instructions counted by valgrind's callgrind
instead of timed: the count of the same code moves by a fraction of a percent from run to
run, where this machine's CPU times move by a quarter, so a change to prosecution's cost
can be weighed on its own. Needs valgrind; about 15 minutes for 300 people.
"""

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, callgrind_dumps, emit, setup_django


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def measure(people: int, runs: int) -> dict:
    from simulator.population import DEFAULT_DATE, Block, run_block

    def block(prosecution: bool) -> dict:
        cpu, wall = _cpu(), time.perf_counter()
        run_block(Block(people=people, seed=1, on=DEFAULT_DATE, total=people, offset=0, prosecution=prosecution))
        return {"cpu_seconds": _cpu() - cpu, "seconds": time.perf_counter() - wall}

    block(True)  # the warm-up: the template, the imports and the caches a process makes once
    taken = {"without": [], "with": []}
    for _ in range(runs):
        taken["without"].append(block(False))
        taken["with"].append(block(True))
    return {"bench": "prosecution", "size": people, **taken}


def _counted_blocks(people: int) -> None:
    """In the process callgrind runs: a warm-up block uncounted, then the block without
    and with prosecution, each counted and dumped under its name. The process turns the
    counting on and off itself, through `callgrind_control`, whose own process valgrind
    does not follow."""
    from simulator.population import DEFAULT_DATE, Block, run_block

    def control(*args: str) -> None:
        subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True, capture_output=True, timeout=600)

    warm = min(people, 100)
    run_block(Block(people=warm, seed=2, on=DEFAULT_DATE, total=warm, offset=0, prosecution=True))
    for prosecution, name in ((False, "without"), (True, "with")):
        gc.collect()
        control("--instr=on")
        control("--zerocost")
        run_block(Block(people=people, seed=1, on=DEFAULT_DATE, total=people, offset=0, prosecution=prosecution))
        control(f"--dump={name}")
        control("--instr=off")


def count_instructions(people: int) -> dict:
    """The instructions of one block without and with prosecution (see the module)."""
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is missing: apt-get install -y valgrind")
    with tempfile.TemporaryDirectory(prefix="tmverify-prosecution-instructions-") as folder:
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={folder}/callgrind.out"]
        command += [sys.executable, "-m", "bench.prosecution", "--people", str(people), "--counted-child"]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"the counted process failed ({done.returncode}):\n{done.stderr[-2000:]}")
        counts = callgrind_dumps(Path(folder))
    if set(counts) != {"without", "with"}:
        raise SystemExit(f"callgrind's dumps were not all read: {sorted(counts)}")
    counts = {name: counts[name] for name in ("without", "with")}
    return {"bench": "prosecution_instructions", "size": people, **counts, "ratio": counts["with"] / counts["without"]}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--instructions", action="store_true", help="count instructions (valgrind) instead")
    parser.add_argument("--counted-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.instructions:
        emit(count_instructions(args.people))
        return
    setup_django()
    if args.counted_child:
        _counted_blocks(args.people)
        return
    emit(measure(args.people, args.runs))


if __name__ == "__main__":
    main()

"""What prosecution costs a population, per person: one block's CPU with and without it.

    python -m bench.prosecution --people 1000 --runs 5

In this process, after a warm-up block: the same block (seed 1, the default date) run with
`prosecution=False` and with `prosecution=True`, alternated `--runs` times, each timed by
this process's CPU (user and system) and wall clock. Starting Django and migrating the
block's template are left out: a population pays them once per process, not per person,
and counted in they would hide a part of what prosecution adds to each block.
"""

import argparse
import resource
import time

from .common import emit, setup_django


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


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    setup_django()
    emit(measure(args.people, args.runs))


if __name__ == "__main__":
    main()

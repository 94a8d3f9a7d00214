"""The population run at a given size: wall time, filers per second, peak memory.

python -m bench.population --size 1000
python -m bench.population --size 10000 --jobs 1
python -m bench.population --size 10000 --backend celery --workers 2

The run's blocks go on one process per core (`simulate --jobs`), or with `--backend
celery` to K Celery workers of one process each, started here against a Redis of its own
on a free port (bench/cluster.py), and ended here. Peak memory is every process's peak
added up, as the command reports it, beside the largest single process (`/usr/bin/time
-v` for the command's own) and, on Celery, each worker's: its main process and the pool
process that runs the blocks together, their proportional memory (sampled; a shared page
counted once) and their peak resident memory added up (VmHWM; a shared page counted twice).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .cluster import Workers, redis_server
from .common import ROOT, emit


def parse(size: int, stdout: str, stderr: str) -> dict:
    """The figures of one run from what `simulate` printed and `/usr/bin/time -v` wrote."""
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", stderr)
    hours, minutes, seconds = (float(x) if x else 0.0 for x in wall.groups())
    elapsed = hours * 3600 + minutes * 60 + seconds
    process_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr).group(1))
    run = re.search(r"(\d[\d,]*) block\(s\).* on (\d+) process\(es\), peak memory (\d+) MB", stdout)
    if run is None:
        raise SystemExit(f"simulate no longer says its processes and peak memory; bench/population.py reads:\n{stdout}")
    largest = re.search(r"largest process (\d+) MB", stdout)
    figures = {
        "bench": "population",
        "size": size,
        "seconds": elapsed,
        "filers_per_second": size / elapsed,
        "processes": int(run.group(2)),
        "peak_mb": int(run.group(3)),
        "process_peak_mb": process_kb / 1024,
    }
    if largest:
        figures["blocks"] = int(run.group(1).replace(",", ""))
        figures["largest_mb"] = int(largest.group(1))
    return figures


def simulate(size: int, seed: int, *options: str, env: dict | None = None) -> dict:
    command = ["/usr/bin/time", "-v", sys.executable, "manage.py", "simulate", "--population", str(size)]
    command += ["--seed", str(seed), *options]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, env=env)
    return parse(size, done.stdout, done.stderr)


def on_celery(size: int, seed: int, workers: int, pool: str = "prefork") -> dict:
    """The run on `workers` Celery workers of one process each, on a Redis of its own;
    `pool`: Celery's kind of pool (prefork, the README's; solo and threads for comparison)."""
    with (
        redis_server() as url,
        tempfile.TemporaryDirectory(prefix="tmverify-bench-celery-") as logs,
        Workers(url, workers, Path(logs), pool=pool) as started,
    ):
        with started.sampling() as proportional:
            figures = simulate(size, seed, "--backend", "celery", env={**os.environ, "REDIS_URL": url})
        resident = started.peak_kib()
    return {
        **figures,
        "backend": "celery",
        "workers": workers,
        "pool": pool,
        "worker_peak_mb": max(proportional.values()) / 1024,
        "worker_resident_peak_mb": max(resident.values()) / 1024,
    }


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, help="local processes (default: the command's, one per core)")
    parser.add_argument("--backend", choices=("local", "celery"), default="local")
    parser.add_argument("--workers", type=int, default=1, help="celery: workers of one process each")
    parser.add_argument("--pool", choices=("prefork", "solo", "threads"), default="prefork", help="celery: the pool")
    args = parser.parse_args(argv)
    if args.backend == "celery":
        emit(on_celery(args.size, args.seed, args.workers, args.pool))
        return
    options = [] if args.jobs is None else ["--jobs", str(args.jobs)]
    emit({**simulate(args.size, args.seed, *options), "backend": "local"})


if __name__ == "__main__":
    main()

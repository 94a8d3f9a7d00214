"""The population run at a given size: wall time, filers per second, peak memory.

python -m bench.population --size 1000

The run's blocks go on one process per core (`simulate --jobs`); peak memory is every
process's peak added up, as the command reports it, beside the largest single process
(`/usr/bin/time -v`).
"""

import argparse
import re
import subprocess
import sys

from .common import ROOT, emit


def parse(size: int, stdout: str, stderr: str) -> dict:
    """The figures of one run from what `simulate` printed and `/usr/bin/time -v` wrote."""
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", stderr)
    hours, minutes, seconds = (float(x) if x else 0.0 for x in wall.groups())
    elapsed = hours * 3600 + minutes * 60 + seconds
    process_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr).group(1))
    run = re.search(r"on (\d+) process\(es\), peak memory (\d+) MB", stdout)
    if run is None:
        raise SystemExit(f"simulate no longer says its processes and peak memory; bench/population.py reads:\n{stdout}")
    return {
        "bench": "population",
        "size": size,
        "seconds": elapsed,
        "filers_per_second": size / elapsed,
        "processes": int(run.group(1)),
        "peak_mb": int(run.group(2)),
        "process_peak_mb": process_kb / 1024,
    }


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, help="processes (default: the command's, one per core)")
    args = parser.parse_args(argv)
    command = ["/usr/bin/time", "-v", sys.executable, "manage.py", "simulate", "--population", str(args.size)]
    command += ["--seed", str(args.seed)]
    if args.jobs is not None:
        command += ["--jobs", str(args.jobs)]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    emit(parse(args.size, done.stdout, done.stderr))


if __name__ == "__main__":
    main()

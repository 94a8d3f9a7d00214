"""The population run at a given size: wall time, filers per second, peak memory.

python -m bench.population --size 1000
"""

import argparse
import re
import subprocess
import sys

from .common import ROOT, emit


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    command = ["/usr/bin/time", "-v", sys.executable, "manage.py", "simulate", "--population", str(args.size)]
    command += ["--seed", str(args.seed)]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    hours, minutes, seconds = (float(x) if x else 0.0 for x in wall.groups())
    elapsed = hours * 3600 + minutes * 60 + seconds
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    emit(
        {
            "bench": "population",
            "size": args.size,
            "seconds": elapsed,
            "filers_per_second": args.size / elapsed,
            "peak_mb": peak_kb / 1024,
        }
    )


if __name__ == "__main__":
    main()

"""`make bench`: run every benchmark and write docs/BENCHMARKS.md.

Each part runs in its own process against its own throw-away database and prints one
JSON line; this script collects them and writes the figures, the machine and the
commands. `--quick` runs tiny sizes (the smoke test uses it). The raw figures are kept
beside the report (`BENCHMARKS.json`); `--render` writes the report again from them, when
only the written analysis (bench/findings.md) has changed.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from .common import ROOT, summary


def _run(module: str, *args: str) -> dict:
    command = [sys.executable, "-m", f"bench.{module}", *args]
    print("$", " ".join(command[1:]), file=sys.stderr, flush=True)
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    return f"{os.cpu_count()} cores ({cpu}), {int(memory) // 1024 // 1024} GiB, Python {platform.python_version()}"


LARGE_POPULATION = 10_000  # larger runs take minutes each: `--large-population-runs`
# section 1's endpoints, as bench.http names them
ENDPOINTS = (
    ("ok", "(a) bare view"),
    ("flip", "(b) lock + flip"),
    ("submit", "(c) real submit"),
    ("floor", "(d) its statements alone"),
)


def _fmt(s: dict, digits: int = 1) -> str:
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def _population(size: int, runs: int) -> dict:
    samples = [_run("population", "--size", str(size)) for _ in range(runs)]
    return {
        "size": size,
        "seconds": summary([s["seconds"] for s in samples]),
        "filers_per_second": summary([s["filers_per_second"] for s in samples]),
        "processes": samples[0]["processes"],
        "peak_mb": max(s["peak_mb"] for s in samples),
        "process_peak_mb": max(s["process_peak_mb"] for s in samples),
    }


def collect(quick: bool, population_sizes: list[int], population_runs: int, large_runs: int) -> dict:
    runs = "2" if quick else "5"
    results = {"crypto": _run("crypto_ops", "--runs", runs, "--calls", "50" if quick else "2000")}
    results["steps"] = _run("steps", "--runs", runs, "--submissions", "20" if quick else "300")
    sizes = [100, 400] if quick else [1000, 100_000]
    results["gate"] = [
        _run("gate", "--filings", str(n), "--runs", runs, "--calls", "20" if quick else "300") for n in sizes
    ]
    results["pages"] = _run(
        "pages", "--filings", *map(str, sizes), "--runs", runs, "--requests", "3" if quick else "20"
    )["sizes"]
    results["population"] = [
        _population(n, large_runs if n > LARGE_POPULATION else population_runs) for n in population_sizes
    ]
    results["statements"] = _run("statements", "--people", "100" if quick else "300")
    if not quick:
        results["steps_postgres"] = _run("steps", "--runs", runs, "--submissions", "300", "--postgres")
        results["roundtrips"] = _run("roundtrips", "--runs", runs, "--calls", "2000")
        if shutil.which("valgrind"):
            results["instructions"] = _run("instructions", "--calls", "100")
        results["http"] = [
            _run("http", "--database", db, "--runs", runs, "--duration", "10") for db in ("sqlite", "postgres")
        ]
    results["machine"], results["finished"] = _machine(), f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    return results


def _insert_line(steps: dict) -> list[str]:
    inserts = steps.get("insert_ms")  # results written before the prepared inserts have none
    if inserts is None:
        return []
    return [
        f"- one INSERT (`bulk_create`): {_fmt(inserts['orm'], 3)} ms; prepared (`PreparedInsert`): "
        f"{_fmt(inserts['prepared'], 3)} ms; by hand: {_fmt(inserts['by_hand'], 3)} ms."
    ]


def _cpu_line(steps: dict) -> list[str]:
    cpu = steps.get("cpu_ms")  # results written before the CPU was read have none
    if cpu is None:
        return []

    def sides(name: str) -> str:
        server = cpu[name].get("server")
        return f"{_fmt(cpu[name]['client'], 2)} ms here" + (
            f" and {_fmt(server, 2)} ms in PostgreSQL's process" if server else ""
        )

    alone = f"; its statements alone (bench/floor.py): {sides('floor')}" if "floor" in cpu else ""
    return [f"- CPU a submission costs: {sides('submit')}{alone}; a flip: {sides('flip')};"]


def _render_steps(steps: dict, heading: str) -> list[str]:
    submit, flip = steps["submit_ms"]["median"], steps["flip_ms"]["median"]
    database = "PostgreSQL" if steps.get("database") == "postgresql" else "SQLite"
    command = "python -m bench.steps" + (" --postgres" if database == "PostgreSQL" else "")
    lines = [
        heading,
        "",
        f"In-process on {database} (`{command}`): one `submit_filing` of a signed, valid",
        "filing by a busy attorney, each step timed by wrapping the function that does it.",
        "",
        f"- real submit: {_fmt(steps['submit_ms'], 2)} ms, {steps['statements']} SQL statements "
        f"(with BEGIN and COMMIT);",
        f"- row-locking flip: {_fmt(steps['flip_ms'], 2)} ms, {steps['flip_statements']} statements; "
        f"in-process the flip is {submit / flip:.1f}x cheaper;",
        *_cpu_line(steps),
        f"- one ORM statement (`User.objects.only(...).get(pk=...)`): {_fmt(steps['orm_statement_ms'], 3)} ms; "
        f"the same SELECT by hand: {_fmt(steps['raw_statement_ms'], 3)} ms.",
        *_insert_line(steps),
        "",
        "| step | ms | share |",
        "| --- | --- | --- |",
    ]
    for label, value in steps["steps_ms"].items():
        lines.append(f"| {label} | {_fmt(value, 2)} | {value['median'] / submit:.0%} |")
    if database == "PostgreSQL":
        lines += [
            "",
            "On PostgreSQL a new row waits for the step's next prepared statement and travels with",
            "it (`tmverify.db.batched`), so its time shows in the step that sent it: the",
            "submitter's note in the standing flags, the new flags in the serial number, the",
            "receipt in the audit chain.",
        ]
    return [*lines, ""]


def _render_instructions(instructions: dict) -> list[str]:
    counts = instructions["per_call"]
    millions = {case: f"{count / 1e6:.2f} million" for case, count in counts.items()}
    return [
        "Instructions this process executes per call on PostgreSQL (`python -m bench.instructions`,",
        "valgrind's callgrind; the same within a percent run after run, where the times above",
        f"drift): a submission {millions['submit']}, its statements alone (bench/floor.py)",
        f"{millions['floor']}, the flip {millions['flip']}; the submission {counts['submit'] / counts['flip']:.1f}",
        f"times the flip, its statements alone {counts['floor'] / counts['flip']:.1f} times.",
        "",
    ]


def _render_roundtrips(roundtrips: dict) -> list[str]:
    lines = [
        "What a round trip costs on PostgreSQL (`python -m bench.roundtrips`), per call, in one",
        "transaction:",
        "",
        "| statements | ms | CPU here ms | CPU in PostgreSQL ms |",
        "| --- | --- | --- | --- |",
    ]
    for name, sides in roundtrips["ms"].items():
        lines.append(f"| {name} | {_fmt(sides['wall'], 3)} | {_fmt(sides['client'], 3)} | {_fmt(sides['server'], 3)} |")
    return [*lines, ""]


def render(results: dict, command: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{command}` on {results['finished']} UTC.",
        f"Machine: {results['machine']}.",
        "",
        "Every figure is the median of the runs, with (min–max). Ratios compare figures",
        "measured side by side in the same run.",
        "",
    ]
    if "http" in results:
        lines += [
            "## 1. Submit over HTTP",
            "",
            "gunicorn, 2 sync workers, `DJANGO_DEBUG=False`; wrk, 2 threads, 16 connections, 10 s a run;",
            "the endpoints take turns, run after run. (d), on PostgreSQL only, is the floor: the",
            "real submission's own statements in its own round trips, with no model instances, rules,",
            "signing or hashing (bench/floor.py); no Python can take (c) below it.",
            "",
            "| database | endpoint | requests/s | p50 ms | p99 ms | errors |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for http in results["http"]:
            for name, label in ENDPOINTS:
                e = http["endpoints"].get(name)
                if e is None:
                    continue
                lines.append(
                    f"| {http['database']} | {label} | {_fmt(e['rps'], 0)} | {_fmt(e['p50_ms'], 2)} | "
                    f"{_fmt(e['p99_ms'], 2)} | {e['errors']} |"
                )
        lines.append("")
        for http in results["http"]:
            e = http["endpoints"]
            ratio = e["submit"]["rps"]["median"] / e["flip"]["rps"]["median"]
            line = f"- {http['database']}: (c)/(b) throughput = {ratio:.0%} (goal ≥ 50%)"
            if "floor" in e:
                line += f"; (d)/(b) = {e['floor']['rps']['median'] / e['flip']['rps']['median']:.0%}"
            lines.append(line + ".")
        lines.append("")
    lines += _render_steps(results["steps"], "## 1b. Where a submission's time goes")
    if "steps_postgres" in results:
        lines += _render_steps(results["steps_postgres"], "### The same on PostgreSQL")
    if "instructions" in results:
        lines += _render_instructions(results["instructions"])
    if "roundtrips" in results:
        lines += _render_roundtrips(results["roundtrips"])
    small, large = results["pages"]
    lines += [
        "## 2. Pages",
        "",
        "In-process Django test client, signed in; requests per second over repeated GETs.",
        "",
        f"| page | queries at {small['filings']:,} | queries at {large['filings']:,} | req/s at {small['filings']:,} "
        f"| req/s at {large['filings']:,} | ratio |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, at_small in small["pages"].items():
        at_large = large["pages"][name]
        ratio = at_large["rps"]["median"] / at_small["rps"]["median"]
        lines.append(
            f"| {name} | {at_small['queries']} | {at_large['queries']} | {_fmt(at_small['rps'])} | "
            f"{_fmt(at_large['rps'])} | {ratio:.0%} |"
        )
    lines += [
        "",
        "## 3. The gate",
        "",
        "`applications.rules.submission_reasons` for one signed, valid filing.",
        "",
        "| filings in the database | SQL queries | µs per evaluation |",
        "| --- | --- | --- |",
    ]
    for gate in results["gate"]:
        lines.append(f"| {gate['filings']:,} | {gate['queries']} | {_fmt(gate['microseconds'], 0)} |")
    lines += [
        "",
        "## 4. Population",
        "",
        "`manage.py simulate --population N --seed 1` on SQLite, under `/usr/bin/time -v`: blocks of",
        "1,000 people on one process per core. Peak memory: the largest of the runs, every process's",
        "peak added up (what the run held at most), and the largest single process.",
        "",
        "| people | runs | processes | wall time s | filers/s | peak memory MB, all processes | largest process MB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in results["population"]:
        lines.append(
            f"| {run['size']:,} | {run['seconds']['runs']} | {run['processes']} | {_fmt(run['seconds'])} "
            f"| {_fmt(run['filers_per_second'], 0)} | {run['peak_mb']:.0f} | {run['process_peak_mb']:.0f} |"
        )
    statements = results["statements"]
    lines += [
        "",
        f"SQL statements a person costs (`python -m bench.statements --people {statements['people']}`): "
        f"{statements['per_person']:.1f}; the most frequent:",
        "",
        "| statement | count |",
        "| --- | --- |",
        *(f"| `{kind}` | {count:,} |" for kind, count in statements["by_kind"].items()),
    ]
    lines += ["", "## 5. Crypto, per operation", "", "| operation | µs |", "| --- | --- |"]
    for name, value in results["crypto"]["microseconds"].items():
        lines.append(f"| {name.replace('_', ' ')} | {_fmt(value)} |")
    lines.append("")
    # the analysis is written by people; the figures above are the machine's
    lines.append((ROOT / "bench" / "findings.md").read_text())
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    parser.add_argument("--output", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    parser.add_argument("--population-sizes", default="1000,10000,100000", help="comma-separated population sizes")
    parser.add_argument("--population-runs", type=int, default=5, help="runs per population size")
    parser.add_argument(
        "--large-population-runs",
        type=int,
        default=1,
        help=f"runs per population size above {LARGE_POPULATION:,} (100,000 people take about 7 minutes a run)",
    )
    parser.add_argument("--render", action="store_true", help="write the report from the kept figures, run nothing")
    args = parser.parse_args(argv)
    output = Path(args.output)
    kept = output.with_suffix(".json")
    if args.render:
        results = json.loads(kept.read_text())
    else:
        sizes = [100] if args.quick else [int(n) for n in args.population_sizes.split(",")]
        results = collect(args.quick, sizes, 2 if args.quick else args.population_runs, args.large_population_runs)
        results["command"] = "make bench" if not args.quick else "python -m bench.run --quick"
        kept.write_text(json.dumps(results, indent=1) + "\n")
    output.write_text(render(results, results["command"]))
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

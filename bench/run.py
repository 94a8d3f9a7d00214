"""`make bench`: run every benchmark and write docs/BENCHMARKS.md.

    make bench                                        # all of it, 20+ minutes (100,000 people: ~9)
    make bench BENCH_ARGS="--skip-100k"               # all but the 100,000-person population
    make bench BENCH_ARGS="--only http,population"    # some parts: the report says the rest was not run
    make bench BENCH_ARGS="--only http --merge"       # some parts again, the others kept from the last run
    make bench BENCH_ARGS="--only celery --population-sizes 2000,10000"   # local against Celery, small
    python -m bench.run --quick                       # tiny sizes, a minute or two; writes to /tmp
    python -m bench.run --render                      # the report again from docs/BENCHMARKS.json

The parts (`--only` takes their names, comma-separated): crypto, steps (in-process on
SQLite), steps_postgres, gate, pages, population, prosecution (a block of 1,000 people
with and without prosecution, alternated, in-process), prosecution_instructions (the same
for 300 people, counted by valgrind, about 15 minutes), celery (the population on 1 and 2
local processes and on 1 and 2 Celery workers, for each population size from 2,000 up,
above 10,000 without the single local process; needs redis-server), statements, instructions (valgrind, PostgreSQL), http (gunicorn and
wrk, both databases). `--quick` runs the SQLite ones at
tiny sizes. Each part runs in its own process against its own throw-away database and
prints one JSON line; this script collects them and writes the figures, the machine and
the commands.

The raw figures are kept beside the report (`BENCHMARKS.json`). Beside each figure the
report prints the same figure from before issue 17 (`--before`, by default
docs/BENCHMARKS-before-issue17.json: the last `make bench` on main), and it checks the
issue's goals against this run's figures. `--render` writes the report again from the
kept figures, when only the written analysis (bench/findings.md) has changed.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from .common import ROOT, summary

BEFORE = ROOT / "docs" / "BENCHMARKS-before-issue17.json"
PARTS = (
    "crypto",
    "steps",
    "steps_postgres",
    "gate",
    "pages",
    "population",
    "prosecution",
    "prosecution_instructions",
    "celery",
    "statements",
    "instructions",
    "http",
)
QUICK_PARTS = ("crypto", "steps", "gate", "pages", "population", "prosecution", "statements")  # SQLite only, no tools
VALGRIND_PARTS = ("prosecution_instructions", "instructions")  # counted by callgrind: skipped without valgrind
LARGE_POPULATION = 10_000  # larger runs take minutes each: `--large-population-runs`
ENDPOINTS = (("ok", "(a) bare view"), ("flip", "(b) lock + flip"), ("submit", "(c) real submit"))
NOT_RUN = "not measured in this run"
CELERY_SMALLEST = 2_000  # two blocks: fewer leave a second worker nothing to do
MACHINES = (1, 2, 4, 8, 16)  # the million-person estimate, on machines of this one's cores


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


def _celery(size: int) -> dict:
    """The same population on 1 and 2 local processes and on 1 and 2 Celery workers of one
    process each, taken in turns so that each pair at the same parallelism is side by side.
    Above LARGE_POPULATION, not on one local process: a block costs the same at any size,
    and the hour it takes (100,000 people) is the figure 10,000 already gives."""
    runs = []
    for processes in (1, 2):
        if processes > 1 or size <= LARGE_POPULATION:
            runs.append(_run("population", "--size", str(size), "--jobs", str(processes)))
        runs.append(_run("population", "--size", str(size), "--backend", "celery", "--workers", str(processes)))
    return {"size": size, "runs": runs}


def collect(parts: list[str], quick: bool, population_sizes: list[int], population_runs: int, large_runs: int) -> dict:
    """Run `parts`, in PARTS' order; their figures by part, with when each finished."""
    runs = "2" if quick else "5"
    sizes = [100, 400] if quick else [1000, 100_000]
    measure = {
        "crypto": lambda: _run("crypto_ops", "--runs", runs, "--calls", "50" if quick else "2000"),
        "steps": lambda: _run("steps", "--runs", runs, "--submissions", "20" if quick else "300"),
        "steps_postgres": lambda: _run("steps", "--runs", runs, "--submissions", "300", "--postgres"),
        "gate": lambda: [
            _run("gate", "--filings", str(n), "--runs", runs, "--calls", "20" if quick else "300") for n in sizes
        ],
        "pages": lambda: _run(
            "pages", "--filings", *map(str, sizes), "--runs", runs, "--requests", "3" if quick else "20"
        )["sizes"],
        "population": lambda: [
            _population(n, large_runs if n > LARGE_POPULATION else population_runs) for n in population_sizes
        ],
        "prosecution": lambda: _run("prosecution", "--people", "100" if quick else "1000", "--runs", runs),
        "prosecution_instructions": lambda: _run("prosecution", "--people", "300", "--instructions"),
        "celery": lambda: [_celery(n) for n in population_sizes if n >= CELERY_SMALLEST],
        "statements": lambda: _run("statements", "--people", "100" if quick else "300"),
        "instructions": lambda: _run("instructions", "--calls", "100"),
        "http": lambda: [
            _run("http", "--database", db, "--runs", runs, "--duration", "10") for db in ("sqlite", "postgres")
        ],
    }
    results = {"parts": {}}
    for part in PARTS:
        if part not in parts:
            continue
        if part in VALGRIND_PARTS and not shutil.which("valgrind"):
            print(f"valgrind is missing: {part} is not run", file=sys.stderr)
            continue
        results[part] = measure[part]()
        results["parts"][part] = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    results["machine"], results["finished"] = _machine(), f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    return results


# -- looking figures up, in this run's results and in the before's -------------------------


def _find(items: list | None, key: str, value):
    """The entry of `items` whose `key` is `value` (a population size, a database), or None."""
    return next((item for item in items or () if item.get(key) == value), None)


def _median(value: dict | None) -> float | None:
    return None if value is None else value["median"]


def _fmt(s: dict, digits: int = 1) -> str:
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def _num(value: float | None, digits: int = 1, unit: str = "") -> str:
    """A before figure (its median alone), or a dash where the before has none."""
    return "–" if value is None else f"{value:,.{digits}f}{unit}"


def _http(results: dict, database: str) -> dict | None:
    http = _find(results.get("http"), "database", database)
    return None if http is None else http["endpoints"]


def _submit_share(results: dict) -> float | None:
    endpoints = _http(results, "postgres")
    if endpoints is None:
        return None
    return endpoints["submit"]["rps"]["median"] / endpoints["flip"]["rps"]["median"]


def _seconds(results: dict, size: int) -> float | None:
    return _median((_find(results.get("population"), "size", size) or {}).get("seconds"))


def _page(results: dict, filings: int, name: str) -> dict | None:
    return (_find(results.get("pages"), "filings", filings) or {"pages": {}})["pages"].get(name)


# -- the goals of issue 17: each one's figure, and whether it is met ------------------------


def _goal_population(results):
    seconds = _seconds(results, 10_000)
    return None if seconds is None else (f"{seconds:.1f} s", seconds < 60)


def _goal_scaling(results):
    small, large = _seconds(results, 10_000), _seconds(results, 100_000)
    if small is None or large is None:
        return None
    return f"{large / small:.1f}x ({large:.0f} s)", large <= 11 * small


def _goal_memory(results):
    runs = results.get("population") or []
    if _find(runs, "size", 100_000) is None:  # the goal is the largest run's: a smaller one proves nothing
        return None
    peak = max(runs, key=lambda run: run["peak_mb"])
    return f"{peak['peak_mb']:.0f} MB (at {peak['size']:,} people)", peak["peak_mb"] < 500


def _goal_page(name: str):
    def goal(results):
        small, large = _page(results, 1000, name), _page(results, 100_000, name)
        if small is None or large is None:
            return None
        ratio = large["rps"]["median"] / small["rps"]["median"]
        same = small["queries"] == large["queries"]
        queries = f"{small['queries']} queries at both" if same else f"{small['queries']} → {large['queries']} queries"
        return f"{ratio:.0%}, {queries}", ratio >= 0.85 and same

    return goal


def _goal_submit(results):
    share = _submit_share(results)
    return None if share is None else (f"{share:.0%}", share >= 0.25)


def goals(results: dict) -> list[tuple[str, object]]:
    """(the goal, what reads its figure and says whether it is met) for issue 17's goals."""
    pages = [name for size in results.get("pages") or () for name in size["pages"]]
    return [
        ("10,000 people under 60 s", _goal_population),
        ("100,000 people within 11x of 10,000", _goal_scaling),
        ("peak memory under 500 MB up to 100,000 people (every process's peak added up)", _goal_memory),
        *(
            (f"{name}: at 100,000 filings ≥ 85% of its req/s at 1,000, same queries", _goal_page(name))
            for name in dict.fromkeys(pages)
        ),
        ("submit over HTTP ≥ 25% of the flip's req/s on PostgreSQL", _goal_submit),
    ]


def _render_goals(results: dict, before: dict, since: str) -> list[str]:
    lines = [
        "## The goals of issue 17",
        "",
        "Read from this run's figures below; the before column is the same figure from main's",
        "last run, for comparison (not part of the check).",
        "",
        f"| goal | this run | {since} | met |",
        "| --- | --- | --- | --- |",
    ]
    for label, goal in goals(results):
        now, then = goal(results), goal(before)
        verdict = NOT_RUN if now is None else ("met" if now[1] else "**not met**")
        lines.append(f"| {label} | {'–' if now is None else now[0]} | {'–' if then is None else then[0]} | {verdict} |")
    return [*lines, ""]


# -- the sections -------------------------------------------------------------------------


def _render_statements(results: dict, before: dict, since: str) -> list[str]:
    rows = [
        ("per submission, SQLite (with BEGIN and COMMIT)", ("steps", "statements")),
        ("per submission, PostgreSQL (with BEGIN and COMMIT)", ("steps_postgres", "statements")),
        ("per flip, SQLite", ("steps", "flip_statements")),
        ("per person in a population run", ("statements", "per_person")),
    ]
    lines = ["## 1. SQL statements", "", f"| statements | this run | {since} |", "| --- | --- | --- |"]

    def read(source: dict, part: str, key: str) -> str:
        value = (source.get(part) or {}).get(key)
        return "–" if value is None else (f"{value:.1f}" if isinstance(value, float) else str(value))

    for label, (part, key) in rows:
        lines.append(f"| {label} | {read(results, part, key)} | {read(before, part, key)} |")
    statements = results.get("statements")
    if statements:
        then = before.get("statements") or {"by_kind": {}, "people": 1}
        lines += [
            "",
            f"The most frequent in a population run (`python -m bench.statements --people {statements['people']}`),",
            "per person (the before may have counted another number of people):",
            "",
            f"| statement | per person | {since} |",
            "| --- | --- | --- |",
            *(
                f"| `{kind}` | {count / statements['people']:.2f} | "
                f"{_num(then['by_kind'].get(kind) and then['by_kind'][kind] / then['people'], 2)} |"
                for kind, count in statements["by_kind"].items()
            ),
        ]
    return [*lines, ""]


def _render_http(results: dict, before: dict, since: str) -> list[str]:
    lines = [
        "## 2. Submit over HTTP",
        "",
        "gunicorn, 2 sync workers, `DJANGO_DEBUG=False`; wrk, 2 threads, 16 connections, 10 s a run;",
        "the endpoints take turns, run after run (`python -m bench.http --database D`).",
        "",
    ]
    if "http" not in results:
        return [*lines, f"{NOT_RUN.capitalize()}.", ""]
    lines += [
        f"| database | endpoint | requests/s | p50 ms | p99 ms | errors | {since}: req/s | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for http in results["http"]:
        then = _http(before, http["database"]) or {}
        for name, label in ENDPOINTS:
            e, b = http["endpoints"][name], then.get(name, {})
            lines.append(
                f"| {http['database']} | {label} | {_fmt(e['rps'], 0)} | {_fmt(e['p50_ms'], 2)} | "
                f"{_fmt(e['p99_ms'], 2)} | {e['errors']} | {_num(_median(b.get('rps')), 0)} | "
                f"{_num(_median(b.get('p50_ms')), 2)} | {_num(_median(b.get('p99_ms')), 2)} |"
            )
    lines.append("")
    for http in results["http"]:
        e, then = http["endpoints"], _http(before, http["database"])
        ratio = e["submit"]["rps"]["median"] / e["flip"]["rps"]["median"]
        was = (
            "" if then is None else f" (before: {then['submit']['rps']['median'] / then['flip']['rps']['median']:.0%})"
        )
        lines.append(f"- {http['database']}: (c)/(b) throughput = {ratio:.0%}{was}.")
    return [*lines, ""]


def _render_steps(steps: dict, then: dict, since: str, heading: str) -> list[str]:
    submit, flip = steps["submit_ms"]["median"], steps["flip_ms"]["median"]
    database = "PostgreSQL" if steps.get("database") == "postgresql" else "SQLite"
    command = "python -m bench.steps" + (" --postgres" if database == "PostgreSQL" else "")

    def was(*keys: str, digits: int = 2) -> str:
        value = then
        for key in keys:
            value = (value or {}).get(key)
        return "" if value is None else f" (before: {_num(_median(value), digits)})"

    def cpu(name: str) -> str:
        sides = steps["cpu_ms"][name]
        server = sides.get("server")
        return f"{_fmt(sides['client'], 2)} ms here{was('cpu_ms', name, 'client')}" + (
            f" and {_fmt(server, 2)} ms in PostgreSQL's process{was('cpu_ms', name, 'server')}" if server else ""
        )

    lines = [
        heading,
        "",
        f"In-process on {database} (`{command}`): one `submit_filing` of a signed, valid",
        "filing by a busy attorney, each step timed by wrapping the function that does it.",
        "",
        f"- real submit: {_fmt(steps['submit_ms'], 2)} ms{was('submit_ms')}, {steps['statements']} SQL statements;",
        f"- row-locking flip: {_fmt(steps['flip_ms'], 2)} ms{was('flip_ms')}, {steps['flip_statements']} statements; "
        f"in-process the flip is {submit / flip:.1f}x cheaper;",
        f"- CPU a submission costs: {cpu('submit')}; a flip: {cpu('flip')};",
        f"- one ORM statement (`User.objects.only(...).get(pk=...)`): {_fmt(steps['orm_statement_ms'], 3)} ms; "
        f"the same SELECT by hand: {_fmt(steps['raw_statement_ms'], 3)} ms;",
        f"- one INSERT (`bulk_create`): {_fmt(steps['insert_ms']['orm'], 3)} ms; by hand: "
        f"{_fmt(steps['insert_ms']['by_hand'], 3)} ms.",
        "",
        f"| step | ms | share | {since}: ms |",
        "| --- | --- | --- | --- |",
    ]
    earlier = (then or {}).get("steps_ms", {})
    for label, value in steps["steps_ms"].items():
        lines.append(
            f"| {label} | {_fmt(value, 2)} | {value['median'] / submit:.0%} | {_num(_median(earlier.get(label)), 2)} |"
        )
    return [*lines, ""]


def _render_in_process(results: dict, before: dict, since: str) -> list[str]:
    lines = []
    for part, heading in (
        ("steps", "## 3. In-process submit, SQLite"),
        ("steps_postgres", "### The same on PostgreSQL"),
    ):
        if part in results:
            lines += _render_steps(results[part], before.get(part), since, heading)
        else:
            lines += [heading, "", f"{NOT_RUN.capitalize()}.", ""]
    if "instructions" in results:
        counts = results["instructions"]["per_call"]
        then = (before.get("instructions") or {}).get("per_call", {})
        millions = {
            case: f"{count / 1e6:.2f} million" + ("" if case not in then else f" (before: {then[case] / 1e6:.2f})")
            for case, count in counts.items()
        }
        lines += [
            "Instructions this process executes per call on PostgreSQL (`python -m bench.instructions`,",
            "valgrind's callgrind; the same within a percent run after run, where the times above",
            f"drift): a submission {millions['submit']}, the flip {millions['flip']}; the submission",
            f"{counts['submit'] / counts['flip']:.1f} times the flip.",
            "",
        ]
    return lines


def _render_pages(results: dict, before: dict, since: str) -> list[str]:
    lines = ["## 4. Pages", "", "In-process Django test client, signed in; requests per second over repeated GETs.", ""]
    if "pages" not in results:
        return [*lines, f"{NOT_RUN.capitalize()}.", ""]
    small, large = results["pages"]
    s, g = f"{small['filings']:,}", f"{large['filings']:,}"
    lines += [
        f"| page | queries at {s} / {g} | req/s at {s} | req/s at {g} | ratio "
        f"| {since}: queries | req/s at {s} | req/s at {g} | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, at_small in small["pages"].items():
        at_large = large["pages"][name]
        then_small, then_large = _page(before, small["filings"], name), _page(before, large["filings"], name)
        if then_small and then_large:
            then = (
                f"{then_small['queries']} / {then_large['queries']} | {_num(then_small['rps']['median'])} "
                f"| {_num(then_large['rps']['median'])} | {then_large['rps']['median'] / then_small['rps']['median']:.0%}"
            )
        else:
            then = "– | – | – | –"
        lines.append(
            f"| {name} | {at_small['queries']} / {at_large['queries']} | {_fmt(at_small['rps'])} | "
            f"{_fmt(at_large['rps'])} | {at_large['rps']['median'] / at_small['rps']['median']:.0%} | {then} |"
        )
    return [*lines, ""]


def _render_gate(results: dict, before: dict, since: str) -> list[str]:
    lines = ["## 5. The gate", "", "`applications.rules.submission_reasons` for one signed, valid filing.", ""]
    if "gate" not in results:
        return [*lines, f"{NOT_RUN.capitalize()}.", ""]
    lines += [
        f"| filings in the database | SQL queries | µs per evaluation | {since}: queries | µs |",
        "| --- | --- | --- | --- | --- |",
    ]
    for gate in results["gate"]:
        then = _find(before.get("gate"), "filings", gate["filings"])
        was = "– | –" if then is None else f"{then['queries']} | {_num(then['microseconds']['median'], 0)}"
        lines.append(f"| {gate['filings']:,} | {gate['queries']} | {_fmt(gate['microseconds'], 0)} | {was} |")
    return [*lines, ""]


def _render_population(results: dict, before: dict, since: str) -> list[str]:
    lines = [
        "## 6. Population",
        "",
        "`manage.py simulate --population N --seed 1` on SQLite, under `/usr/bin/time -v`: blocks of",
        "1,000 people on one process per core. Peak memory: the largest of the runs, every process's",
        "peak added up (what the run held at most), and the largest single process.",
        "",
    ]
    if "population" not in results:
        return [*lines, f"{NOT_RUN.capitalize()}.", ""]
    lines += [
        "| people | runs | processes | wall time s | filers/s | peak memory MB, all processes | largest process MB "
        f"| {since}: wall time s | peak MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in results["population"]:
        then = _find(before.get("population"), "size", run["size"])
        was = "– | –" if then is None else f"{_num(then['seconds']['median'])} | {then['peak_mb']:.0f}"
        lines.append(
            f"| {run['size']:,} | {run['seconds']['runs']} | {run['processes']} | {_fmt(run['seconds'])} "
            f"| {_fmt(run['filers_per_second'], 0)} | {run['peak_mb']:.0f} | {run['process_peak_mb']:.0f} | {was} |"
        )
    return [*lines, ""]


def _celery_run(runs: list[dict], backend: str, processes: int) -> dict | None:
    return next(
        (r for r in runs if r.get("backend", "local") == backend and r.get("workers", r["processes"]) == processes),
        None,
    )


def _render_celery(results: dict, before: dict, since: str) -> list[str]:
    lines = [
        "## 8. Population on Celery (issue 24)",
        "",
        "`manage.py simulate --population N --seed 1` on 1 and 2 local processes (`--jobs`), and with",
        "`--backend celery` on 1 and 2 Celery workers of one process each (`celery -A simulator worker",
        "--concurrency 1`), all on this machine, against a Redis of the benchmark's own",
        "(`python -m bench.population --backend celery --workers K`), taken in turns. Memory per",
        "worker: its main process and its pool process together, their peak proportional memory",
        "(PSS, sampled every half second: a page they share counted once), and in brackets their",
        "peak resident memory added up (VmHWM, a shared page counted twice); the largest process",
        "is the one that ran blocks (its own peak resident memory).",
        "",
    ]
    if "celery" not in results:
        return [*lines, f"{NOT_RUN.capitalize()}.", ""]
    lines += [
        "| people | backend | processes | wall time s | people/s | against local, same processes "
        "| against 1 of its own | peak MB per worker, PSS (RSS added up) | largest process MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    goals, block_seconds = [], None
    for size in results["celery"]:
        runs = size["runs"]
        for backend in ("local", "celery"):
            one = _celery_run(runs, backend, 1)
            for processes in (1, 2):
                r = _celery_run(runs, backend, processes)
                if r is None:
                    continue
                local = _celery_run(runs, "local", processes)
                against_local = (
                    "–"
                    if backend == "local" or local is None
                    else f"{r['filers_per_second'] / local['filers_per_second']:.0%}"
                )
                scaling = "–" if one is None else f"{r['filers_per_second'] / one['filers_per_second']:.2f}x"
                worker = "–"
                if "worker_peak_mb" in r:
                    worker = f"{r['worker_peak_mb']:.0f} ({r.get('worker_resident_peak_mb', 0):.0f})"
                lines.append(
                    f"| {size['size']:,} | {backend} | {processes} | {r['seconds']:.1f} | {r['filers_per_second']:.0f} "
                    f"| {against_local} | {scaling} | {worker} | {r.get('largest_mb', r['process_peak_mb']):.0f} |"
                )
        one, two = _celery_run(runs, "celery", 1), _celery_run(runs, "celery", 2)
        if one and two:
            speedup = two["filers_per_second"] / one["filers_per_second"]
            goals.append(
                f"{size['size']:,} people: 2 workers {speedup:.2f}x one worker (goal ≥ 1.8x: "
                f"{'met' if speedup >= 1.8 else '**not met**'})"
            )
            worst = max(
                abs(
                    1
                    - _celery_run(runs, "celery", k)["filers_per_second"]
                    / _celery_run(runs, "local", k)["filers_per_second"]
                )
                for k in (1, 2)
                if _celery_run(runs, "local", k)
            )
            goals.append(
                f"{size['size']:,} people: Celery's people/s differ from local's by up to {worst:.0%} at the "
                f"same parallelism (goal: within 10%: {'met' if worst <= 0.10 else '**not met**'})"
            )
            memory = max(r.get("worker_peak_mb", 0) for r in runs)
            goals.append(
                f"{size['size']:,} people: peak memory of a worker {memory:.0f} MB, PSS (goal < 150 MB: "
                f"{'met' if memory < 150 else '**not met**'})"
            )
            # one core's seconds per block, from the one-worker run: it ran every block in turn
            block_seconds = one["seconds"] / one.get("blocks", -(-size["size"] // 1000))
    lines += ["", *(f"- {goal}" for goal in goals), ""]
    if block_seconds:
        cores = os.cpu_count() or 1
        lines += [
            f"One block of 1,000 people took {block_seconds:.1f} s of one core (the largest run on one worker).",
            f"A million people (1,000 blocks) would then take, on k machines of {cores} cores each, one worker",
            "process per core:",
            "",
            "| machines | processes | a million people |",
            "| --- | --- | --- |",
            *(f"| {k} | {k * cores} | {_hours(1000 * block_seconds / (k * cores))} |" for k in MACHINES),
            "",
        ]
    return lines


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def _render_prosecution(results: dict, before: dict, since: str) -> list[str]:
    lines = [
        "## 9. Population with and without prosecution (issue 21)",
        "",
        "One block of N people (seed 1, the default date) with `prosecution=False` and with",
        "`prosecution=True`, alternated, in one process after a warm-up block (`python -m",
        "bench.prosecution --people N --runs K`), each timed by the process's CPU, user and",
        "system. Starting Django and migrating the template are left out: a population pays",
        "them once a process, not a person.",
        "",
    ]
    if "prosecution" not in results:
        return [*lines, f"{NOT_RUN.capitalize()}.", ""]
    taken = results["prosecution"]
    lines += [
        "| people | runs | without: wall s | without: CPU s | with: wall s | with: CPU s | CPU per person, with / without |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    without, with_ = taken["without"], taken["with"]
    ratio = summary([w["cpu_seconds"] / n["cpu_seconds"] for n, w in zip(without, with_, strict=True)])

    def column(runs: list[dict], key: str) -> str:
        return _fmt(summary([run[key] for run in runs]))

    lines.append(
        f"| {taken['size']:,} | {len(without)} | {column(without, 'seconds')} | {column(without, 'cpu_seconds')} "
        f"| {column(with_, 'seconds')} | {column(with_, 'cpu_seconds')} | {_fmt(ratio, 2)} |"
    )
    lines += [
        "",
        f"- Prosecution costs {ratio['median'] - 1:.0%} more CPU per person (median of the pairs; the worst pair "
        f"{ratio['max'] - 1:.0%}; goal at most 40%: {'met' if ratio['median'] <= 1.40 else '**not met**'})",
    ]
    counted = results.get("prosecution_instructions")
    if counted:
        lines.append(
            f"- Counted by valgrind instead (`python -m bench.prosecution --people {counted['size']} "
            f"--instructions`, a block of {counted['size']:,} each way, the same count run after run): "
            f"{counted['without'] / 1e9:.2f} billion instructions without, {counted['with'] / 1e9:.2f} billion "
            f"with, {counted['ratio'] - 1:.0%} more"
        )
    return [*lines, ""]


def _render_crypto(results: dict, before: dict, since: str) -> list[str]:
    lines = ["## 7. Crypto, per operation", ""]
    if "crypto" not in results:
        return [*lines, f"{NOT_RUN.capitalize()}.", ""]
    then = (before.get("crypto") or {}).get("microseconds", {})
    lines += [f"| operation | µs | {since}: µs |", "| --- | --- | --- |"]
    for name, value in results["crypto"]["microseconds"].items():
        lines.append(f"| {name.replace('_', ' ')} | {_fmt(value)} | {_num(_median(then.get(name)))} |")
    return [*lines, ""]


def render(results: dict, before: dict | None = None, findings: str | None = None) -> str:
    """The report of `results`, with `before`'s figures beside them (none when it is None),
    then the written analysis (bench/findings.md unless given)."""
    before = before or {}
    since = f"before (main, {before['finished']})" if before else "before"
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{results['command']}` on {results['finished']} UTC.",
        f"Machine: {results['machine']}.",
    ]
    merged = results.get("merged", [])
    if merged:
        when = results["parts"]
        lines.append(
            "Parts kept from earlier runs (`--merge`): "
            + ", ".join(f"{part} ({when[part]} UTC)" for part in merged)
            + "."
        )
    lines += [
        "",
        "Every figure is the median of the runs, with (min–max). Ratios compare figures",
        "measured side by side in the same run.",
    ]
    if before:
        lines += [
            f"The {since} columns are the medians of `{before['command']}` on main on",
            f"{before['finished']} UTC, the last run before issue 17 (docs/BENCHMARKS-before-issue17.json;",
            f"machine: {before['machine']}); another hour of a shared machine, so compare with care.",
        ]
    lines.append("")
    for section in (
        _render_goals,
        _render_statements,
        _render_http,
        _render_in_process,
        _render_pages,
        _render_gate,
        _render_population,
        _render_crypto,
        _render_celery,
        _render_prosecution,
    ):
        lines += section(results, before, since)
    # the analysis is written by people; the figures above are the machine's
    lines.append((ROOT / "bench" / "findings.md").read_text() if findings is None else findings)
    return "\n".join(lines)


def _parts(only: str | None, quick: bool, skip: str | None) -> list[str]:
    parts = [part.strip().replace("-", "_") for part in only.split(",")] if only else list(PARTS)
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"no such part: {', '.join(sorted(unknown))} (the parts: {', '.join(PARTS)})")
    skipped = {part.strip().replace("-", "_") for part in skip.split(",")} if skip else set()
    return [part for part in parts if part not in skipped and (not quick or part in QUICK_PARTS)]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes of the SQLite parts, written to /tmp")
    parser.add_argument("--only", help=f"comma-separated parts to run: {', '.join(PARTS)}")
    parser.add_argument("--skip", help="comma-separated parts not to run")
    parser.add_argument("--skip-100k", action="store_true", help="no population of 100,000 (it takes ~9 minutes)")
    parser.add_argument("--merge", action="store_true", help="keep the parts not run from the kept figures")
    parser.add_argument("--output", help="the report (default docs/BENCHMARKS.md; with --quick, in /tmp)")
    parser.add_argument("--before", default=str(BEFORE), help="the figures printed beside this run's ('' for none)")
    parser.add_argument("--population-sizes", default="1000,10000,100000", help="comma-separated population sizes")
    parser.add_argument("--population-runs", type=int, default=5, help="runs per population size")
    parser.add_argument(
        "--large-population-runs",
        type=int,
        default=1,
        help=f"runs per population size above {LARGE_POPULATION:,} (100,000 people take about 9 minutes a run)",
    )
    parser.add_argument("--render", action="store_true", help="write the report from the kept figures, run nothing")
    args = parser.parse_args(argv)
    if args.output:
        output = Path(args.output)
    elif args.quick:
        output = Path(tempfile.gettempdir()) / "tmverify-bench-quick" / "BENCHMARKS.md"
    else:
        output = ROOT / "docs" / "BENCHMARKS.md"
    output.parent.mkdir(parents=True, exist_ok=True)  # before the run: its figures must land somewhere
    kept = output.with_suffix(".json")
    if args.render:
        results = json.loads(kept.read_text())
    else:
        sizes = [100] if args.quick else [int(n) for n in args.population_sizes.split(",")]
        if args.skip_100k:
            sizes = [n for n in sizes if n < 100_000]
        parts = _parts(args.only, args.quick, args.skip)
        results = collect(
            parts, args.quick, sizes, 2 if args.quick else args.population_runs, args.large_population_runs
        )
        if args.merge and kept.exists():
            earlier = json.loads(kept.read_text())
            earlier_parts = earlier.get("parts", dict.fromkeys((p for p in PARTS if p in earlier), earlier["finished"]))
            results["merged"] = [part for part in PARTS if part not in results and part in earlier]
            for part in results["merged"]:
                results[part], results["parts"][part] = earlier[part], earlier_parts[part]
        results["command"] = "make bench" if not argv else f"python -m bench.run {' '.join(argv)}"
        kept.write_text(json.dumps(results, indent=1) + "\n")
    before = json.loads(Path(args.before).read_text()) if args.before else None
    output.write_text(render(results, before))
    print(f"wrote {output}", file=sys.stderr)


if __name__ == "__main__":
    main()

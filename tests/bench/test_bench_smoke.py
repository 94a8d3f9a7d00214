"""`make bench` must not rot, and must stay out of the product. These tests take a few
seconds: the report is written from fixed figures, the parsers read fixed output, one
benchmark measures a tiny office in the test database. The runs of the benchmarks
themselves are marked `bench` (tests/bench/conftest.py says how to run them)."""

import ast
import copy
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench import gate, http, population, run, statements, steps
from bench.common import per_call_ms
from bench.data import clone_filings

ROOT = Path(__file__).resolve().parents[2]
BEFORE = json.loads(run.BEFORE.read_text())


def _imports(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(module, names imported from it, the names they are bound to) for every `from`
    import in the file, nested ones too, relative ones left out; ("x.y", [], []) for `import x.y`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [alias.name for alias in node.names]
            found.append((node.module, names, [alias.asname or alias.name for alias in node.names]))
    return found


def _product_files() -> list[Path]:
    """The product's Python files: every package at the top of the project but bench and tests."""
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in ("bench", "tests")]
    return [file for package in packages for file in package.rglob("*.py")]


def test_no_product_module_imports_bench():
    files = _product_files()
    assert any(file.parts[-2:] == ("tmverify", "settings.py") for file in files)
    importers = [
        str(file.relative_to(ROOT))
        for file in files
        if any(module == "bench" or module.startswith("bench.") for module, _, _ in _imports(file))
    ]
    assert importers == []


def test_what_bench_uses_of_the_product_is_there():
    """bench/ reaches into the product by name (often inside a function, after Django is set
    up): a module, a name imported from it or a function called on an imported module
    (`accounts.register_user`) moved or renamed fails here, not in `make bench`."""
    product = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {"bench", "tests"}
    missing = []
    for file in sorted((ROOT / "bench").glob("*.py")):
        tree, modules = ast.parse(file.read_text()), {}  # the names bound to a product module
        for module, names, aliases in _imports(file):
            if module.split(".")[0] not in product:
                continue
            imported = importlib.import_module(module)
            for name, alias in zip(names, aliases, strict=True):
                if name == "*":
                    continue
                if not hasattr(imported, name):
                    try:  # a submodule, then bound on its package
                        importlib.import_module(f"{module}.{name}")
                    except ModuleNotFoundError:
                        missing.append(f"{file.name}: {module}.{name}")
                        continue
                if inspect.ismodule(value := getattr(imported, name)):
                    modules[alias] = value
        used = (
            (modules[node.value.id], node.attr)
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
        )
        missing += [f"{file.name}: {module.__name__}.{name}" for module, name in used if not hasattr(module, name)]
    assert missing == []


def test_every_step_the_in_process_bench_times_is_a_function_of_the_product():
    gone = [f"{module}.{name}" for _, module, name in steps.STEPS if not hasattr(importlib.import_module(module), name)]
    assert gone == [], "bench/steps.py STEPS must name the functions that do a submission's steps"


def _figures() -> dict:
    """This run's figures: main's last, as the benchmarks write them today (no floor, no
    prepared INSERT), a slower population and a slower submission over HTTP."""
    now = copy.deepcopy(BEFORE)
    for part in ("steps", "steps_postgres"):
        del now[part]["insert_ms"]["prepared"]
        now[part]["cpu_ms"].pop("floor", None)
    for measured in now["http"]:
        measured["endpoints"].pop("floor", None)
    del now["roundtrips"], now["instructions"]["per_call"]["floor"]
    ten_thousand = run._find(now["population"], "size", 10_000)
    ten_thousand["seconds"] = {"median": 61.0, "min": 60.5, "max": 63.0, "runs": 5}
    postgres = run._http(now, "postgres")
    postgres["submit"]["rps"] = {"median": 150.0, "min": 140.0, "max": 160.0, "runs": 5}
    now.update(command="make bench", finished="2027-01-02 10:00", parts=dict.fromkeys(run.PARTS, "2027-01-02 10:00"))
    return now


def _goal(report: str, goal: str) -> list[str]:
    line = next(line for line in report.splitlines() if line.startswith(f"| {goal} |"))
    return [cell.strip() for cell in line.strip("|").split("|")[1:]]


def test_the_report_checks_the_goals_from_the_figures_beside_the_before():
    report = run.render(_figures(), BEFORE, findings="")

    before = "before (main, 2026-12-01 09:41)"
    assert f"| goal | this run | {before} | met |" in report
    assert _goal(report, "10,000 people under 60 s") == ["61.0 s", "59.5 s", "**not met**"]
    assert _goal(report, "100,000 people within 11x of 10,000") == ["9.0x (552 s)", "9.3x (552 s)", "met"]
    memory = "peak memory under 500 MB up to 100,000 people (every process's peak added up)"
    assert _goal(report, memory) == ["243 MB (at 100,000 people)", "243 MB (at 100,000 people)", "met"]
    assert "| `SELECT accounts_user` | 3.20 | 3.20 |" in report
    page = "dashboard (50 filings): at 100,000 filings ≥ 85% of its req/s at 1,000, same queries"
    assert _goal(report, page) == ["85%, 12 queries at both", "85%, 12 queries at both", "met"]
    assert _goal(report, "submit over HTTP ≥ 25% of the flip's req/s on PostgreSQL") == ["23%", "33%", "**not met**"]
    # every section has its before column, read from the before's figures
    assert f"| statements | this run | {before} |" in report
    assert "| per person in a population run | 36.8 | 36.8 |" in report
    assert "| postgres | (c) real submit | 150 (140–160) | 69.54 (64.37–84.06) |" in report
    assert "- postgres: (c)/(b) throughput = 23% (before: 33%)." in report
    assert "- real submit: 3.24 (2.61–3.92) ms (before: 3.24), 16 SQL statements;" in report
    assert "| the rest | 0.69 (0.56–0.83) | 21% | 0.69 |" in report
    assert "a submission 8.58 million (before: 8.58)" in report
    assert (
        "| filing detail | 10 / 10 | 79.1 (69.9–80.9) | 75.1 (52.4–91.8) | 95% | 10 / 10 | 79.1 | 75.1 | 95% |"
        in report
    )
    assert "| 100,000 | 6 | 2058 (2005–2360) | 6 | 2,058 |" in report
    assert "| 10,000 | 5 | 2 | 61.0 (60.5–63.0) | 168 (152–176) | 226 | 84 | 59.5 | 226 |" in report
    assert "| receipt sign | 119.9 (109.6–160.3) | 119.9 |" in report
    assert "floor" not in report and "PreparedInsert" not in report


def test_a_partial_run_says_what_it_did_not_measure():
    figures = {key: value for key, value in _figures().items() if key not in ("http", "population", "steps_postgres")}
    report = run.render(figures, BEFORE, findings="")

    assert _goal(report, "10,000 people under 60 s") == ["–", "59.5 s", "not measured in this run"]
    figures["population"] = [p for p in BEFORE["population"] if p["size"] < 100_000]  # --skip-100k
    memory = "peak memory under 500 MB up to 100,000 people (every process's peak added up)"
    assert _goal(run.render(figures, BEFORE, findings=""), memory)[2] == "not measured in this run"
    del figures["population"]
    assert _goal(report, "submit over HTTP ≥ 25% of the flip's req/s on PostgreSQL") == [
        "–",
        "33%",
        "not measured in this run",
    ]
    assert "## 2. Submit over HTTP" in report and "Not measured in this run." in report
    assert "| per submission, PostgreSQL (with BEGIN and COMMIT) | – | 16 |" in report
    alone = run.render(figures, None, findings="")  # no before: its columns are empty
    assert "| 10,000 people under 60 s | – | – | not measured in this run |" in alone


def test_only_merge_and_render(tmp_path, monkeypatch):
    """`--only` runs those parts; `--merge` keeps the others from the last run's figures
    and says so; `--render` writes the same report again from the kept figures."""
    output, before = tmp_path / "BENCHMARKS.md", tmp_path / "before.json"
    before.write_text(json.dumps(BEFORE))
    output.with_suffix(".json").write_text(json.dumps(_figures()))
    asked = []

    def collect(parts, quick, sizes, population_runs, large_runs):
        asked.append((parts, sizes))
        return {
            "parts": {"gate": "2027-01-03 08:00"},
            "gate": BEFORE["gate"],
            "machine": "m",
            "finished": "2027-01-03 08:00",
        }

    monkeypatch.setattr(run, "collect", collect)
    run.main(
        [
            "--only",
            "gate,population",
            "--skip",
            "population",
            "--merge",
            "--output",
            str(output),
            "--before",
            str(before),
        ]
    )

    assert asked == [(["gate"], [1000, 10_000, 100_000])]
    report = output.read_text()
    assert "Written by `python -m bench.run --only gate,population --skip population --merge" in report
    assert "Parts kept from earlier runs (`--merge`): crypto (2027-01-02 10:00 UTC), steps (" in report
    assert "gate (" not in report.split("\n\n")[1]
    kept = json.loads(output.with_suffix(".json").read_text())
    assert kept["gate"] == BEFORE["gate"] and kept["population"] == _figures()["population"]

    output.write_text("")
    run.main(["--render", "--output", str(output), "--before", str(before)])
    assert output.read_text() == report

    run.main(["--quick", "--skip-100k", "--only", "http,pages", "--output", str(output), "--before", ""])
    assert asked[-1] == (["pages"], [100])  # quick runs no HTTP
    run.main(["--skip-100k", "--output", str(output), "--before", ""])
    assert asked[-1] == (list(run.PARTS), [1000, 10_000])
    with pytest.raises(SystemExit, match="no such part: floor"):
        run.main(["--only", "floor", "--output", str(output)])


WRK = """Running 10s test @ http://127.0.0.1:8765
  2 threads and 16 connections
  Latency Distribution
     50%   69.54ms
     75%   80.00ms
     90%  100.00ms
     99%    1.25s
  2224 requests in 10.00s, 1.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    222.40
"""


def test_the_parsers_read_what_the_tools_print():
    assert http._parse_wrk(WRK) == {
        "rps": 222.4,
        "p50_ms": 69.54,
        "p99_ms": 1250.0,
        "requests": 2224,
        "errors": 3,
        "socket_errors": "",
    }
    time = "\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50\n\tMaximum resident set size (kbytes): 86016\n"
    simulated = "done in 62.0 s: 10 block(s) on 2 process(es), peak memory 226 MB\n"
    assert population.parse(10_000, simulated, time) == {
        "bench": "population",
        "size": 10_000,
        "seconds": 62.5,
        "filers_per_second": 160.0,
        "processes": 2,
        "peak_mb": 226,
        "process_peak_mb": 84.0,
    }
    assert statements._kind('SELECT "accounts_user"."id" FROM "accounts_user" WHERE ...') == "SELECT accounts_user"
    assert statements._kind('SELECT 1 AS "a" FROM "accounts_user" LIMIT 1') == "EXISTS accounts_user"
    assert statements._kind('INSERT INTO "applications_flag" ("code") VALUES (%s)') == "INSERT applications_flag"


@pytest.mark.django_db
def test_the_gate_measured_on_a_tiny_office():
    measured = gate.measure(clone_filings(3), runs=1, calls=2)

    assert measured["filings"] == 3 and 0 < measured["queries"] <= 10
    assert measured["microseconds"]["median"] > 0
    cost = per_call_ms(lambda: None, 10, connection)
    assert cost["wall"] >= 0 and cost["client"] >= 0
    assert (cost["server"] is None) == (connection.vendor != "postgresql")


def _bench(module: str, *args: str) -> dict:
    """Run one benchmark on its own and read the JSON line it prints."""
    command = [sys.executable, "-m", f"bench.{module}", *args]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, timeout=300).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.bench
def test_quick_bench_writes_a_report_with_every_in_process_figure(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--output", str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    report = output.read_text()
    assert "| read and lock the filing with its contents |" in report
    assert "| the rest |" in report
    assert "## 5. The gate" in report and "| dashboard (50 filings) |" in report
    population = r"\| 100 \| 2 \| 1 \| [\d.]+ \([\d.]+–[\d.]+\) \| \d+ \(\d+–\d+\) \| \d+ \| \d+ \|"
    assert re.search(population, report), "population: runs, processes, median (min–max), peaks"
    assert "| `INSERT accounts_user` |" in report
    prosecution = r"\| 100 \| 2 \| [\d.]+ \([\d.]+–[\d.]+\) \| [\d.]+ \([\d.]+–[\d.]+\) \|"
    assert re.search(prosecution, report), "prosecution: people, runs, wall and CPU without, ..."
    for operation in ("provider result verify", "receipt sign", "audit hash"):
        assert f"| {operation} |" in report


@pytest.mark.bench
@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs on the local PostgreSQL, as CI's second pass does")
def test_the_steps_on_postgresql_read_the_servers_cpu_too():
    measured = _bench("steps", "--runs", "1", "--submissions", "60", "--postgres")
    assert measured["database"] == "postgresql"
    assert measured["cpu_ms"]["submit"]["server"]["median"] > 0 and measured["cpu_ms"]["flip"]["client"]["median"] > 0


@pytest.mark.bench
@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs on the local PostgreSQL, as CI's second pass does")
@pytest.mark.skipif(not shutil.which("valgrind"), reason="counts with valgrind: apt-get install -y valgrind")
def test_the_instruction_counts_of_each_case():
    counts = _bench("instructions", "--calls", "3")["per_call"]
    assert counts["submit"] > counts["flip"] > 0


@pytest.mark.bench
@pytest.mark.skipif(not shutil.which("valgrind"), reason="counts with valgrind: apt-get install -y valgrind")
def test_prosecution_counts_the_instructions_of_a_block_without_and_with_it():
    counted = _bench("prosecution", "--people", "10", "--instructions")
    assert counted["with"] > counted["without"] > 0
    assert counted["ratio"] == counted["with"] / counted["without"]


def _celery_run(backend: str, processes: int, seconds: float, size: int = 10_000) -> dict:
    figures = {
        "bench": "population",
        "size": size,
        "seconds": seconds,
        "filers_per_second": size / seconds,
        "processes": processes,
        "peak_mb": 180,
        "process_peak_mb": 90.0,
        "blocks": size // 1000,
        "largest_mb": 104,
        "backend": backend,
    }
    if backend == "celery":
        figures.update(workers=processes, worker_peak_mb=136.0, worker_resident_peak_mb=181.0)
    return figures


def test_the_celery_section_sets_local_and_celery_side_by_side_checks_the_goals_and_estimates_a_million():
    runs = [_celery_run("local", 1, 200.0), _celery_run("celery", 1, 210.0)]
    runs += [_celery_run("local", 2, 105.0), _celery_run("celery", 2, 110.0)]

    report = "\n".join(run._render_celery({"celery": [{"size": 10_000, "runs": runs}]}, {}, "before"))

    assert "| 10,000 | celery | 2 | 110.0 | 91 | 95% | 1.91x | 136 (181) | 104 |" in report
    assert "10,000 people: 2 workers 1.91x one worker (goal ≥ 1.8x: met)" in report
    assert "differ from local's by up to 5% at the same parallelism (goal: within 10%: met)" in report
    assert "peak memory of a worker 136 MB, PSS (goal < 150 MB: met)" in report
    assert "One block of 1,000 people took 21.0 s of one core" in report
    assert f"| 1 | {os.cpu_count()} |" in report
    assert "Not measured" not in report
    assert "Not measured in this run." in "\n".join(run._render_celery({}, {}, "before"))


LARGE = (("celery", 1, 2000.0), ("local", 2, 1050.0), ("celery", 2, 1100.0))


def test_above_10000_people_the_celery_section_goes_without_the_single_local_process():
    runs = [_celery_run(backend, k, seconds, 100_000) for backend, k, seconds in LARGE]

    report = "\n".join(run._render_celery({"celery": [{"size": 100_000, "runs": runs}]}, {}, "before"))

    assert "| 100,000 | celery | 1 | 2000.0 | 50 | – | 1.00x |" in report
    assert "| 100,000 | local | 2 | 1050.0 | 95 | – | – |" in report
    assert "| 100,000 | celery | 2 | 1100.0 | 91 | 95% | 1.82x |" in report
    assert "100,000 people: 2 workers 1.82x one worker (goal ≥ 1.8x: met)" in report
    assert "differ from local's by up to 5% at the same parallelism" in report


def _prosecution_run(seconds: float, cpu: float) -> dict:
    return {"size": 1000, "seconds": seconds, "cpu_seconds": cpu, "filers_per_second": 1000 / seconds}


def test_the_prosecution_section_sets_the_cpu_with_and_without_side_by_side_and_checks_the_goal():
    taken = {
        "size": 1000,
        "without": [_prosecution_run(18.0, 17.5), _prosecution_run(18.5, 18.0)],
        "with": [_prosecution_run(23.5, 23.0), _prosecution_run(26.0, 25.6)],
    }

    report = "\n".join(run._render_prosecution({"prosecution": taken}, {}, "before"))

    assert "| 1,000 | 2 | 18.2 (18.0–18.5) | 17.8 (17.5–18.0) | 24.8 (23.5–26.0) | 24.3 (23.0–25.6) |" in report
    # pairs 23.0/17.5 = 1.31 and 25.6/18.0 = 1.42: the median 1.37 meets the goal, the worst pair does not
    assert "Prosecution costs 37% more CPU per person (median of the pairs; the worst pair 42%; goal" in report
    assert "goal at most 40%: met" in report
    taken["with"][0]["cpu_seconds"] = 26.0
    assert "goal at most 40%: **not met**" in "\n".join(run._render_prosecution({"prosecution": taken}, {}, ""))
    assert "Not measured in this run." in "\n".join(run._render_prosecution({}, {}, "before"))
    assert "valgrind" not in report
    counted = {"size": 300, "without": 21_122_641_805, "with": 29_295_207_674, "ratio": 29_295_207_674 / 21_122_641_805}
    report = "\n".join(run._render_prosecution({"prosecution": taken, "prosecution_instructions": counted}, {}, ""))
    assert "21.12 billion instructions without, 29.30 billion with, 39% more" in report


def test_the_population_parser_reads_a_celery_run():
    time = "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:30.00\n\tMaximum resident set size (kbytes): 76800\n"
    simulated = (
        "done in 29.0 s on celery: 3 block(s), 1 read back from run.jsonl, on 2 process(es), "
        "peak memory 277 MB (all processes together), largest process 103 MB\n"
    )
    figures = population.parse(3000, simulated, time)
    assert (figures["blocks"], figures["processes"], figures["peak_mb"], figures["largest_mb"]) == (3, 2, 277, 103)

"""`make bench` must not rot: its quick mode runs every in-process benchmark end to end."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_quick_bench_writes_a_report_with_every_in_process_figure(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--output", str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = output.read_text()
    assert "## 1b. Where a submission's time goes" in report
    assert "| read and lock the filing with its contents |" in report
    assert "| the rest |" in report
    assert re.search(r"CPU a submission costs: [\d.]+ \([\d.]+–[\d.]+\) ms here; a flip: [\d.]+", report)
    assert re.search(
        r"one INSERT \(`bulk_create`\): [\d.]+ .* prepared \(`PreparedInsert`\): [\d.]+ .* by hand", report
    )
    assert "## 3. The gate" in report
    assert "| dashboard (50 filings) |" in report
    assert "## 4. Population" in report
    assert "| 400 |" in report
    population = r"\| 100 \| 2 \| 1 \| [\d.]+ \([\d.]+–[\d.]+\) \| \d+ \(\d+–\d+\) \| \d+ \| \d+ \|"
    assert re.search(population, report), "population: runs, processes, median (min–max), both memory peaks"
    assert "SQL statements a person costs" in report
    assert "| `INSERT accounts_user` |" in report
    for operation in ("provider result verify", "receipt sign", "audit hash"):
        assert f"| {operation} |" in report

    # the figures are kept; the report can be written again from them alone
    output.write_text("")
    subprocess.run(
        [sys.executable, "-m", "bench.run", "--render", "--output", str(output)], cwd=ROOT, check=True, timeout=60
    )
    assert output.read_text() == report


def _bench(module: str, *args: str) -> dict:
    """Run one benchmark on its own and read the JSON line it prints."""
    command = [sys.executable, "-m", f"bench.{module}", *args]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, timeout=300).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs on the local PostgreSQL, as CI's second pass does")
def test_the_steps_on_postgresql_read_the_servers_cpu_too():
    steps = _bench("steps", "--runs", "1", "--submissions", "60", "--postgres")
    assert steps["database"] == "postgresql"
    assert steps["cpu_ms"]["submit"]["server"]["median"] > 0 and steps["cpu_ms"]["flip"]["client"]["median"] > 0
    assert steps["cpu_ms"]["floor"]["server"]["median"] > 0  # the submission's statements alone


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs on the local PostgreSQL, as CI's second pass does")
def test_the_round_trip_bench_reads_each_case_on_both_sides():
    cases = _bench("roundtrips", "--runs", "1", "--calls", "300")["ms"]
    assert set(cases) == {
        "five reads one after another",
        "five reads together",
        "one statement, a new cursor",
        "one statement, a kept cursor",
    }
    assert all(sides["wall"]["median"] > 0 and "server" in sides for sides in cases.values())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs on the local PostgreSQL, as CI's second pass does")
@pytest.mark.skipif(not shutil.which("valgrind"), reason="counts with valgrind: apt-get install -y valgrind")
def test_the_instruction_counts_of_each_case():
    counts = _bench("instructions", "--calls", "3")["per_call"]
    # the submission does all its statements do and more; they, more than the flip's two
    assert counts["submit"] > counts["floor"] > counts["flip"] > 0

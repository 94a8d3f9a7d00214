"""`manage.py simulate` as a person runs it: output, exit status, the JSON report, and the
project's own database never touched (the command uses a throw-away one)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "scenarios" / "contract_example.json"


def simulate(tmp_path, *args):
    """Run the command with the project database pointed at a file that must stay absent."""
    project_db = tmp_path / "project.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{project_db}", "TMVERIFY_TODAY": ""}
    done = subprocess.run(
        [sys.executable, "manage.py", "simulate", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert not project_db.exists(), "simulate opened the project's own database"
    return done


def failing_scenario(tmp_path):
    path = tmp_path / "failing.json"
    path.write_text(
        json.dumps(
            {
                "name": "an unverified owner expected to file after the mandatory date",
                "actors": {"ann": {"name": "Ann Baker", "role": "owner"}},
                "steps": [
                    {"check": "identity", "actor": "ann", "state": "unverified"},
                    {"actor": "ann", "do": "create_application", "ref": "A1", "applicant": "ann"},
                ],
            }
        )
    )
    return path


def test_passing_scenarios_print_step_and_scenario_lines_and_exit_0(tmp_path):
    done = simulate(tmp_path, EXAMPLE)

    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert lines[0] == "  ok    step 1: dana verify method=online result=pass"
    assert sum(1 for line in lines if line.startswith("  ok ")) == 6
    assert lines[-2] == f"PASS  represented Chinese seller signs by link without verifying ({EXAMPLE})"
    assert lines[-1] == "1 passed, 0 failed"


def test_a_failing_scenario_shows_expected_and_actual_exits_1_and_writes_the_json_report(tmp_path):
    report = tmp_path / "report.json"

    done = simulate(tmp_path, EXAMPLE, failing_scenario(tmp_path), "--json", report)

    assert done.returncode == 1
    assert (
        "  FAIL  step 2: ann create_application ref=A1: expected ok, got refused [identity_unverified]" in done.stdout
    )
    assert "FAIL  an unverified owner expected to file after the mandatory date" in done.stdout
    assert done.stdout.splitlines()[-1] == "1 passed, 1 failed"
    document = json.loads(report.read_text())
    assert (document["passed"], document["failed"]) == (1, 1)
    assert [s["passed"] for s in document["scenarios"]] == [True, False]
    assert document["scenarios"][1]["steps"][1]["actual"].startswith("refused [identity_unverified]")
    # version 2: each action step carries its actual codes, a check none
    assert document["version"] == 2
    assert [step["codes"] for step in document["scenarios"][1]["steps"]] == [None, ["identity_unverified"]]


def test_an_invalid_file_exits_2_naming_file_and_step_runs_none_of_it_and_shows_no_traceback(tmp_path):
    broken = tmp_path / "broken.json"
    good = {"name": "would pass", "actors": {"a": {"name": "Ann Baker", "role": "owner"}}, "steps": []}
    bad = {
        "name": "typo",
        "actors": {},
        "steps": [{"do": "advance", "days": 1}, {"do": "set_dat", "date": "2024-01-01"}],
    }
    broken.write_text(json.dumps([good, bad]))

    done = simulate(tmp_path, broken, EXAMPLE)

    assert done.returncode == 2
    assert f'{broken}: scenario 2 (typo), step 2: unknown step "set_dat"' in done.stderr
    assert "Traceback" not in done.stderr
    assert "would pass" not in done.stdout  # nothing of the broken file ran
    assert done.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_bad_json_exits_2_without_a_traceback(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", "steps": [')

    done = simulate(tmp_path, broken)

    assert done.returncode == 2
    assert f"{broken}: not valid JSON" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_small_population_prints_its_summary_and_writes_an_html_report_without_javascript(tmp_path):
    report = tmp_path / "population.html"

    done = simulate(tmp_path, "--population", 120, "--seed", 3, "--report", report)

    assert done.returncode == 0, done.stderr
    assert "population of 120 people, seed 3" in done.stdout
    assert "blocked filings by reason code:" in done.stdout
    assert "fees collected: $" in done.stdout
    assert "120/120 people" in done.stderr  # progress goes to the terminal, not the summary
    assert "on local: 1 block(s) on 1 process(es), peak memory" in done.stdout
    html = report.read_text()
    assert html.count("<svg") >= 5
    assert "<table>" in html
    assert "<script" not in html.lower()
    # R21, R22: the submitted filings go on through prosecution
    assert "after prosecution, submitted filings by state:" in done.stdout
    assert "Outcomes by representation at submission" in html


def test_no_prosecution_stops_the_population_at_submission_with_the_same_people(tmp_path):
    done = simulate(tmp_path, "--population", 120, "--seed", 3, "--no-prosecution")

    assert done.returncode == 0, done.stderr
    assert "after prosecution" not in done.stdout
    assert "population of 120 people, seed 3" in done.stdout
    with_it = simulate(tmp_path, "--population", 120, "--seed", 3)
    before = done.stdout.split("fees collected")[0]
    assert with_it.stdout.split("fees collected")[0] == before


def test_a_population_on_no_processes_is_refused_with_a_clear_message(tmp_path):
    done = simulate(tmp_path, "--population", 10, "--jobs", 0)

    assert done.returncode == 2
    assert "--jobs needs a number of processes, 1 or more" in done.stderr
    assert "Traceback" not in done.stderr


def test_population_options_without_a_population_are_refused(tmp_path):
    for option, value in (
        ("--jobs", "2"),
        ("--report", tmp_path / "r.html"),
        ("--backend", "celery"),
        ("--compare", "announced"),
        ("--resume", tmp_path / "run.jsonl"),
        ("--no-prosecution", None),
    ):
        done = simulate(tmp_path, *([option, value] if value is not None else [option]), EXAMPLE)

        assert done.returncode == 2
        assert f"{option} goes with --population" in done.stderr
        assert "Traceback" not in done.stderr


def far_future(tmp_path, **top):
    """A scenario whose clock would leave the calendar the simulator covers."""
    scenario = {
        "name": "a date far in the future",
        "actors": {
            "ann": {"name": "Ann Baker", "role": "owner"},
            "bo": {"name": "Bo Chen", "role": "owner"},
        },
        "steps": [
            {"actor": "ann", "do": "verify", "method": "online", "result": "pass"},
            {
                "actor": "ann",
                "do": "create_application",
                "ref": "A1",
                "applicant": "ann",
                "mark": "FAR",
                "basis": "1b",
                "goods": [{"class": 9, "text": "Chargers", "id_manual": True}],
            },
            {"actor": "ann", "do": "request_signature", "filing": "A1", "signer": "bo"},
        ],
        **top,
    }
    path = tmp_path / "far.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    return path


def test_a_scenario_dated_9999_12_31_is_an_invalid_file_not_a_traceback(tmp_path):
    done = simulate(tmp_path, far_future(tmp_path, date="9999-12-31"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "OverflowError" not in done.stderr
    assert "date 9999-12-31 is outside the simulated calendar (2019-01-01 to 2035-12-31)" in done.stdout + done.stderr


def test_a_clock_moved_past_the_calendar_is_an_invalid_file(tmp_path):
    path = far_future(tmp_path, date="2035-12-01")
    scenario = json.loads(path.read_text())
    scenario["steps"].insert(0, {"do": "advance", "days": 36500})
    path.write_text(json.dumps(scenario))
    done = simulate(tmp_path, path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "step 1: advance moves the clock to 2135-11-07, past the simulated calendar's end (2035-12-31)" in (
        done.stdout + done.stderr
    )


def test_a_comparison_prints_both_sides_and_what_differs_and_writes_them_side_by_side_in_html(tmp_path):
    report = tmp_path / "compared.html"

    done = simulate(
        tmp_path, "--population", 100, "--seed", 5, "--date", "2022-06-01", "--compare", "announced", "--report", report
    )

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "population of 100 people, seed 5: enacted policy on 2022-06-01 beside announced policy on 2022-06-01" in out
    assert "the same people on both sides" in out
    assert re.search(r"  identity_unverified +0 +[1-9]\d* +\+[1-9]", out)  # blocked only by the announced date
    assert "what differs (announced against enacted):" in out
    assert "2/2 blocks, 200/200 people" in done.stderr  # both sides counted
    html = report.read_text()
    assert "<h2>What differs</h2>" in html and "What the rules blocked" in html
    assert html.count("<svg") >= 8 and "announced</text>" in html and "enacted</text>" in html
    assert "<script" not in html.lower()


def test_a_comparison_with_itself_or_with_no_profile_or_date_is_refused_with_a_clear_message(tmp_path):
    for value, message in (
        ("enacted", "--compare enacted is the run itself"),
        ("2024-06-01", "--compare 2024-06-01 is the run itself"),
        ("lenient", "--compare 'lenient' is not a date (YYYY-MM-DD)"),
    ):
        done = simulate(tmp_path, "--population", 10, "--compare", value)

        assert done.returncode == 2, value
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_celery_workers_choose_their_own_processes_and_a_block_needs_people(tmp_path):
    for args, message in (
        (("--backend", "celery", "--jobs", 2), "--jobs goes with --backend local"),
        (("--block", 0), "--block needs a number of people, 1 or more"),
    ):
        done = simulate(tmp_path, "--population", 10, *args)

        assert done.returncode == 2
        assert message in done.stderr

"""A population in blocks: each block in its own throw-away database, on one process or
several, the summaries added up; the result depends on the seed, never on the processes."""

from datetime import date

import pytest

from simulator.blocks import RunError, simulate_population
from simulator.population import Summary, run_population

ON = date(2024, 6, 1)


@pytest.fixture(autouse=True, scope="module")
def _throwaway_databases(django_db_blocker):
    # blocks open throw-away databases of their own, never the test database
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def kept(tmp_path_factory):
    return tmp_path_factory.mktemp("resume") / "run.jsonl"


@pytest.fixture(scope="module")
def in_blocks(kept):
    # 3 blocks of 60 (the last 40); the schedule puts mills at people 16 and 96
    return simulate_population(160, seed=7, on=ON, jobs=1, block=60, resume=kept)


def test_one_block_is_the_population_run_population_generates(db):
    whole = run_population(50, seed=3, on=ON)
    blocked = simulate_population(50, seed=3, on=ON, jobs=1, block=60)
    assert blocked.blocks == 1 and blocked.processes == 1
    assert blocked.summary.as_dict() == whole.as_dict()


def test_blocks_add_up_to_the_population_asked_for(in_blocks):
    summary = in_blocks.summary
    assert in_blocks.blocks == 3
    assert summary.size == 160 and summary.seed == 7 and summary.on == ON.isoformat()
    assert sum(summary.people_by_outcome.values()) == 160
    assert sum(summary.people_by_role.values()) == 160
    assert summary.filings_submitted + summary.filings_blocked == summary.filings_attempted > 0
    # the whole population's mill schedule, not one per block: people 16 and 96
    assert summary.units["filing mill"] == 2


def test_processes_change_nothing_but_the_time(in_blocks):
    on_two = simulate_population(160, seed=7, on=ON, jobs=2, block=60)
    assert on_two.processes == 2
    assert on_two.summary.as_dict() == in_blocks.summary.as_dict()
    assert on_two.peak_kib > in_blocks.peak_kib  # three processes held memory at once


def test_counts_add_up_and_stay_sorted_most_first():
    parts = [
        Summary(size=2, seed=1, on="2024-06-01", flags={"a": 1, "b": 3}, filings_submitted=2, fees_collected=350),
        Summary(size=3, seed=1, on="2024-06-01", flags={"a": 4}, filings_submitted=1, fees_collected=700),
    ]
    total = Summary.added_up(parts, size=5, seed=1, on="2024-06-01")
    assert list(total.flags.items()) == [("a", 5), ("b", 3)]
    assert (total.size, total.filings_submitted, total.fees_collected) == (5, 3, 1050)


def test_progress_on_one_process_is_told_of_every_batch_and_ends_at_the_size():
    seen = []
    simulate_population(130, seed=2, on=ON, jobs=1, block=60, progress=lambda *told: seen.append(told))
    people = [n for n, _ in seen]
    assert seen[0] == (0, 0)  # where the run starts
    assert people == sorted(people) and seen[-1] == (130, 3)
    assert {(60, 1), (120, 2)} <= set(seen) and len(seen) >= 6  # batches within blocks, and each block's end


# --- two sides: another profile or date, the same people ---------------------------------
EARLY = date(2022, 6, 1)  # the announced profile's mandatory date has passed, the enacted one's not


@pytest.fixture(scope="module")
def early_comparison():
    return simulate_population(150, seed=5, on=EARLY, jobs=1, compare=("announced", EARLY)).summaries


def test_a_second_profile_sees_the_same_people_with_the_same_intentions(early_comparison):
    enacted, announced = early_comparison
    assert (enacted.policy, announced.policy) == ("enacted", "announced")
    assert enacted.people_by_country == announced.people_by_country
    assert enacted.people_by_role == announced.people_by_role
    assert enacted.units == announced.units
    assert enacted.filings_attempted == announced.filings_attempted


def test_a_second_date_sees_the_same_people_with_the_same_intentions(early_comparison):
    # before verification opened (R2): every verification is refused, nothing else changes who files
    _, earlier = simulate_population(150, seed=5, on=EARLY, jobs=1, compare=("enacted", date(2021, 6, 1))).summaries
    enacted = early_comparison[0]
    assert earlier.on == "2021-06-01" and earlier.refusals_by_reason["verification_not_available"] > 0
    assert enacted.people_by_country == earlier.people_by_country
    assert enacted.units == earlier.units
    assert enacted.filings_attempted == earlier.filings_attempted


def test_the_announced_profile_blocks_unverified_filers_the_enacted_one_lets_through_in_between(early_comparison):
    enacted, announced = early_comparison

    assert "identity_unverified" not in enacted.blocked_by_reason
    assert announced.blocked_by_reason["identity_unverified"] > 0
    assert announced.filings_submitted < enacted.filings_submitted


def test_each_side_of_a_comparison_is_the_run_of_that_side_alone():
    both = simulate_population(60, seed=2, on=EARLY, jobs=2, block=30, compare=("announced", EARLY))
    alone = simulate_population(60, seed=2, on=EARLY, profile="announced", jobs=1, block=30)

    assert both.blocks == 4
    assert both.summaries[1].as_dict() == alone.summary.as_dict()


# --- the resume file ----------------------------------------------------------------------
def test_a_stopped_run_resumes_from_its_file_without_running_finished_blocks_again(in_blocks, kept, tmp_path):
    resume = tmp_path / "run.jsonl"
    header, first, *_ = kept.read_text().splitlines()
    # stopped while writing the second block's line
    resume.write_text(f'{header}\n{first}\n{{"place": "enac')

    seen = []
    again = simulate_population(160, seed=7, on=ON, jobs=1, block=60, resume=resume, progress=lambda *t: seen.append(t))

    assert again.resumed == 1
    assert seen[0] == (60, 1)  # the run starts where the file left off
    assert again.summary.as_dict() == in_blocks.summary.as_dict()
    lines = resume.read_text().splitlines()
    assert len(lines) == 4 and lines[:2] == [header, first]


def test_a_finished_run_resumed_runs_nothing_and_gives_the_same_summary(in_blocks, kept):
    before = kept.read_text()
    assert len(before.splitlines()) == 1 + 3  # the run, then each block

    again = simulate_population(160, seed=7, on=ON, jobs=2, block=60, resume=kept)

    assert again.resumed == 3
    assert again.summary.as_dict() == in_blocks.summary.as_dict()
    assert kept.read_text() == before


def test_a_resume_file_of_another_run_is_refused_and_left_as_it_was(tmp_path):
    resume = tmp_path / "run.jsonl"
    simulate_population(50, seed=7, on=ON, jobs=1, block=60, resume=resume)
    kept = resume.read_text()

    with pytest.raises(RunError) as refused:
        simulate_population(50, seed=8, on=ON, jobs=1, block=60, resume=resume)

    assert "holds another run (50 people, seed 7, blocks of 60, enacted on 2024-06-01)" in str(refused.value)
    assert "this one is 50 people, seed 8" in str(refused.value)
    assert resume.read_text() == kept


def test_a_file_that_is_no_resume_file_is_refused(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")

    with pytest.raises(RunError, match="is not a resume file"):
        simulate_population(50, seed=7, on=ON, jobs=1, block=60, resume=notes)
    assert notes.read_text() == "my notes\n"


def test_a_resume_file_that_cannot_be_written_is_refused_before_anything_runs(tmp_path):
    seen = []

    with pytest.raises(RunError, match=r"cannot keep the run in .*/no/such/folder/run.jsonl: No such file"):
        simulate_population(
            50, seed=7, on=ON, jobs=1, resume=tmp_path / "no/such/folder/run.jsonl", progress=seen.append
        )
    assert seen == []

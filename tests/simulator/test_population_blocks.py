"""A population in blocks: each block in its own throw-away database, on one process or
several, the summaries added up; the result depends on the seed, never on the processes."""

from datetime import date

import pytest

from simulator.blocks import simulate_population
from simulator.population import Summary, run_population

ON = date(2024, 6, 1)


@pytest.fixture(autouse=True, scope="module")
def _throwaway_databases(django_db_blocker):
    # blocks open throw-away databases of their own, never the test database
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def in_blocks():
    # 3 blocks of 60 (the last 40); the schedule puts mills at people 16 and 96
    return simulate_population(160, seed=7, on=ON, jobs=1, block=60)


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

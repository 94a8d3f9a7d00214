"""A population in blocks, on as many processes or machines as asked (`simulate_population`).

A population of more than `BLOCK` people is cut into blocks of `BLOCK` people, each run
in its own throw-away database (population.run_block), and their summaries are added up.
A block's randomness comes from the seed and the block's place alone, so the same seed
gives the same result on any number of processes, local or Celery workers.

This module cuts the blocks, runs them on a backend (`local`: this process or a pool of
fresh ones; `celery`: tasks for workers anywhere, celery.py), keeps one result per place,
and with a resume file carries on where a stopped run left off. workers.py holds what a
process runs, and population.py knows nothing of either.
"""

import json
import multiprocessing
import os
import resource
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from . import celery as distributed
from . import workers
from .population import BLOCK, DEFAULT_DATE, Block, Summary, run_block

BACKENDS = ("local", "celery")


class RunError(Exception):
    """The run cannot go on; the message says why and what to do."""


def blocks_of(
    size: int, seed: int, on: date, block: int, profile: str = "enacted", prosecution: bool = True
) -> list[Block]:
    # the first block takes the seed itself: a population of one block is the one
    # `run_population` generates
    return [
        Block(
            min(block, size - offset),
            seed if offset == 0 else f"{seed}/{offset // block}",
            on,
            size,
            offset,
            profile,
            prosecution,
        )
        for offset in range(0, size, block)
    ]


def place(block: Block) -> str:
    """Where a block stands in its run: the same block, the same place, on any backend."""
    return f"{block.profile}-{block.on.isoformat()}-{block.offset}"


@dataclass
class PopulationRun:
    summaries: list[Summary]  # one per side: the population, then what it is compared with
    blocks: int
    processes: int
    peak_kib: int  # every process's peak added up: what the run held at most
    largest_kib: int  # the largest one process held
    resumed: int = 0  # blocks read back from the resume file, not run again

    @property
    def summary(self) -> Summary:
        return self.summaries[0]


class Journal:
    """The resume file: a line naming the run, then one JSON line per finished block,
    written and flushed to disk as each block finishes (docs/DECISIONS.md 62)."""

    def __init__(self, path: Path, run: dict):
        self.path = path
        self.done: dict[str, tuple[Summary, str, int]] = {}
        if path.exists() and path.stat().st_size:
            self.run = self._read(run)
        else:
            self.run = {**run, "id": uuid.uuid4().hex}
            path.write_text(json.dumps(self.run) + "\n", encoding="utf-8")

    def _read(self, run: dict) -> dict:
        text = self.path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            # a line cut short when the run stopped: that block is run again
            text = text[: text.rfind("\n") + 1]
            self.path.write_text(text, encoding="utf-8")
        lines = text.splitlines()
        try:
            kept = json.loads(lines[0])
            for line in lines[1:]:
                entry = json.loads(line)
                self.done[entry["place"]] = (Summary.from_dict(entry["summary"]), entry["worker"], entry["peak_kib"])
        except (ValueError, KeyError, TypeError, IndexError):
            raise RunError(f"{self.path} is not a resume file of `simulate --population`") from None
        if not isinstance(kept, dict) or {k: v for k, v in kept.items() if k != "id"} != run:
            raise RunError(
                f"{self.path} holds another run ({_describe(kept)}); this one is {_describe(run)}. "
                "Give the same options to resume it, or another file for a new run."
            )
        return kept

    def record(self, where: str, summary: Summary, worker: str, peak: int) -> None:
        entry = {"place": where, "summary": summary.as_dict(), "worker": worker, "peak_kib": peak}
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
            out.flush()
            os.fsync(out.fileno())


def _describe(run) -> str:
    if not isinstance(run, dict) or "sides" not in run:
        return "not a population run"
    sides = " and ".join(f"{profile} on {on}" for profile, on in run["sides"])
    return f"{run.get('size', 0):,} people, seed {run.get('seed')}, blocks of {run.get('block', 0):,}, {sides}"


def simulate_population(
    size: int,
    *,
    seed: int,
    on: date = DEFAULT_DATE,
    profile: str = "enacted",
    compare: tuple[str, date] | None = None,
    jobs: int = 1,
    block: int = BLOCK,
    backend: str = "local",
    resume: Path | None = None,
    progress=None,
    poll: float = 0.5,
    timeout: float | None = None,
    prosecution: bool = True,
) -> PopulationRun:
    """`size` people in blocks of `block`, each in its own throw-away database, under
    `profile` on `on`, and again under `compare` (a profile and a date) when given; the
    project's database is never opened. `backend` local runs them on up to `jobs` fresh
    processes (spawned, never forked from one that may hold database connections), celery
    sends them to workers. With `resume`, finished blocks are kept in that file and a run
    given the same file and options skips them. `progress(people, blocks)` hears of every
    batch on one local process, of every block otherwise; its first call is where this
    run starts. Raises RunError when the run cannot go on."""
    if backend not in BACKENDS:
        raise RunError(f"no backend {backend!r} (use one of {', '.join(BACKENDS)})")
    sides = [(profile, on)] + ([compare] if compare else [])
    blocks = [
        each
        for side_profile, side_on in sides
        for each in blocks_of(size, seed, side_on, block, side_profile, prosecution)
    ]
    journal = None
    if resume is not None:
        run = {"size": size, "seed": seed, "block": block, "sides": [[p, d.isoformat()] for p, d in sides]}
        if not prosecution:  # a run of before prosecution keeps its header, so it still resumes
            run["prosecution"] = False
        try:
            journal = Journal(resume, run)
        except OSError as error:
            raise RunError(f"cannot keep the run in {resume}: {error.strerror}") from None
    done = dict(journal.done) if journal else {}
    peaks: dict[str, int] = {}

    def people_done() -> int:
        return sum(each.people for each in blocks if place(each) in done)

    def finished(each: Block, summary: Summary, worker: str, peak: int) -> None:
        if place(each) in done:
            return  # a block handed back twice (its task delivered again) counts once
        done[place(each)] = (summary, worker, peak)
        peaks[worker] = max(peaks.get(worker, 0), peak)
        if journal is not None:
            journal.record(place(each), summary, worker, peak)
        if progress is not None:
            progress(people_done(), len(done))

    if progress is not None:
        progress(people_done(), len(done))
    todo = [each for each in blocks if place(each) not in done]
    if backend == "celery":
        _on_celery(todo, journal.run["id"] if journal else uuid.uuid4().hex, finished, poll, timeout)
        processes = len(peaks)
    else:
        jobs = max(1, min(jobs, len(todo)))
        within = None
        if progress is not None:
            # one process: every batch of the block running here is heard of
            def within(each: Block):
                start = people_done()
                return lambda people: progress(start + people, len(done))

        _on_this_machine(todo, jobs, finished, within)
        processes = jobs
    # this process (on one local process, the one that ran the blocks)
    here = str(os.getpid())
    peaks[here] = max(peaks.get(here, 0), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    summaries = [
        Summary.added_up(
            [done[place(each)][0] for each in blocks if (each.profile, each.on) == (side_profile, side_on)],
            size=size,
            seed=seed,
            on=side_on.isoformat(),
            policy=side_profile,
        )
        for side_profile, side_on in sides
    ]
    return PopulationRun(
        summaries=summaries,
        blocks=len(blocks),
        processes=processes,
        peak_kib=sum(peaks.values()),
        largest_kib=max(peaks.values()),
        resumed=len(blocks) - len(todo),
    )


def _on_this_machine(todo: list[Block], jobs: int, finished, within) -> None:
    if jobs == 1:
        for each in todo:
            summary, pid, peak = run_block(each, progress=None if within is None else within(each))
            finished(each, summary, str(pid), peak)
        return
    with multiprocessing.get_context("spawn").Pool(jobs, initializer=workers.start) as pool:
        for result in pool.imap_unordered(workers.run_block, todo):
            finished(*result)


def celery_workers() -> list[str]:
    """The Celery workers that answer now (none: the blocks wait in the queue for one);
    RunError when no Redis is set or it cannot be reached."""
    with _talking_to_redis():
        return distributed.workers_answering()


@contextmanager
def _talking_to_redis():
    try:
        redis = distributed.broker_url()
    except ImproperlyConfigured as missing:
        raise RunError(f"the celery backend needs Redis: {missing}") from None
    try:
        yield
    except distributed.BrokerUnreachable as error:
        raise RunError(f"cannot reach Redis at {redis}: {error}") from None


def _on_celery(todo: list[Block], run: str, finished, poll: float, timeout: float | None) -> None:
    by_place = {place(each): each for each in todo}
    with _talking_to_redis():
        distributed.send_blocks({where: each.as_dict() for where, each in by_place.items()}, run)
        try:
            for where, result in distributed.finished_blocks(list(by_place), run, poll=poll, timeout=timeout):
                finished(by_place[where], Summary.from_dict(result["summary"]), result["worker"], result["peak_kib"])
        except distributed.BlockFailed as failed:
            raise RunError(str(failed)) from None

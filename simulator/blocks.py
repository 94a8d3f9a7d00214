"""A population in blocks, on as many processes as asked (`simulate_population`).

A population of more than `BLOCK` people is cut into blocks of `BLOCK` people, each run
in its own throw-away database (population.run_block), and their summaries are added up.
A block's randomness comes from the seed and the block's place alone, so the same seed
gives the same result on any number of processes.

This module starts the processes; workers.py holds what a started process runs, and
population.py knows nothing of either.
"""

import multiprocessing
import os
import resource
from dataclasses import dataclass
from datetime import date

from . import workers
from .population import BLOCK, DEFAULT_DATE, Block, Summary, run_block


def blocks_of(size: int, seed: int, on: date, block: int) -> list[Block]:
    # the first block takes the seed itself: a population of one block is the one
    # `run_population` generates
    return [
        Block(min(block, size - offset), seed if offset == 0 else f"{seed}/{offset // block}", on, size, offset)
        for offset in range(0, size, block)
    ]


@dataclass
class PopulationRun:
    summary: Summary
    blocks: int
    processes: int
    peak_kib: int  # every process's peak added up: what the run held at most


def simulate_population(
    size: int, *, seed: int, on: date = DEFAULT_DATE, jobs: int = 1, block: int = BLOCK, progress=None
) -> PopulationRun:
    """`size` people in blocks of `block`, each in its own throw-away database, on up to
    `jobs` processes; the project's database is never opened. Workers are started fresh
    (spawn), never forked from a process that may hold database connections. `progress`
    hears of every batch on one process, of every block on several."""
    blocks = blocks_of(size, seed, on, block)
    jobs = max(1, min(jobs, len(blocks)))
    parts, peaks = [], {}

    def finished(summary: Summary, pid: int, peak: int) -> None:
        parts.append(summary)
        peaks[pid] = max(peaks.get(pid, 0), peak)
        if progress is not None:
            progress(sum(part.size for part in parts))

    if jobs == 1:
        for each in blocks:
            told = None if progress is None else lambda n, start=each.offset: progress(start + n)
            finished(*run_block(each, progress=told))
    else:
        with multiprocessing.get_context("spawn").Pool(jobs, initializer=workers.start) as pool:
            for result in pool.imap_unordered(workers.run_block, blocks):
                finished(*result)
        peaks[os.getpid()] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return PopulationRun(
        summary=Summary.added_up(parts, size=size, seed=seed, on=on.isoformat()),
        blocks=len(blocks),
        processes=jobs,
        peak_kib=sum(peaks.values()),
    )

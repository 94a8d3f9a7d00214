"""What a process of a population run (blocks.py) or a Celery worker (celery.py) runs,
importable before Django is set up: a freshly started (spawned) process unpickles these
first, then sets Django up, and only then reads population.py, whose models need the apps
loaded."""


def start() -> None:
    import django

    django.setup()


def run_block(block):
    """One block in this process: (the block, its summary, this process, its peak KiB)."""
    # after start(): the models behind population.py can load only once Django is set up
    from .population import run_block

    summary, pid, peak = run_block(block)
    return block, summary, str(pid), peak


def run_block_as_dict(block: dict, *, node: str) -> dict:
    """`run_block` in and out of JSON, for a Celery worker named `node`."""
    from .population import Block

    _, summary, pid, peak = run_block(Block.from_dict(block))
    return {"summary": summary.as_dict(), "worker": f"{node}:{pid}", "peak_kib": peak}

"""The Celery app that runs a population's blocks on any number of machines
(`simulate --backend celery`; docs/DECISIONS.md 61).

On every machine, with the same checkout and `REDIS_URL` pointing at one Redis:

    celery -A simulator worker --concurrency 2

Redis is the broker and the result store. A worker runs a block exactly as a local
process does (`workers.run_block_as_dict`: population.run_block, in the block's own
throw-away database), so the command adds up the same summaries whichever backend ran
them. A block's task id is its place in its run: a message delivered twice runs, or
hands back, the same block, and the command keeps one result per place.
"""

import gc
import os

import kombu.exceptions
import redis.exceptions
from celery import Celery
from celery.signals import celeryd_after_setup, celeryd_init
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from kombu.utils.url import maybe_sanitize_url

from . import workers

# a worker started with `celery -A simulator` has no manage.py to name the settings; the
# Django fixup Celery installs then calls django.setup() before any block runs
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tmverify.settings")

app = Celery("tmverify")
app.config_from_object("django.conf:settings", namespace="CELERY")

RUN_BLOCK = "simulator.run_block"
NO_REDIS = "set REDIS_URL to the Redis that every machine of the run reaches (redis://HOST:6379/0)"

# what a lost or refused connection to Redis raises, sending or waiting
BrokerUnreachable = (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError)


def broker_url() -> str:
    """The Redis of the run, its password masked; ImproperlyConfigured without one."""
    if not settings.REDIS_URL:
        raise ImproperlyConfigured(NO_REDIS)
    return maybe_sanitize_url(settings.REDIS_URL)


@celeryd_init.connect
def _refuse_to_start_without_redis(**kwargs) -> None:
    # without it Celery would look for a broker of its own choosing on this machine; an
    # exception here is only logged by Celery, and the worker would start all the same
    if not settings.REDIS_URL:
        raise SystemExit(f"celery -A simulator worker: {NO_REDIS}")


@celeryd_after_setup.connect
def _prepare_what_the_pool_shares(**kwargs) -> None:
    # in the worker's main process, before it forks the process that runs the blocks:
    # the migrated template, the services and the URLs are made or read once here, and
    # the objects they leave are frozen out of the garbage collector, whose passes would
    # otherwise write into every one of them in the forked process and so copy the
    # pages they share (docs/DECISIONS.md 86)
    from django.urls import get_resolver

    from . import population  # noqa: F401
    from .database import migrated_template

    migrated_template()
    get_resolver().url_patterns  # noqa: B018 (imports every view)
    gc.freeze()


# acks_late + reject_on_worker_lost: the message is acknowledged only once the block's
# result is stored, and a worker process that dies holding it (killed, out of memory)
# hands it back to the queue for another; a whole machine lost is redelivered by Redis
# after the visibility timeout (settings.CELERY_BROKER_TRANSPORT_OPTIONS)
@app.task(name=RUN_BLOCK, bind=True, acks_late=True, reject_on_worker_lost=True)
def run_block(self, block: dict) -> dict:
    """One block, from its place alone; a block already done under this id (a message
    sent again by a resumed run) is handed back as stored, not run again."""
    stored = self.AsyncResult(self.request.id)
    if stored.successful():
        return stored.result
    return workers.run_block_as_dict(block, node=self.request.hostname)


def task_id(run: str, place: str) -> str:
    return f"tmverify-population-{run}-{place}"


def send_blocks(blocks: dict[str, dict], run: str) -> None:
    """Queue each block (by its place) as a task whose id is its place in `run`."""
    for place, block in blocks.items():
        app.send_task(RUN_BLOCK, args=[block], task_id=task_id(run, place))


def finished_blocks(places, run: str, *, poll: float = 0.5, timeout: float | None = None):
    """(place, result) for each of `places` as its task finishes, in any order; raises
    `BlockFailed` for a block whose task raised."""
    by_id = {task_id(run, place): place for place in places}
    for done, meta in app.backend.get_many(set(by_id), interval=poll, timeout=timeout):
        if meta["status"] != "SUCCESS":
            raise BlockFailed(by_id[done], meta["result"])
        yield by_id[done], meta["result"]


def workers_answering(timeout: float = 1.0) -> list[str]:
    """The names of the workers that answer a ping now (none: the blocks wait in the queue)."""
    return [name for reply in app.control.ping(timeout=timeout) for name in reply]


class BlockFailed(Exception):
    def __init__(self, place: str, error):
        super().__init__(f"block {place} failed on a worker: {error!r}")
        self.place = place

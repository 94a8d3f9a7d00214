"""Populations on Celery (`simulate --backend celery`): workers started here, against a
Redis of their own on a free port (or the one REDIS_URL names), give the summary the
local backend gives, byte for byte; a worker process killed while it holds a block loses
nothing and counts nothing twice; a stopped run resumes from its file.

Without REDIS_URL and without redis-server on this machine, these tests skip and say so.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.cluster import Unavailable, Workers, control, redis_server

ROOT = Path(__file__).resolve().parents[2]
# 3 blocks of 100 people: each a few seconds of one core, long enough to be caught running
POPULATION = ["--population", "300", "--block", "100", "--seed", "3"]


@pytest.fixture(scope="module")
def redis_url():
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    try:
        with redis_server() as url:
            yield url
    except Unavailable as missing:
        pytest.skip(f"needs Redis: set REDIS_URL, or install redis-server so the tests start their own ({missing})")


@pytest.fixture(scope="module")
def workers(redis_url, tmp_path_factory):
    with Workers(redis_url, 2, tmp_path_factory.mktemp("celery-logs")) as started:
        yield started


def simulate(*args, redis_url="", tmp_path, wait=True):
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'absent.sqlite3'}"}
    command = [sys.executable, "manage.py", "simulate", *map(str, args)]
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def summary_of(stdout: str) -> str:
    """What the run found: every line before the one saying how it ran."""
    lines = stdout.splitlines()
    return "\n".join(lines[: next(i for i, line in enumerate(lines) if line.startswith("done in "))])


@pytest.fixture(scope="module")
def on_the_local_backend(tmp_path_factory):
    done = simulate(*POPULATION, "--jobs", "1", tmp_path=tmp_path_factory.mktemp("local"))
    assert done.returncode == 0, done.stderr
    return summary_of(done.stdout)


def test_two_celery_workers_give_the_summary_the_local_backend_gives_byte_for_byte(
    workers, on_the_local_backend, tmp_path
):
    done = simulate(*POPULATION, "--backend", "celery", redis_url=workers.url, tmp_path=tmp_path)

    assert done.returncode == 0, done.stderr
    assert summary_of(done.stdout) == on_the_local_backend
    assert "population of 300 people, seed 3" in done.stdout
    assert "on celery: 3 block(s) on 2 process(es)" in done.stdout  # both workers took blocks
    assert "3/3 blocks, 300/300 people" in done.stderr
    assert not (tmp_path / "absent.sqlite3").exists()


def a_block_held_still(app, timeout: float = 120.0) -> tuple[str, int]:
    """The id of a block a worker process holds unfinished, and that process's id, the
    process stopped (SIGSTOP) so the block cannot finish before the test kills it: a
    block of 100 people takes about two seconds, the question to the workers half of one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for tasks in (app.control.inspect(timeout=0.5).active() or {}).values():
            for task in tasks:
                os.kill(task["worker_pid"], signal.SIGSTOP)
                if not app.AsyncResult(task["id"]).ready():
                    return task["id"], task["worker_pid"]
                os.kill(task["worker_pid"], signal.SIGCONT)  # finished already: try the next
        time.sleep(0.1)
    raise TimeoutError("no worker was caught holding an unfinished block")


def test_a_worker_process_killed_while_it_holds_a_block_loses_nothing_and_counts_nothing_twice(
    workers, on_the_local_backend, tmp_path
):
    app = control(workers.url)
    client = simulate(*POPULATION, "--backend", "celery", redis_url=workers.url, tmp_path=tmp_path, wait=False)
    try:
        block, pid = a_block_held_still(app)
        os.kill(pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        stdout, stderr = client.communicate(timeout=300)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()

    assert client.returncode == 0, stderr
    assert summary_of(stdout) == on_the_local_backend
    # the block was run again, by another process, and counted once
    assert not app.AsyncResult(block).result["worker"].endswith(f":{pid}")
    assert "3/3 blocks, 300/300 people" in stderr and "4/3" not in stderr


def test_a_celery_run_stopped_half_way_resumes_from_its_file_to_the_same_summary(
    workers, on_the_local_backend, tmp_path
):
    resume = tmp_path / "run.jsonl"
    args = [*POPULATION, "--backend", "celery", "--resume", resume]
    first = simulate(*args, redis_url=workers.url, tmp_path=tmp_path, wait=False)
    try:
        deadline = time.monotonic() + 120
        while not (resume.exists() and len(resume.read_text().splitlines()) >= 2):
            assert time.monotonic() < deadline, "no block finished"
            time.sleep(0.1)
    finally:
        first.kill()  # the researcher's machine goes down after the first block
        first.communicate()

    again = simulate(*args, redis_url=workers.url, tmp_path=tmp_path)

    assert again.returncode == 0, again.stderr
    assert summary_of(again.stdout) == on_the_local_backend
    read_back = int(again.stdout.split("3 block(s), ")[1].split(" read back from")[0])
    assert 1 <= read_back < 3 and f"read back from {resume}, on " in again.stdout
    assert len(resume.read_text().splitlines()) == 1 + 3  # the run, then each block once


def test_the_celery_backend_without_redis_says_what_to_set(tmp_path):
    done = simulate(*POPULATION, "--backend", "celery", tmp_path=tmp_path)

    assert done.returncode == 1
    assert "set REDIS_URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_celery_backend_names_a_redis_it_cannot_reach(tmp_path):
    from bench.cluster import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    done = simulate(*POPULATION, "--backend", "celery", redis_url=url, tmp_path=tmp_path)

    assert done.returncode == 1
    assert f"cannot reach Redis at {url}" in done.stderr
    assert "Traceback" not in done.stderr


class Touches:
    """Unpickled, this creates a file: what anyone who can write to Redis would send."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (self.path.touch, ())


def test_a_worker_refuses_a_pickled_message_and_runs_nothing_of_it(workers, tmp_path):
    marker = tmp_path / "unpickled"
    app = control(workers.url)
    app.conf.accept_content = ["json", "pickle"]  # this sender's own, not the workers'

    app.send_task("simulator.run_block", args=[Touches(marker)], serializer="pickle", task_id="pickled-block")

    deadline = time.monotonic() + 30
    logs = ""
    while "untrusted content" not in logs and time.monotonic() < deadline:
        time.sleep(0.5)
        logs = "".join(log.read_text() for log in workers.logs.glob("*.log"))
    assert "Refusing to deserialize untrusted content of type pickle" in logs
    assert not marker.exists()
    assert app.AsyncResult("pickled-block").state == "PENDING"  # never run, nothing stored


def test_a_worker_without_redis_url_refuses_to_start_and_says_what_to_set():
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    # without the check it would connect to a broker of Celery's choosing (amqp on localhost)
    done = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "simulator", "worker", "--concurrency", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert "celery -A simulator worker: set REDIS_URL to the Redis that every machine of the run reaches" in done.stderr

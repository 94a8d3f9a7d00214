"""A Redis of its own on a free port of this machine, and Celery workers against it: for
the Celery benchmarks (`python -m bench.population --backend celery --workers K`) and the
tests that start workers (tests/simulator/test_population_celery.py).

Everything started here is ended here, by the process group it was started in.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from celery import Celery

from .common import ROOT


class Unavailable(Exception):
    """What this machine lacks to start a Redis (the tests skip with it)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _end(process: subprocess.Popen, grace: float = 15.0) -> None:
    """End a process started here and everything it started (its own session), politely first."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait(check, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout:.0f} s")
        time.sleep(0.2)


@contextmanager
def redis_server(timeout: float = 20.0):
    """A throw-away redis-server on a free loopback port, keeping nothing on disk; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise Unavailable("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait(lambda: _answers(port) or process.poll() is not None, "redis-server", timeout)
        if process.poll() is not None:
            raise Unavailable(f"redis-server exited at once (status {process.returncode})")
        yield url
    finally:
        _end(process)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def control(url: str) -> Celery:
    """A Celery app of its own on `url`, to ask the workers (ping, active blocks)."""
    return Celery("tmverify-bench", broker=url, backend=url)


class Workers:
    """`count` Celery workers (`celery -A simulator worker`), each with `concurrency`
    processes (or threads) in a pool of the kind `pool`, on `url`; their output goes to
    files in `logs`."""

    def __init__(self, url: str, count: int, logs: Path, *, concurrency: int = 1, pool: str = "prefork"):
        self.url, self.logs, self.pool = url, logs, pool
        self.names = [f"bench{n}" for n in range(1, count + 1)]
        self.concurrency = concurrency
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, timeout: float = 90.0) -> "Workers":
        self.logs.mkdir(parents=True, exist_ok=True)
        for name in self.names:
            self.processes[name] = self.start_one(name)
        app = control(self.url)
        try:
            _wait(lambda: len(self.answering(app)) == len(self.names), "the Celery workers", timeout)
        except TimeoutError as late:
            self.stop()
            raise TimeoutError(f"{late}; their logs: {self.logs}") from None
        return self

    def start_one(self, name: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "simulator", "worker", "--hostname", f"{name}@%h"]
        command += ["--pool", self.pool, "--concurrency", str(self.concurrency), "--loglevel", "INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        log = (self.logs / f"{name}.log").open("ab")
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "REDIS_URL": self.url},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def answering(self, app: Celery) -> set[str]:
        return {name.split("@")[0] for reply in app.control.ping(timeout=0.5) for name in reply}

    def main_pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}

    def peak_kib(self) -> dict[str, int]:
        """Each worker's peak resident memory: its main process's and its pool's added up
        (VmHWM, KiB), which counts the pages they share twice."""
        return {
            name: sum(_status(pid, "VmHWM") for pid in (process.pid, *_children(process.pid)))
            for name, process in self.processes.items()
        }

    @contextmanager
    def sampling(self, every: float = 0.5):
        """While the block runs: yields each worker's peak proportional memory (PSS, KiB,
        filled in as it goes), its main process and its pool together, each shared page
        counted once among the processes sharing it. No process keeps a peak of it, so it
        is sampled."""
        peaks = dict.fromkeys(self.processes, 0)
        done = threading.Event()

        def sample():
            while not done.wait(every):
                for name, process in self.processes.items():
                    now = sum(_proportional(pid) for pid in (process.pid, *_children(process.pid)))
                    peaks[name] = max(peaks[name], now)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            yield peaks
        finally:
            done.set()
            sampler.join()

    def stop(self) -> None:
        for process in self.processes.values():
            _end(process)

    def __enter__(self) -> "Workers":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _field(path: str, name: str) -> int:
    """A `Name:   1234 kB` line of a /proc file, in KiB (0 once the process is gone)."""
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith(f"{name}:")), 0)


def _status(pid: int, name: str) -> int:
    return _field(f"/proc/{pid}/status", name)


def _proportional(pid: int) -> int:
    return _field(f"/proc/{pid}/smaps_rollup", "Pss")

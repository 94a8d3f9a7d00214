"""The SQLite backend queues writers on a lock file: a second writer starts its
transaction the moment the first one ends, never fails, and never interleaves."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connection, connections

from tmverify.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the writers' queue is SQLite's")


def open_wrapper(path):
    settings = {**connection.settings_dict, "NAME": str(path), "TEST": {}}
    settings["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    return DatabaseWrapper(settings, alias=f"queue-{id(settings)}")


def begin(wrapper):
    """What `transaction.atomic()` does first on SQLite."""
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(wrapper):
    wrapper.commit()
    wrapper.set_autocommit(True)


@pytest.fixture(autouse=True)
def own_connections(django_db_blocker):
    """These tests open their own connections to files of their own."""
    with django_db_blocker.unblock():
        yield


def test_the_project_uses_the_queued_backend():
    assert isinstance(connections["default"], DatabaseWrapper)


def test_a_second_writer_waits_for_the_first_to_commit_then_goes_on(tmp_path):
    path = tmp_path / "queue.sqlite3"
    first = open_wrapper(path)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE line (who TEXT)")
    events = []
    begin(first)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO line VALUES ('first')")
    assert (tmp_path / "queue.sqlite3.writer-lock").exists()

    def second_writer():
        second = open_wrapper(path)  # a connection belongs to its thread
        begin(second)
        events.append(("second began", time.monotonic()))
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO line VALUES ('second')")
        end(second)
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)
    assert events == []  # still queued behind the first writer
    committed = time.monotonic()
    end(first)
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert events and events[0][1] >= committed
    with first.cursor() as cursor:
        cursor.execute("SELECT who FROM line")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    first.close()


def queue_is_held(path) -> bool:
    handle = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


def test_the_queue_is_held_from_begin_to_commit_only(tmp_path):
    path = tmp_path / "queue.sqlite3"
    writer = open_wrapper(path)
    with writer.cursor() as cursor:
        cursor.execute("SELECT 1")  # reading takes no place in the queue
    assert not queue_is_held(path)
    begin(writer)
    assert queue_is_held(path)
    end(writer)
    assert not queue_is_held(path)
    writer.close()


def test_a_rolled_back_writer_frees_the_queue(tmp_path):
    path = tmp_path / "queue.sqlite3"
    first = open_wrapper(path)
    begin(first)
    first.rollback()
    first.set_autocommit(True)
    assert not queue_is_held(path)
    done = threading.Event()

    def second_writer():
        second = open_wrapper(path)
        begin(second)
        end(second)
        second.close()
        done.set()

    threading.Thread(target=second_writer).start()
    assert done.wait(timeout=5)
    first.close()


@pytest.mark.django_db
def test_an_in_memory_database_has_no_queue():
    assert connection.is_in_memory_db()
    assert connection._lock_path() is None

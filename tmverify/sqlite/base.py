"""SQLite with a writers' queue.

SQLite lets one writer in at a time; the others wait in SQLite's busy handler, which
sleeps 1, 2, 5 ... up to 100 ms between tries, so under load a writer may sleep long
after the lock came free (p99 near a second with two gunicorn workers). Here a writer
first takes an exclusive `flock` on a file beside the database, in the kernel's queue,
and is woken as soon as the previous writer commits; only then does it `BEGIN
IMMEDIATE`. Readers never take it (WAL mode). An in-memory database has no file and
no queue.

The wait has no timeout of its own: the writer ahead is inside one transaction, and a
worker stuck there is ended by gunicorn's worker timeout, which closes its file and so
frees the queue. Writes outside a transaction (Django's autocommit statements) still
use SQLite's own busy timeout.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base

WRITER_LOCK_SUFFIX = ".writer-lock"  # the queue's file, beside the database's own


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_lock = None

    def _lock_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}{WRITER_LOCK_SUFFIX}"

    def _acquire_writer_lock(self) -> None:
        path = self._lock_path()
        if path is None:
            return
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except BaseException:
            os.close(handle)
            raise
        self._writer_lock = handle

    def _release_writer_lock(self) -> None:
        if self._writer_lock is not None:
            handle, self._writer_lock = self._writer_lock, None
            os.close(handle)  # closing drops the lock

    def _start_transaction_under_autocommit(self):
        self._acquire_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            self._release_writer_lock()

"""A throw-away SQLite database for the simulator, so the project's own never sees a run."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test.utils import override_settings

# The file is deleted after the run: durability buys nothing, speed does.
_FAST = "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY; PRAGMA temp_store=MEMORY"


def quiet():
    """Settings for a simulation, in whichever process runs it: no mail leaves it, and no
    query log grows with it."""
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", DEBUG=False)


def _without_query_log(backend):
    class DatabaseWrapper(backend.DatabaseWrapper):
        @property
        def queries_logged(self):
            # DEBUG keeps every statement's text (on SQLite after one more query to quote
            # its parameters): a tenth of a population run's time. Kept only when asked
            # for, as `CaptureQueriesContext` does.
            return self.force_debug_cursor

    return DatabaseWrapper


@contextmanager
def throwaway_database():
    """Point the default connection at a fresh, migrated SQLite file in a temporary
    folder for the duration; the project's configured database is never opened."""
    previous_settings = connections.settings[DEFAULT_DB_ALIAS]
    previous_connection = connections[DEFAULT_DB_ALIAS]
    with tempfile.TemporaryDirectory(prefix="tmverify-simulate-") as folder:
        configured = connections.configure_settings(
            {
                DEFAULT_DB_ALIAS: {
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": str(Path(folder) / "simulation.sqlite3"),
                    "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": _FAST},
                }
            }
        )[DEFAULT_DB_ALIAS]
        connections.settings[DEFAULT_DB_ALIAS] = configured
        wrapper = _without_query_log(load_backend(configured["ENGINE"]))
        connections[DEFAULT_DB_ALIAS] = wrapper(configured, DEFAULT_DB_ALIAS)
        try:
            call_command("migrate", verbosity=0, interactive=False)
            yield configured["NAME"]
        finally:
            connections[DEFAULT_DB_ALIAS].close()
            connections.settings[DEFAULT_DB_ALIAS] = previous_settings
            connections[DEFAULT_DB_ALIAS] = previous_connection

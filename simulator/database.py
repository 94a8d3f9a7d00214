"""A throw-away SQLite database for the simulator, so the project's own never sees a run."""

import atexit
import os
import shutil
import subprocess
import sys
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
def _pointed_at(path: Path):
    """The default connection on the SQLite file `path` for the duration; the project's
    configured database is never opened."""
    previous_settings = connections.settings[DEFAULT_DB_ALIAS]
    previous_connection = connections[DEFAULT_DB_ALIAS]
    configured = connections.configure_settings(
        {
            DEFAULT_DB_ALIAS: {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": _FAST},
            }
        }
    )[DEFAULT_DB_ALIAS]
    connections.settings[DEFAULT_DB_ALIAS] = configured
    wrapper = _without_query_log(load_backend(configured["ENGINE"]))
    connections[DEFAULT_DB_ALIAS] = wrapper(configured, DEFAULT_DB_ALIAS)
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections.settings[DEFAULT_DB_ALIAS] = previous_settings
        connections[DEFAULT_DB_ALIAS] = previous_connection


_template: Path | None = None
_PROJECT = Path(__file__).resolve().parent.parent


def migrated_template() -> Path:
    """This process's migrated, empty database, made once: running every migration costs
    seconds, copying the file milliseconds, and a population runs a database per block.
    The migrations run in a process of their own: the graph of model states Django builds
    for them stays in a process's memory once built (45 of a block process's 125 MB), and
    a worker that runs blocks for hours has no use for it."""
    global _template
    if _template is None or not _template.exists():
        folder = Path(tempfile.mkdtemp(prefix="tmverify-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "migrated.sqlite3"
        _migrate_in_a_process_of_its_own(path)
        _template = path
    return _template


def _migrate_in_a_process_of_its_own(path: Path) -> None:
    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "tmverify.settings")
    subprocess.run(
        [sys.executable, "-m", "simulator.database", str(path)],
        cwd=_PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
        check=True,
    )


def migrate(path: Path) -> None:
    """Run every migration into the SQLite file `path` (made if missing)."""
    with _pointed_at(path):
        call_command("migrate", verbosity=0, interactive=False)


@contextmanager
def throwaway_database():
    """Point the default connection at a fresh, migrated SQLite file in a temporary
    folder for the duration (a copy of this process's migrated template); the project's
    configured database is never opened."""
    template = migrated_template()
    with tempfile.TemporaryDirectory(prefix="tmverify-simulate-") as folder:
        path = Path(folder) / "simulation.sqlite3"
        shutil.copyfile(template, path)
        with _pointed_at(path):
            yield str(path)


if __name__ == "__main__":  # migrated_template's process: python -m simulator.database PATH
    import django

    django.setup()
    migrate(Path(sys.argv[1]))

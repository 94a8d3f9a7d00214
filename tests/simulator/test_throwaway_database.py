"""The simulator's throw-away database does not keep every statement's text under DEBUG
(a population run makes millions), but still lets a test capture them when it asks; each
run gets a fresh copy of a database the process migrated once."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from simulator import database
from simulator.database import throwaway_database


@pytest.fixture
def own_database(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def test_statements_are_not_logged_under_debug(settings, own_database):
    settings.DEBUG = True
    with throwaway_database():
        connection.queries_log.clear()
        User.objects.count()
        assert len(connection.queries) == 0
        with CaptureQueriesContext(connection) as captured:
            User.objects.count()
        assert len(captured) == 1


def test_a_process_migrates_once_and_every_run_starts_from_a_fresh_copy(monkeypatch, own_database):
    # a population runs one database per block: migrating each costs seconds, a copy does not
    migrations = []
    real_migrate = database._migrate_in_a_process_of_its_own
    monkeypatch.setattr(database, "_template", None)
    monkeypatch.setattr(
        database, "_migrate_in_a_process_of_its_own", lambda path: migrations.append(path) or real_migrate(path)
    )
    for name in ("Ann", "Bo", "Cy"):
        with throwaway_database():
            # migrated (content types come with migrating), and nothing of the run before
            assert ContentType.objects.filter(app_label="applications", model="application").exists()
            assert list(User.objects.values_list("first_name", flat=True)) == []
            User.objects.create(email=f"{name.lower()}@example.test", first_name=name, last_name="Tester")
    assert len(migrations) == 1


def test_the_migrations_leave_nothing_in_this_process(monkeypatch, own_database):
    # the migration graph Django builds stays in a process's memory once built; a worker
    # running blocks for hours keeps none of it: no migration runs here
    monkeypatch.setattr(database, "_template", None)
    monkeypatch.setattr(database, "call_command", lambda *args, **kwargs: pytest.fail(f"migrated here: {args}"))
    with throwaway_database():
        assert ContentType.objects.filter(app_label="accounts", model="user").exists()

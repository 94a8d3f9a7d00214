"""PostgreSQL takes values apart from the SQL and prepares what a connection runs often
(DECISIONS 35); the threshold can be set, or switched off for a pooler."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import User

ROOT = Path(__file__).resolve().parents[2]
SHOW_OPTIONS = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"


def _options(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_PG_")}
    environment.update(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_OPTIONS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "setting, threshold", [(None, "5"), ("2", "2"), ("off", "None")], ids=["default", "two", "off"]
)
def test_postgresql_binds_on_the_server_and_prepares_after_the_threshold(setting, threshold):
    result = _options(**({} if setting is None else {"DJANGO_PG_PREPARE_THRESHOLD": setting}))
    assert result.returncode == 0, result.stderr
    assert f"'server_side_binding': True, 'prepare_threshold': {threshold}" in result.stdout


def test_a_threshold_that_is_not_a_number_is_refused_at_start():
    result = _options(DJANGO_PG_PREPARE_THRESHOLD="sometimes")
    assert result.returncode != 0
    assert "DJANGO_PG_PREPARE_THRESHOLD is a number of runs, or off." in result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.skipif(
    connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("prepare_threshold") is None,
    reason="DJANGO_PG_PREPARE_THRESHOLD=off",
)
def test_a_statement_a_connection_runs_often_is_prepared_on_postgresql():
    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ['%"last_name" = $%'])
            return cursor.fetchone()[0]

    before = prepared()
    for pk in range(7):  # other values, the same statement: prepared after the fifth run
        list(User.objects.filter(pk=pk, last_name="Tester"))
    assert prepared() == before + 1

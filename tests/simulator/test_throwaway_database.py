"""The simulator's throw-away database does not keep every statement's text under DEBUG
(a population run makes millions), but still lets a test capture them when it asks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
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

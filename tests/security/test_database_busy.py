"""SQLite's "database is locked" becomes a page asking to retry, never a 500."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from tmverify.middleware import DatabaseBusyMiddleware


def locked_view(request):
    raise OperationalError("database is locked")


def test_a_locked_database_answers_503_with_a_retry_message():
    middleware = DatabaseBusyMiddleware(locked_view)
    request = RequestFactory().post("/filings/1/submit/")
    response = middleware.process_exception(request, OperationalError("database is locked"))
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert b"Nothing of yours was changed" in response.content


def test_other_database_errors_are_not_hidden():
    middleware = DatabaseBusyMiddleware(locked_view)
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None
    with pytest.raises(OperationalError):
        middleware(request)

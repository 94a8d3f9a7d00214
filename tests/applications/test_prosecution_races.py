"""Prosecution under concurrency (PostgreSQL): deadline runs at once process each lapse
exactly once, and a response racing the job either lands in time or finds the filing
abandoned, never both."""

from datetime import date

import pytest

from applications import prosecution
from applications import services as filings
from applications.deadlines import process_deadlines
from applications.models import Application, Deadline
from tests.applications.test_submission_races import run_threads
from tests.factories import dana, examiner, signed_by_attorney
from tmverify import audit, clock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_deadline_runs_at_once_abandon_each_overdue_filing_once_in_time_order():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    applications = []
    for n in range(6):
        application = filings.submit_filing(attorney, signed_by_attorney(attorney, mark=f"MARK {n}"))
        prosecution.approve_for_publication(erin, application)
        applications.append(application)
    clock.set_today(date(2025, 3, 15))
    runs = []

    def work():
        clock.set_today(date(2025, 3, 15))  # the clock is per process, not per thread: set anyway
        runs.append(process_deadlines().prosecution)

    run_threads(4, work)

    assert sum(run.allowed for run in runs) == 6
    assert sum(run.abandoned for run in runs) == 6
    assert sum(run.revival_closed for run in runs) == 6
    for application in applications:
        stored = Application.objects.get(pk=application.pk)
        assert (stored.state, stored.allowed_on, stored.abandoned_on) == (
            "abandoned",
            date(2023, 4, 14),
            date(2023, 10, 17),
        )
        trail = audit.trail(stored)
        assert trail.filter(action="filing.opposition_deadline_passed").count() == 1
        assert trail.filter(action="filing.statement_of_use_deadline_passed").count() == 1
        assert trail.filter(action="filing.revival_deadline_passed").count() == 1
    assert not Deadline.objects.filter(closed_at__isnull=True).exists()

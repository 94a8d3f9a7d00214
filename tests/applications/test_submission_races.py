"""Submissions at once on PostgreSQL: a serial number is given once and never twice."""

import queue
import threading

import pytest
from django.db import connections

from applications import services as filings
from applications.models import Application, SerialCounter
from tests.factories import dana, signed_by_attorney, sunwave
from tmverify import audit
from tmverify.reasons import Refused

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_threads(count, work):
    """Start `count` threads on `work`, released together; fail on any unexpected error."""
    barrier = threading.Barrier(count)
    crashes = []

    def worker():
        try:
            barrier.wait()
            work()
        except Exception as exc:  # anything but a refusal is a defect
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    assert not crashes, crashes


def test_twenty_threads_submitting_one_signed_filing_give_one_serial_and_nineteen_refusals():
    attorney = dana()
    filing = signed_by_attorney(attorney)
    serials, refusals = [], []

    def submit():
        try:
            serials.append(filings.submit_filing(attorney, filing).serial_number)
        except Refused as exc:
            refusals.append(exc.codes)

    run_threads(20, submit)

    assert len(serials) == 1
    assert refusals == [["invalid_state"]] * 19
    stored = Application.objects.get(pk=filing.pk)
    assert (stored.state, stored.serial_number) == ("submitted", serials[0])
    assert SerialCounter.objects.get().last == int(serials[0])
    assert audit.trail(stored).filter(action="filing.submitted").count() == 1
    assert audit.trail(stored).filter(action="filing.submit.refused").count() == 19
    assert audit.verify_chain().ok


def test_two_hundred_filings_from_eight_threads_get_two_hundred_distinct_serials():
    attorney = dana()
    pending = queue.Queue()
    for n in range(200):
        pending.put(signed_by_attorney(attorney, applicant=sunwave(name=f"Owner {n % 15} Ltd")))
    serials = []

    def submit_until_done():
        while True:
            try:
                filing = pending.get_nowait()
            except queue.Empty:
                return
            serials.append(filings.submit_filing(attorney, filing).serial_number)

    run_threads(8, submit_until_done)

    assert len(serials) == 200
    assert len(set(serials)) == 200
    assert all(len(s) == 8 and s.isdigit() for s in serials)
    stored = sorted(Application.objects.filter(state="submitted").values_list("serial_number", flat=True))
    assert stored == sorted(serials)
    assert int(stored[-1]) - int(stored[0]) == 199  # none skipped, none reused
    assert audit.verify_chain().ok

"""R24 at once on PostgreSQL: every change of representation locks the filing first, so
a submission never goes out on a signature the change lapsed, and an attorney stands on a
filing once."""

import queue
import threading
from functools import partial

import pytest

from applications import services as filings
from applications.models import Application, Receipt, Representation
from tests.applications.test_submission_races import run_threads
from tests.factories import dana, person, signed_by_attorney
from tmverify import audit
from tmverify.reasons import Refused

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(steps: dict) -> dict:
    """Run the named steps in threads released together: each one's "ok" or refusal codes."""
    waiting, outcomes, lock = queue.Queue(), {}, threading.Lock()
    for item in steps.items():
        waiting.put(item)

    def attempt():
        name, step = waiting.get_nowait()
        try:
            step()
            result = "ok"
        except Refused as refused:
            result = refused.codes
        with lock:
            outcomes[name] = result

    run_threads(len(steps), attempt)
    return outcomes


def test_a_co_counsel_accepting_while_the_filing_is_submitted_never_leaves_a_stale_signature_behind():
    attorney = dana()
    other = person("max", role="us_attorney", first_name="Max", last_name="Ortiz", verified=True)
    for n in range(8):
        filing = signed_by_attorney(attorney, mark=f"RACE{n}")
        filings.appoint_attorney(attorney, filing, other)

        outcomes = race(
            {
                "submit": partial(filings.submit_filing, attorney, filing),
                "accept": partial(filings.accept_appointment, other, filing),
            }
        )

        stored = Application.objects.get(pk=filing.pk)
        row = Representation.objects.get(application=filing, attorney=other)
        if outcomes["submit"] == "ok":  # the submission went first: Max came too late
            assert outcomes["accept"] == ["invalid_state"] and row.state == "pending"
            names = [a["name"] for a in Receipt.objects.get(application=filing).payload["attorneys"]]
            assert (stored.state, names) == ("submitted", ["Dana Kim"])
        else:  # Max went first: what Dana signed lapsed, and nothing was submitted
            assert outcomes == {"accept": "ok", "submit": ["signature_required"]}
            assert (stored.state, stored.serial_number, row.state) == ("draft", None, "of_record")
    assert audit.verify_chain().ok


def test_ten_appointments_of_one_attorney_at_once_give_one_and_nine_refusals():
    attorney = dana()
    other = person("max", role="us_attorney", verified=True)
    filing = signed_by_attorney(attorney)
    outcomes = race({n: partial(filings.appoint_attorney, attorney, filing, other) for n in range(10)})

    assert Representation.objects.filter(application=filing, attorney=other).count() == 1
    assert sorted(outcomes.values(), key=str) == [["invalid_state"]] * 9 + ["ok"]

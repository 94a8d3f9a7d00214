"""The floor of a submission (bench/floor.py) writes what the real one writes, and says so
when the real one's statements change."""

import pytest

from accounts.models import User
from applications.models import Application, FilingState
from applications.services import submit_filing
from bench import floor
from bench.data import attorney, clone_filings
from tmverify.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def busy_attorney(monkeypatch):
    """The bench attorney, past the high-volume line, with filings left to submit."""
    monkeypatch.setattr(floor, "_recorded", [])
    actor = attorney()
    filings = clone_filings(25)
    for pk in filings[:21]:
        submit_filing(User(pk=actor.pk), Application(pk=pk))
    return actor, filings[21:]


def test_the_floor_submits_as_the_real_submission_does(busy_attorney):
    actor, filings = busy_attorney
    events = AuditEvent.objects.count()

    serials = [floor.submit(actor.pk, pk) for pk in filings]

    assert serials == [f"{n:08d}" for n in range(int(serials[0]), int(serials[0]) + len(filings))]
    for pk, serial in zip(filings, serials, strict=True):
        filing = Application.objects.get(pk=pk)
        assert (filing.state, filing.serial_number, filing.submitted_by_id) == (FilingState.SUBMITTED, serial, actor.pk)
        assert filing.receipt.payload["serial_number"] == serial
        assert list(filing.flags.values_list("code", flat=True)) == ["high_volume_filer"]
    # each: the flag raised, then the submission, in the chain's order
    added = AuditEvent.objects.filter(seq__gt=events).order_by("seq")
    assert [(e.action, e.subject_id) for e in added] == [
        (action, str(pk)) for pk in filings for action in ("filing.flag_raised", "filing.submitted")
    ]


def test_the_floor_says_when_the_submissions_statements_changed(busy_attorney, monkeypatch):
    actor, filings = busy_attorney
    monkeypatch.setattr(floor, "SHAPE", floor.SHAPE[:-1])

    with pytest.raises(RuntimeError, match="bench/floor.py must follow them"):
        floor.submit(actor.pk, filings[0])

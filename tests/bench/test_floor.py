"""The floor of a submission (bench/floor.py) writes what the real one writes, and says so
when the real one's statements change."""

import itertools

import pytest

from accounts.models import User
from applications.models import Application, FilingState
from applications.services import submit_filing
from bench import floor
from bench.data import attorney, clone_filings
from tmverify.models import AuditEvent, AuditHead

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
    events = AuditHead.objects.get().seq

    serials = [floor.submit(actor.pk, pk) for pk in filings]

    assert serials == [f"{n:08d}" for n in range(int(serials[0]), int(serials[0]) + len(filings))]
    for pk, serial in zip(filings, serials, strict=True):
        filing = Application.objects.get(pk=pk)
        assert (filing.state, filing.serial_number, filing.submitted_by_id) == (FilingState.SUBMITTED, serial, actor.pk)
        assert filing.receipt.payload["serial_number"] == serial
        assert list(filing.flags.values_list("code", flat=True)) == ["high_volume_filer"]
    # each: the flag raised, then the submission, linked in the chain's order (their
    # hashes are the recorded ones: the floor computes none)
    added = list(AuditEvent.objects.filter(seq__gt=events).order_by("seq"))
    expected = [(action, str(pk)) for pk in filings for action in ("filing.flag_raised", "filing.submitted")]
    assert [(e.action, e.subject_id) for e in added] == expected
    assert [e.seq for e in added] == list(range(events + 1, events + 1 + len(expected)))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(added))
    assert added[-1].data["serial_number"] == serials[-1]
    assert AuditHead.objects.get().seq == added[-1].seq


def test_the_floor_refuses_a_filing_that_is_not_there(busy_attorney):
    actor, filings = busy_attorney
    floor.submit(actor.pk, filings[0])

    with pytest.raises(RuntimeError, match="no such filing"):
        floor.submit(actor.pk, 10**9)


def test_the_floor_says_when_the_submissions_statements_changed(busy_attorney, monkeypatch):
    actor, filings = busy_attorney
    monkeypatch.setattr(floor, "SHAPE", floor.SHAPE[:-1])

    with pytest.raises(RuntimeError, match="bench/floor.py must follow them"):
        floor.submit(actor.pk, filings[0])

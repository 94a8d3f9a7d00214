"""`PreparedUpdate`: one row's chosen fields written by a statement built once, found by
its id and the values it must still have; what it writes is what `save()` writes."""

from datetime import timedelta

import pytest
from django_fsm import ConcurrentTransition

from applications.models import Application, FilingState
from tests.factories import dana, signed_by_attorney
from tmverify import clock
from tmverify.db import PreparedUpdate

pytestmark = pytest.mark.django_db

FIELDS = ("mark", "fee", "updated_at")


def _stored(filing) -> dict:
    row = Application.objects.get(pk=filing.pk)
    return {f.attname: getattr(row, f.attname) for f in Application._meta.concrete_fields}


def test_it_writes_what_save_writes_and_nothing_else():
    attorney = dana()
    ours, theirs = signed_by_attorney(attorney), signed_by_attorney(attorney)
    for filing in (ours, theirs):
        filing.mark, filing.fee, filing.updated_at = "NEW MARK 新", 350, clock.now() + timedelta(days=1)
        filing.serial_number = "97999999"  # changed on the instance, not among the fields
    PreparedUpdate(Application, FIELDS).update(ours)
    theirs.save(update_fields=FIELDS)
    before, after = _stored(theirs), _stored(ours)
    for name in (*FIELDS, "serial_number", "state"):
        assert after[name] == before[name], name
    assert after["serial_number"] is None and after["mark"] == "NEW MARK 新" and after["fee"] == 350


def test_a_row_no_longer_as_expected_is_not_written_and_says_so():
    filing = signed_by_attorney(dana())
    filing.mark = "CHANGED"
    update = PreparedUpdate(Application, ("mark",), where=("state",), missing=ConcurrentTransition)
    with pytest.raises(ConcurrentTransition, match="not as read"):
        update.update(filing, state=FilingState.DRAFT)
    assert _stored(filing)["mark"] != "CHANGED"
    update.update(filing, state=FilingState.SIGNED)
    assert _stored(filing)["mark"] == "CHANGED"


def test_a_missing_row_is_the_models_does_not_exist_unless_told_otherwise():
    filing = signed_by_attorney(dana())
    Application.objects.filter(pk=filing.pk).delete()
    with pytest.raises(Application.DoesNotExist):
        PreparedUpdate(Application, ("mark",)).update(filing)


def test_new_instances_other_models_and_other_expectations_are_refused():
    filing = signed_by_attorney(dana())
    update = PreparedUpdate(Application, ("mark",), where=("state",))
    with pytest.raises(TypeError, match="saved Application instances"):
        update.update(Application(mark="X"), state=FilingState.DRAFT)
    with pytest.raises(TypeError, match="saved Application instances"):
        update.update(filing.attorney, state=FilingState.DRAFT)
    for expected in ({}, {"state": FilingState.SIGNED, "mark": "X"}, {"state": None}):
        with pytest.raises(TypeError, match=r"exactly \['state'\]"):
            update.update(filing, **expected)

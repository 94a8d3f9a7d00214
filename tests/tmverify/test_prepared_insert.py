"""`PreparedInsert`: compiled by the ORM once per connection and number of rows, then only
executed; the rows it writes are the ones `bulk_create` writes."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, connections
from django.db.models import F
from django.db.models.constants import OnConflict
from django.db.models.functions import Now
from django.db.models.sql.compiler import SQLInsertCompiler

from applications.models import Application, Flag, SubmitterApplicant
from tests.factories import dana, signed_by_attorney
from tmverify import audit, clock
from tmverify.db import PreparedInsert
from tmverify.models import AuditEvent

pytestmark = pytest.mark.django_db


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _events(subject, n: int, first: int = 10_000) -> list[AuditEvent]:
    return [
        AuditEvent(
            seq=first + i,
            at=clock.now(),
            action=f"test.{i}",
            subject_type="application",
            subject_id=str(subject.pk),
            reasons=["forbidden"],
            data={"serial_number": "97000001", "fee": 250, "names": ["李伟", "Dana"]},
            prev_hash="0" * 64,
            hash=f"{first + i}".ljust(64, "0"),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("rows", [1, 3])
def test_the_rows_are_the_ones_the_orm_writes_and_each_gets_its_id(rows):
    filing = signed_by_attorney(dana())
    ours, theirs = _events(filing, rows), _events(filing, rows, first=20_000)
    PreparedInsert(AuditEvent).insert(ours)
    AuditEvent.objects.bulk_create(theirs)

    for mine, orms in zip(ours, theirs, strict=True):
        stored, expected = AuditEvent.objects.get(pk=mine.pk), AuditEvent.objects.get(pk=orms.pk)
        assert _values(stored) | {"id": 0, "seq": 0, "hash": ""} == _values(expected) | {"id": 0, "seq": 0, "hash": ""}
        assert _values(stored) == _values(mine)  # JSON, datetimes, text: as given
        assert mine._state.adding is False and mine._state.db == "default"
    assert len({event.pk for event in ours}) == rows


def test_the_orm_compiles_it_once_per_number_of_rows(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    events = PreparedInsert(AuditEvent)
    with (
        mock.patch.object(SQLInsertCompiler, "as_sql", autospec=True, side_effect=SQLInsertCompiler.as_sql) as compiled,
        django_assert_num_queries(5),
    ):  # one statement for each insert
        for place, n in enumerate([1, 2, 1, 2, 1]):
            events.insert(_events(filing, n, first=10_000 + place * 10))
    assert compiled.call_count == 2
    assert AuditEvent.objects.filter(seq__gte=10_000).count() == 7


@pytest.mark.django_db(transaction=True)  # the batches' own transaction, not the test's
def test_many_rows_go_in_batches_all_or_none(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    events = PreparedInsert(AuditEvent)
    many = _events(filing, 250)
    with django_assert_num_queries(3 + 2):  # 100, 100 and 50 rows between BEGIN and COMMIT
        events.insert(many)
    assert set(events._compiled[connections["default"]]) == {100, 50}
    assert sorted(AuditEvent.objects.filter(seq__gte=10_000).values_list("pk", flat=True)) == sorted(
        event.pk for event in many
    )

    clash = _events(filing, 150, first=30_000) + _events(filing, 1, first=10_000)  # its last row: a seq taken
    with pytest.raises(IntegrityError):
        events.insert(clash)
    assert not AuditEvent.objects.filter(seq__gte=30_000).exists()  # the first 100 rolled back with it


def test_rows_go_as_values_one_after_the_other_never_as_arrays(django_assert_num_queries):
    # PostgreSQL's UNNEST of one array per column spares planning a large insert, which
    # a prepared statement does not need; for a few rows it took twice as long
    filing = signed_by_attorney(dana())
    with django_assert_num_queries(1) as captured:
        PreparedInsert(AuditEvent).insert(_events(filing, 3))
    sql = captured.captured_queries[0]["sql"]
    assert "UNNEST" not in sql.upper() and sql.count("), (") == 2


def test_a_conflict_clause_ignores_or_updates_the_row_already_there():
    attorney = dana()
    filing = signed_by_attorney(attorney)
    flags = PreparedInsert(Flag, on_conflict=OnConflict.IGNORE)
    flags.insert([Flag(application=filing, code="high_volume_filer", detail="first")])
    flags.insert([Flag(application=filing, code="high_volume_filer", detail="second")])
    assert list(filing.flags.values_list("detail", flat=True)) == ["first"]

    notes = PreparedInsert(
        SubmitterApplicant,
        on_conflict=OnConflict.UPDATE,
        unique_fields=("submitter", "applicant_key"),
        update_fields=("last_submitted_at",),
    )
    later = clock.now() + timedelta(days=3)
    for when in [clock.now(), later]:
        notes.insert([SubmitterApplicant(submitter=attorney, applicant_key="sun wave ltd", last_submitted_at=when)])
    assert list(SubmitterApplicant.objects.values_list("applicant_key", "last_submitted_at")) == [
        ("sun wave ltd", later)
    ]


def test_what_it_cannot_insert_as_prepared_is_refused_and_nothing_is_written():
    filing = signed_by_attorney(dana())
    flags = PreparedInsert(Flag)
    before = Flag.objects.count()
    for wrong in [
        Flag(application=filing, code="x", detail=F("code")),  # expressions: SQL of their own
        Flag(application=filing, code="x", raised_at=Now()),
        Flag.objects.create(application=filing, code="already_saved"),
        Application(),
    ]:
        with pytest.raises(TypeError, match="prepared insert takes"):
            flags.insert([wrong])
    with pytest.raises(ValueError, match="unsaved related object"):
        flags.insert([Flag(application=Application(), code="x")])
    assert Flag.objects.count() == before + 1  # the one saved above


def test_audit_events_appended_through_it_keep_the_chain_whole():
    filing = signed_by_attorney(dana())
    with audit.atomic():
        for n in range(3):
            audit.record("test.appended", filing, data={"n": n})
    assert audit.verify_chain().ok
    assert list(audit.trail(filing).filter(action="test.appended").values_list("data", flat=True)) == [
        {"n": 0},
        {"n": 1},
        {"n": 2},
    ]

"""`audit.atomic()`: a block's events wait in memory and join the chain together as the
block ends, under one lock of the chain head; a block that raises leaves none."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import person
from tmverify import audit
from tmverify.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def actions():
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_events_of_a_block_are_written_when_it_ends_in_order():
    subject = person("olga")
    before = AuditEvent.objects.count()
    with audit.atomic():
        first = audit.record("test.first", subject)
        audit.record("test.second", subject)
        assert AuditEvent.objects.count() == before  # not written yet
        assert first.seq is None
    assert actions()[-2:] == ["test.first", "test.second"]
    assert first.seq == before + 1
    assert AuditHead.objects.get().seq == before + 2
    assert audit.verify_chain().ok


def test_a_block_appends_its_events_with_one_head_lock():
    subject = person("olga")
    with CaptureQueriesContext(connection) as queries, audit.atomic():
        for n in range(5):
            audit.record(f"test.{n}", subject)
    head_reads = [q for q in queries.captured_queries if "tmverify_audithead" in q["sql"]]
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "tmverify_auditevent"')]
    assert (len(head_reads), len(inserts)) == (2, 1)  # read-and-lock, update; one bulk insert
    assert audit.verify_chain().ok


def test_a_block_that_raises_leaves_no_event():
    subject = person("olga")
    before = actions()
    with pytest.raises(Boom), audit.atomic():
        audit.record("test.lost", subject)
        raise Boom
    assert actions() == before


def test_a_nested_block_that_raises_drops_only_its_own_events():
    subject = person("olga")
    with audit.atomic():
        audit.record("test.outer", subject)
        with pytest.raises(Boom), audit.atomic():
            audit.record("test.inner", subject)
            raise Boom
        with audit.atomic():
            audit.record("test.kept", subject)
    assert actions()[-2:] == ["test.outer", "test.kept"]
    assert audit.verify_chain().ok


def test_recording_in_a_plain_savepoint_inside_a_block_is_refused():
    """A plain savepoint could roll back on its own and leave its event behind."""
    subject = person("olga")
    with pytest.raises(RuntimeError, match="use audit.atomic"), audit.atomic(), transaction.atomic():
        audit.record("test.misplaced", subject)


def test_outside_a_block_an_event_is_written_at_once():
    subject = person("olga")
    with transaction.atomic():
        event = audit.record("test.now", subject)
        assert AuditEvent.objects.filter(pk=event.pk, seq=event.seq).exists()

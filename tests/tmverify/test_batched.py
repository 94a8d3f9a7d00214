"""`batched()`: on PostgreSQL the prepared writes wait and go to the database with the
next statement, in one round trip; what the database ends up holding, and when a
statement sees it, is what it would be without the block (DECISIONS 36)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django_fsm import ConcurrentTransition
from psycopg import pq

from applications.models import Application, FilingState, Flag
from tests.factories import dana, signed_by_attorney
from tmverify import db
from tmverify.db import PreparedInsert, PreparedQuery, PreparedUpdate, batched

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="writes wait only on PostgreSQL")
FLAGS = PreparedInsert(Flag)
FLAGS_OF = PreparedQuery(lambda pk: Flag.objects.filter(application=pk))


def _flag(filing, code="test_flag"):
    return Flag(application=filing, code=code, detail="")


class _Statements:
    """Each statement as it runs: its first word, and whether it went in a pipeline."""

    def __init__(self):
        self.seen = []

    def __call__(self, execute, sql, params, many, context):
        self.seen.append((sql.split()[0], connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF))
        return execute(sql, params, many, context)


def test_a_statement_after_a_write_sees_it_as_without_the_block():
    filing = signed_by_attorney(dana())
    with transaction.atomic(), batched():
        flag = _flag(filing)
        FLAGS.insert([flag])
        assert Flag.objects.filter(application=filing, code="test_flag").count() == 1  # the ORM's read
        assert flag.pk is not None and not flag._state.adding  # its id came back with it
    assert Flag.objects.get(pk=flag.pk).code == "test_flag"


@on_postgresql
def test_a_write_waits_and_goes_with_the_next_prepared_statement_in_one_pipeline():
    filing = signed_by_attorney(dana())
    statements = _Statements()
    # seen inside the block's own wrapper: in the order the statements reach the database
    with transaction.atomic(), batched(), connection.execute_wrapper(statements):
        flag = _flag(filing)
        FLAGS.insert([flag])
        assert flag.pk is None and statements.seen == []  # waiting
        assert [f.pk for f in FLAGS_OF.all(filing.pk)] == [flag.pk] and flag.pk is not None
    assert statements.seen == [("INSERT", True), ("SELECT", True)]


@on_postgresql
def test_before_any_other_statement_the_writes_go_on_their_own():
    filing = signed_by_attorney(dana())
    statements = _Statements()
    with transaction.atomic(), batched(), connection.execute_wrapper(statements):
        FLAGS.insert([_flag(filing)])
        assert Flag.objects.filter(application=filing).count() == 1  # the ORM's statement, as without the block
    assert statements.seen == [("INSERT", True), ("SELECT", False)]


def test_a_server_side_cursor_after_a_waiting_write_works():
    filing = signed_by_attorney(dana())
    with transaction.atomic(), batched():
        FLAGS.insert([_flag(filing)])
        assert [f.code for f in Flag.objects.filter(application=filing).iterator(chunk_size=10)] == ["test_flag"]


@on_postgresql
def test_writes_still_waiting_go_as_the_block_ends():
    filing = signed_by_attorney(dana())
    with transaction.atomic():
        with batched():
            FLAGS.insert([_flag(filing, "one")])
            FLAGS.insert([_flag(filing, "two")])
        with batched():
            FLAGS.insert([_flag(filing, "three")])
        assert set(Flag.objects.filter(application=filing).values_list("code", flat=True)) == {"one", "two", "three"}


@on_postgresql
def test_many_writes_do_not_all_wait():
    filing = signed_by_attorney(dana())
    statements = _Statements()
    with transaction.atomic(), connection.execute_wrapper(statements), batched():
        for n in range(db.MOST_WAITING):
            FLAGS.insert([_flag(filing, f"f{n}")])
        assert len(statements.seen) == db.MOST_WAITING  # sent together once that many waited
    assert Flag.objects.filter(application=filing).count() == db.MOST_WAITING


def test_a_failing_write_fails_the_transaction_and_nothing_is_kept():
    filing = signed_by_attorney(dana())
    with pytest.raises(IntegrityError), transaction.atomic(), batched():
        FLAGS.insert([_flag(filing, "kept?")])
        FLAGS.insert([_flag(filing, "twice"), _flag(filing, "twice")])  # one flag per code
        Flag.objects.count()
    assert not Flag.objects.filter(application=filing).exists()


@on_postgresql
def test_a_block_that_raises_with_writes_waiting_leaves_nothing_behind():
    filing = signed_by_attorney(dana())
    with transaction.atomic():
        try:
            with batched():
                FLAGS.insert([_flag(filing, "half")])
                raise ValueError("the caller's own error, caught below")
        except ValueError:
            pass
        # the write never went: the transaction must not commit without it
        assert connection.needs_rollback
        with pytest.raises(TransactionManagementError):
            Flag.objects.count()
    assert not Flag.objects.filter(code="half").exists()


def test_a_prepared_update_checks_its_row_at_once_and_what_follows_is_never_written():
    filing = signed_by_attorney(dana())
    filing.mark = "NEVER"
    update = PreparedUpdate(Application, ("mark",), where=("state",), missing=ConcurrentTransition)
    with transaction.atomic(), batched():
        try:
            with transaction.atomic():  # a step inside a step, say
                FLAGS.insert([_flag(filing, "before")])
                update.update(filing, state=FilingState.DRAFT)  # the filing is signed, not a draft
                FLAGS.insert([_flag(filing, "after")])
        except ConcurrentTransition:
            pass  # the inner step failed, nothing of it written
        FLAGS.insert([_flag(filing, "outer")])
    assert Application.objects.get(pk=filing.pk).mark != "NEVER"
    assert list(Flag.objects.filter(application=filing).values_list("code", flat=True)) == ["outer"]


@on_postgresql
def test_the_callers_own_error_in_a_savepoint_is_the_one_raised():
    filing = signed_by_attorney(dana())
    with transaction.atomic(), batched():
        with pytest.raises(ValueError, match="the caller's own"), transaction.atomic():
            FLAGS.insert([_flag(filing, "twice"), _flag(filing, "twice")])  # would fail if sent
            raise ValueError("the caller's own error")
        FLAGS.insert([_flag(filing, "kept")])
    assert list(Flag.objects.filter(application=filing).values_list("code", flat=True)) == ["kept"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failed_write_a_caller_swallows_still_fails_the_step():
    filing = signed_by_attorney(dana())
    with pytest.raises(IntegrityError), transaction.atomic(), batched():
        Application.objects.filter(pk=filing.pk).update(mark="HALF")
        FLAGS.insert([_flag(filing, "twice"), _flag(filing, "twice")])  # fails when sent
        try:
            with transaction.atomic():  # its SAVEPOINT sends the waiting write first
                Flag.objects.create(application=filing, code="other")
        except IntegrityError:
            pass  # meant for the create: "already there"
    assert Application.objects.get(pk=filing.pk).mark != "HALF"
    assert not Flag.objects.filter(application=filing).exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_is_refused():
    with pytest.raises(TransactionManagementError, match="needs a transaction"), batched():
        pass

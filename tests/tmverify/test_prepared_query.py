"""`PreparedQuery`: compiled by the ORM once per connection, then only executed; the
instances it builds are the ones the ORM builds."""

from datetime import UTC, date, datetime, timedelta, timezone
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, DataError, connection, connections, transaction
from django.db.models import F, Value
from django.db.models.functions import Upper
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from psycopg import pq

from accounts.models import User
from applications.models import Application, Signature
from tests.factories import dana, signed_by_attorney
from tmverify.db import PreparedQuery, kept_cursor, together

pytestmark = pytest.mark.django_db


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _second_signature(filing):
    Signature.objects.create(
        application=filing, signer=filing.attorney, text="/Dana Kim/", title="Attorney", signed_on=date(2024, 6, 1)
    )


def _filing_query(pk):
    return Application.objects.select_related("applicant", "attorney", "created_by").filter(pk=pk)


def test_the_instances_are_the_ones_the_orm_builds_related_objects_included(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    expected = _filing_query(filing.pk).get()
    with django_assert_num_queries(1):
        found = PreparedQuery(_filing_query).get(filing.pk)
    with django_assert_num_queries(0):  # select_related objects came with the row
        people = (found.applicant, found.attorney, found.created_by)
    assert _values(found) == _values(expected)  # dates, times, booleans: converted alike
    assert [_values(p) for p in people] == [
        _values(p) for p in (expected.applicant, expected.attorney, expected.created_by)
    ]
    assert found._state.adding is False and found._state.db == "default"


def test_a_list_keeps_the_query_order_and_each_run_takes_new_ids():
    attorney = dana()
    first, second = signed_by_attorney(attorney), signed_by_attorney(attorney)
    _second_signature(second)
    signatures = PreparedQuery(
        lambda pk: Signature.objects.filter(application=pk).select_related("signer").order_by("-id")
    )
    for filing in (first, second):
        found = signatures.all(filing.pk)
        expected = list(Signature.objects.filter(application=filing).order_by("-id"))
        assert [_values(s) for s in found] == [_values(s) for s in expected] and found
        assert {s.signer.email for s in found} == {s.signer.email for s in expected}
        assert signatures.first(filing.pk) == found[0]


def test_the_orm_compiles_it_once_per_connection():
    user = dana()
    query = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        for _ in range(3):
            assert query.get(user.pk).email == user.email
    assert compiled.call_count == 1


def test_no_row_is_the_models_does_not_exist():
    with pytest.raises(User.DoesNotExist):
        PreparedQuery(lambda pk: User.objects.filter(pk=pk)).get(987654)
    assert PreparedQuery(lambda pk: User.objects.filter(pk=pk)).all(987654) == []
    assert PreparedQuery(lambda pk: User.objects.filter(pk=pk)).first(987654) is None


def test_more_than_one_row_for_get_is_refused():
    filing = signed_by_attorney(dana())
    _second_signature(filing)
    with pytest.raises(Signature.MultipleObjectsReturned):
        PreparedQuery(lambda pk: Signature.objects.filter(application=pk)).get(filing.pk)


@pytest.mark.django_db(transaction=True)
def test_a_locking_query_outside_a_transaction_is_refused_as_the_orm_refuses_it():
    user = dana()
    locked = PreparedQuery(lambda pk: User.objects.select_for_update().filter(pk=pk))
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            locked.get(user.pk)
    with transaction.atomic():
        assert locked.get(user.pk) == user


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite has no row locks")
def test_a_locking_query_locks_only_the_rows_it_names(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    query = PreparedQuery(
        lambda pk: Application.objects.select_for_update(of=("self",)).select_related("attorney").filter(pk=pk)
    )
    with transaction.atomic(), django_assert_num_queries(1) as captured:
        query.get(filing.pk)
    assert captured.captured_queries[0]["sql"].endswith('FOR UPDATE OF "applications_application"')


def test_an_id_the_query_does_not_use_is_a_mistake_named_at_once():
    with pytest.raises(ValueError, match="every value must appear once"):
        PreparedQuery(lambda pk: User.objects.all()).all(1)


def test_text_is_compared_as_it_is_and_a_rewriting_lookup_is_refused():
    user = dana()
    by_email = PreparedQuery(lambda email: User.objects.filter(email=email))
    assert by_email.get(user.email) == user
    assert by_email.all(user.email.upper()) == []  # `=` as the ORM's exact lookup
    # iexact on SQLite, contains everywhere: Django rewrites the value for LIKE, so the
    # SQL would need that rewriting on every run; refused rather than run wrongly
    with pytest.raises(ValueError, match="as it is"):
        PreparedQuery(lambda email: User.objects.filter(email__contains=email)).all("dana")


def test_only_numbers_text_and_aware_datetimes_are_taken():
    with pytest.raises(TypeError, match="numbers, text and aware datetimes"):
        PreparedQuery(lambda flag: User.objects.filter(is_staff=flag)).all(True)
    with pytest.raises(TypeError, match="numbers, text and aware datetimes"):
        PreparedQuery(lambda when: User.objects.filter(date_joined__gte=when)).all(datetime(2024, 6, 1))


def test_a_datetime_is_compared_as_the_orm_compares_it():
    user = dana()
    joined = user.date_joined
    since = PreparedQuery(lambda pk, when: User.objects.filter(pk=pk, date_joined__gte=when))
    for when in [joined - timedelta(seconds=1), joined, joined + timedelta(microseconds=1)]:
        for zone in [UTC, timezone(timedelta(hours=8))]:  # the same moment in Beijing
            expected = list(User.objects.filter(pk=user.pk, date_joined__gte=when.astimezone(zone)))
            assert since.all(user.pk, when.astimezone(zone)) == expected
    assert since.all(user.pk, joined) == [user] and since.all(user.pk, joined + timedelta(microseconds=1)) == []


def test_annotations_come_with_the_instances_as_the_orm_gives_them():
    user = dana()
    query = PreparedQuery(lambda pk: User.objects.annotate(shout=Upper("last_name")).filter(pk=pk))
    assert query.get(user.pk).shout == "KIM" == User.objects.annotate(shout=Upper("last_name")).get(pk=user.pk).shout


def test_a_later_call_with_other_values_than_compiled_for_is_refused():
    user = dana()
    query = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
    assert query.get(user.pk) == user
    for wrong in [(), (user.pk, 1), (None,), (True,), (user.date_joined,)]:
        with pytest.raises(TypeError, match="takes 1 values like those it was built with"):
            query.all(*wrong)


# --- queries sent together, and the cursors they use ------------------------------------
_SIGNATURES = PreparedQuery(lambda pk: Signature.objects.filter(application=pk).select_related("signer"))


def test_queries_sent_together_find_what_each_finds_alone():
    filing = signed_by_attorney(dana())
    _second_signature(filing)
    other = signed_by_attorney(filing.attorney)
    filings = PreparedQuery(_filing_query)
    with transaction.atomic():
        found = together((filings, (filing.pk,)), (_SIGNATURES, (filing.pk,)), (_SIGNATURES, (other.pk,)))
    assert found == [filings.all(filing.pk), _SIGNATURES.all(filing.pk), _SIGNATURES.all(other.pk)]
    assert [len(rows) for rows in found] == [1, 2, 1]
    assert found[1][0].signer.email == filing.attorney.email  # related objects built as alone


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL's client sends statements together")
def test_on_postgresql_they_go_in_one_pipeline_and_each_is_still_logged(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    pipelined = []

    def note(execute, sql, params, many, context):
        pipelined.append(connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note), django_assert_num_queries(3):
        together((_SIGNATURES, (filing.pk,)), (_SIGNATURES, (filing.pk,)), (PreparedQuery(_filing_query), (filing.pk,)))
    assert pipelined == [True, True, True]
    with connection.execute_wrapper(note):
        _SIGNATURES.all(filing.pk)  # one query alone: no pipeline
    assert pipelined[-1] is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite divides by zero without an error")
@pytest.mark.django_db(transaction=True)
def test_a_failing_query_among_them_fails_as_the_orm_fails_and_the_connection_goes_on():
    filing = signed_by_attorney(dana())
    # 1 / (id - id): PostgreSQL refuses it for any row
    failing = PreparedQuery(
        lambda pk: Signature.objects.annotate(broken=Value(1) / (F("pk") - F("pk"))).filter(application=pk)
    )
    with pytest.raises(DataError), transaction.atomic():
        together((_SIGNATURES, (filing.pk,)), (failing, (filing.pk,)), (_SIGNATURES, (filing.pk,)))
    with transaction.atomic():  # rolled back, and the connection serves the next transaction
        assert len(together((_SIGNATURES, (filing.pk,)), (_SIGNATURES, (filing.pk,)))[1]) == 1


def test_prepared_statements_keep_one_cursor_while_the_connection_lasts():
    user = dana()
    query = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
    wrapper = connections[DEFAULT_DB_ALIAS]
    with mock.patch.object(wrapper, "create_cursor", wraps=wrapper.create_cursor) as opened:
        for _ in range(3):
            assert query.get(user.pk) == user
            assert kept_cursor(wrapper) is kept_cursor(wrapper)
    assert opened.call_count <= 1  # none when an earlier test of this connection opened it
    assert kept_cursor(wrapper, 1) is not kept_cursor(wrapper, 0)


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_gets_new_cursors():
    user = dana()
    query = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
    wrapper = connections[DEFAULT_DB_ALIAS]
    if wrapper.vendor == "sqlite" and wrapper.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite database: it would be lost")
    before = kept_cursor(wrapper)
    wrapper.close()
    assert query.get(user.pk) == user
    assert kept_cursor(wrapper) is not before
    assert kept_cursor(wrapper).cursor.connection is wrapper.connection  # the cursor psycopg or sqlite3 made


def test_a_statement_log_opened_later_still_sees_them():
    user = dana()
    query = PreparedQuery(lambda pk: User.objects.filter(pk=pk))
    query.get(user.pk)  # a cursor kept while nothing logs
    with CaptureQueriesContext(connection) as captured:
        query.get(user.pk)
    assert len(captured) == 1 and '"accounts_user"' in captured[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL's client sends statements together")
@pytest.mark.django_db(transaction=True)
def test_with_health_checks_on_a_lost_connection_is_replaced_before_queries_go_together():
    import psycopg

    filing = signed_by_attorney(dana())
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.ensure_connection()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [wrapper.connection.info.backend_pid])  # a restart, say
    wrapper.health_check_enabled, wrapper.health_check_done = True, False  # CONN_HEALTH_CHECKS, a new request
    found = together((_SIGNATURES, (filing.pk,)), (_SIGNATURES, (filing.pk,)))
    assert [len(rows) for rows in found] == [1, 1]

"""Small database helpers shared by the apps.

The singleton rows (the audit-chain head, the serial counter) are locked by every
submission while the other writers wait, so they are read and written with one short
hand-built statement each instead of a query the ORM compiles anew on every call.

The reads every service step makes (a filing with its contents, an account) are
`PreparedQuery`s, and the rows a submission adds `PreparedInsert`s: compiled by the ORM
once per connection, then only executed.
"""

import functools
import threading
import weakref
from collections.abc import Hashable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models.constants import OnConflict
from django.db.models.query import get_related_populators
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler
from django.db.transaction import TransactionManagementError


def _is_value(value) -> bool:
    """What a prepared query takes: numbers, text, and datetimes with a time zone."""
    if isinstance(value, datetime):
        return value.tzinfo is not None
    return type(value) in (int, str)


def _marker(value, place: int):
    """A stand-in for a prepared query's value while the ORM compiles it. Numbers:
    negative, so never a row's id, and inside every backend's integer range (Django
    compiles a lookup on an out-of-range integer to "no rows", with no parameter to
    find). Text: with the characters a LIKE escapes, so a lookup that rewrites its value
    (iexact on SQLite, contains, startswith) leaves no stand-in to find, and is refused.
    Datetimes: in the year 2, no filing's."""
    if not _is_value(value):
        raise TypeError(f"a prepared query takes numbers, text and aware datetimes, not {value!r}")
    if isinstance(value, datetime):
        return datetime(2, 1, 1, microsecond=place, tzinfo=UTC)
    return -2_000_000_000 - place if isinstance(value, int) else f"%_\\tmverify-{place}"


def _adapter(wrapper, value):
    """How the database takes a value of this kind as a parameter: a datetime as a
    datetime column's lookup adapts it (SQLite: text in UTC); numbers and text as they are."""
    return wrapper.ops.adapt_datetimefield_value if isinstance(value, datetime) else None


# per database wrapper: the connection its cursors belong to, and those cursors
_kept_cursors = weakref.WeakKeyDictionary()


def kept_cursor(wrapper=None, slot: Hashable = 0):
    """A cursor of the connection, kept for the prepared statements here while the
    connection lasts: opening a cursor for every statement cost a fifth of a small
    statement's CPU on the client (`python -m bench.roundtrips`). `slot`: statements
    sent together each need their own cursor, which keeps its answer until read.

    A cursor logging its statements (tests, `DEBUG`) is kept apart from one that does not,
    as `connection.cursor()` would hand out either. Every statement is fetched to its end."""
    wrapper = wrapper or connections[DEFAULT_DB_ALIAS]
    wrapper.close_if_health_check_failed()
    wrapper.ensure_connection()
    owner, cursors = _kept_cursors.get(wrapper, (None, None))
    if owner is not wrapper.connection:
        cursors = {}
        _kept_cursors[wrapper] = (wrapper.connection, cursors)
    key = (wrapper.queries_logged, slot)
    cursor = cursors.get(key)
    if cursor is None:
        cursor = cursors[key] = wrapper.cursor()
    else:
        wrapper.validate_thread_sharing()
    return cursor


# --- writes that wait for the next statement (PostgreSQL) --------------------------------
class _Waiting(threading.local):
    """Per thread (as Django's connections are), in a `batched()` block: the writes
    waiting, each as (SQL, parameters, what to do with its cursor once sent), and the
    first error sending them raised; `writes` is None outside a block."""

    writes: list | None = None
    failed: BaseException | None = None


_waiting = _Waiting()

# writes kept waiting at most: each needs a cursor of its own when they are sent
MOST_WAITING = 16


def _write(wrapper, sql: str, params, done=None) -> None:
    """Run a write whose answer nobody waits for, or in a `batched()` block let it wait
    for the next statement; `done` takes its cursor once it ran (new rows' ids)."""
    if _waiting.writes is None:
        cursor = kept_cursor(wrapper)
        cursor.execute(sql, params)
        if done is not None:
            done(cursor)
        return
    _waiting.writes.append((sql, params, done))
    if len(_waiting.writes) >= MOST_WAITING:
        _send_waiting(wrapper)


def _send_waiting(wrapper, then=None):
    """Send the waiting writes, then `then()`'s statements (those of this module, which
    read their answers only after), in one round trip (psycopg's pipeline mode); each
    write's `done` runs once all have been answered. `then()`'s result is returned.

    When the waiting writes were in a round trip that failed, the error is kept and the
    transaction marked for rollback: a caller that catches it cannot commit the step
    without those writes (`batched()` raises it again as it ends)."""
    writes = _waiting.writes or []
    if writes:
        _waiting.writes = []
    try:
        sent = []
        with wrapper.wrap_database_errors, wrapper.connection.pipeline():
            for place, (sql, params, done) in enumerate(writes):
                cursor = kept_cursor(wrapper, ("waiting", place))
                cursor.execute(sql, params)
                sent.append((cursor, done))
            result = then() if then is not None else None
        for cursor, done in sent:
            if done is not None:
                done(cursor)
        return result
    except BaseException as error:
        if writes:
            _waiting.failed = _waiting.failed or error
            wrapper.set_rollback(True)
        raise


def _sent_with_waiting(wrapper, run):
    """`run()` (a statement of this module), with any waiting writes in the same trip."""
    return _send_waiting(wrapper, run) if _waiting.writes else run()


def _send_first(execute, sql, params, many, context):
    """Any other statement in a `batched()` block (the ORM's, a savepoint's) runs as it
    would without the block, after the waiting writes were sent and answered: its errors
    stay its own, and it may be what a pipeline cannot carry (a server-side cursor). A
    rollback to a savepoint drops them instead: they came after it (every savepoint
    statement sends or drops what waits), so they would be undone."""
    if _waiting.writes:
        if sql.startswith("ROLLBACK TO SAVEPOINT"):
            _waiting.writes = []
        else:
            _send_waiting(context["connection"])
    return execute(sql, params, many, context)


@contextmanager
def batched():
    """Inside, on PostgreSQL, the writes of `PreparedInsert` and `update_singleton` wait,
    and go to the database in one round trip with the next statement of this module (a
    prepared read, a singleton's lock, a `PreparedUpdate`); before any other statement
    (the ORM's, a savepoint's) they are sent on their own; what is left goes as the block
    ends. Statements reach the database in the order written, with fewer waits for the
    server. Elsewhere it changes nothing.

    What differs: a waiting row's id is unknown until it is sent, and a failed write
    fails the statement that took it. Inside a transaction only. A block that raises with
    writes still waiting marks its transaction for rollback; so does a failed write,
    which the block raises again as it ends if a caller caught it: nothing is committed
    half written."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    if wrapper.vendor != "postgresql" or _waiting.writes is not None:  # elsewhere, or already batched
        yield
        return
    if wrapper.get_autocommit():
        raise TransactionManagementError("batched() needs a transaction: a write may wait in it.")
    _waiting.writes, _waiting.failed = [], None
    try:
        with wrapper.execute_wrapper(_send_first):
            yield
            if _waiting.writes:
                _send_waiting(wrapper)
        if _waiting.failed is not None:
            raise _waiting.failed
    except BaseException:
        if _waiting.writes:
            wrapper.set_rollback(True)
        raise
    finally:
        _waiting.writes, _waiting.failed = None, None


def _table_and_row(model) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), f"{quote(model._meta.pk.column)} = 1"


@functools.cache
def _select_sql(model, vendor: str) -> tuple[str, list[str]]:
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table, row = _table_and_row(model)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT {columns} FROM {table} WHERE {row}{lock}", [f.attname for f in fields]


def _locked_row(model):
    sql, attnames = _select_sql(model, connection.vendor)
    cursor = kept_cursor()
    _sent_with_waiting(connections[DEFAULT_DB_ALIAS], lambda: cursor.execute(sql))
    rows = cursor.fetchall()
    return model.from_db(connection.alias, attnames, rows[0]) if rows else None


def lock_singleton(model):
    """Lock (SELECT ... FOR UPDATE) the one row of `model`, creating it on first use.

    Serialises writers that must form one line (the audit chain, serial numbers) without
    a savepoint on the common path. For rows of numbers and text (values are not converted).
    """
    row = _locked_row(model)
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model.objects.create(pk=1)
    except IntegrityError:
        # another transaction created it first; wait for and lock the one it made
        return _locked_row(model)


def update_singleton(model, **values) -> None:
    """Write `values` to the one row of `model`, locked earlier by `lock_singleton`."""
    fields = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    table, row = _table_and_row(model)
    _write(
        connections[DEFAULT_DB_ALIAS],
        f"UPDATE {table} SET {assignments} WHERE {row}",
        [f.get_db_prep_save(values[f.name], connection) for f in fields],
    )


def increment_singleton(model, field: str) -> int:
    """Add one to `field` of `model`'s one row and return the new value: one locking
    `UPDATE ... RETURNING` (SQLite 3.35+, PostgreSQL), the row held until the
    transaction ends."""
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    table, row = _table_and_row(model)
    sql = f"UPDATE {table} SET {column} = {column} + 1 WHERE {row} RETURNING {column}"
    cursor = kept_cursor()
    _sent_with_waiting(connections[DEFAULT_DB_ALIAS], lambda: cursor.execute(sql))
    rows = cursor.fetchall()
    if not rows:
        lock_singleton(model)
        cursor.execute(sql)
        rows = cursor.fetchall()
    return rows[0][0]


def keep_loaded(instance, relation: str, rows: list) -> None:
    """Keep `rows` where `instance.<relation>.all()` finds them, without a query, as
    after `prefetch_related(relation)` (Django keeps them in the same place)."""
    kept = getattr(instance, relation).all()  # not evaluated: the relation's own queryset
    kept._result_cache, kept._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = kept


def loaded(instance, relation: str) -> list | None:
    """The rows of `instance.<relation>` kept by `keep_loaded` or `prefetch_related`, or
    None when `instance.<relation>.all()` would query."""
    kept = instance.__dict__.get("_prefetched_objects_cache", {}).get(relation)
    return None if kept is None else list(kept)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    arity: int
    parameters: tuple  # per parameter: (the index of the value it takes, or None; its value then)
    adapters: tuple  # per value: how the database takes it, or None when as it is
    locks: bool
    model: type
    start: int
    end: int
    init_list: list
    populators: list
    converters: list
    annotations: dict  # attribute -> column, for annotate()


class PreparedQuery:
    """A SELECT of model instances that the ORM compiles once per connection (of the
    default database, the project's only one).

    `build(*values)` returns the queryset for the given values (ids, or text such as a
    token's hash, each compared with `=`; aware datetimes compared with a datetime
    column). On a connection's first use it is built with stand-ins and compiled; the
    SQL, where each value goes, the columns and their converters are kept. Every later use executes that SQL and builds instances the way
    Django's own `ModelIterable` does (`from_db`, the `select_related` objects, the
    annotations): what a query costs without the ORM compiling it again, a quarter of the
    time or less.

        LOCKED_LINK = PreparedQuery(lambda pk: SignatureLink.objects.select_for_update().filter(pk=pk))
        link = LOCKED_LINK.get(pk)
    """

    def __init__(self, build):
        self._build = build
        self._compiled = weakref.WeakKeyDictionary()  # connection -> _Compiled

    def _compile(self, wrapper, values: tuple) -> _Compiled:
        markers = [_marker(value, place) for place, value in enumerate(values)]
        adapters = tuple(_adapter(wrapper, value) for value in values)
        adapted = [marker if adapt is None else adapt(marker) for marker, adapt in zip(markers, adapters, strict=True)]
        queryset = self._build(*markers)
        compiler = queryset.query.get_compiler(connection=wrapper)
        sql, params = compiler.as_sql()
        slots = tuple(adapted.index(p) if type(p) in (int, str, datetime) and p in adapted else None for p in params)
        if sorted(s for s in slots if s is not None) != list(range(len(values))):
            raise ValueError(f"every value must appear once, as it is, as a parameter of the query: {sql}")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            arity=len(values),
            parameters=tuple(zip(slots, params, strict=True)),
            adapters=adapters,
            locks=bool(queryset.query.select_for_update and wrapper.features.has_select_for_update),
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[column[0].target.attname for column in select[start:end]],
            populators=get_related_populators(klass_info, select, wrapper.alias),
            converters=list(compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()),
            annotations=dict(compiler.annotation_col_map or {}),
        )

    def _compiled_for(self, wrapper, values: tuple) -> _Compiled:
        compiled = self._compiled.get(wrapper)
        if compiled is None:
            compiled = self._compiled[wrapper] = self._compile(wrapper, values)
        return compiled

    def all(self, *values: int | str | datetime) -> list:
        """The instances the query finds for `values`, in its order."""
        [found] = together((self, values))
        return found

    def _send(self, wrapper, values: tuple, place: int = 0):
        """Execute the query for `values`, on the kept cursor of its `place` among queries
        sent together: its compiled form and that cursor."""
        compiled = self._compiled_for(wrapper, values)
        dated = [isinstance(value, datetime) for value in values]
        if dated != [adapt is not None for adapt in compiled.adapters] or not all(map(_is_value, values)):
            raise TypeError(
                f"this prepared query takes {compiled.arity} values like those it was built with: {values!r}"
            )
        if compiled.locks and wrapper.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        adapted = [
            value if adapt is None else adapt(value) for value, adapt in zip(values, compiled.adapters, strict=True)
        ]
        params = [constant if slot is None else adapted[slot] for slot, constant in compiled.parameters]
        cursor = kept_cursor(wrapper, place)
        cursor.execute(compiled.sql, params)
        return compiled, cursor

    @staticmethod
    def _instances(wrapper, compiled: _Compiled, rows) -> list:
        instances = []
        for row in rows:
            if compiled.converters:
                row = list(row)
                for position, (converters, expression) in compiled.converters:
                    value = row[position]
                    for convert in converters:
                        value = convert(value, expression, wrapper)
                    row[position] = value
            instance = compiled.model.from_db(wrapper.alias, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for attribute, position in compiled.annotations.items():
                setattr(instance, attribute, row[position])
            instances.append(instance)
        return instances

    def first(self, *values: int | str | datetime):
        """The first instance the query finds, or None."""
        found = self.all(*values)
        return found[0] if found else None

    def get(self, *values: int | str | datetime):
        """The one instance the query finds, or the model's `DoesNotExist`."""
        found = self.all(*values)
        if len(found) == 1:
            return found[0]
        model = self._compiled_for(connections[DEFAULT_DB_ALIAS], values).model
        if not found:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        raise model.MultipleObjectsReturned(f"get() returned more than one {model._meta.object_name}")


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    compiler: object  # lays the rows' values out as the statement takes them
    returns_ids: bool


class PreparedInsert:
    """INSERTs of one model's new rows that the ORM compiles once per connection and
    number of rows: the writing sibling of `PreparedQuery`.

    The first time, Django's insert compiler writes the statement, with the conflict
    clause asked for (as `bulk_create` takes it); later, the rows' values are only
    prepared as `bulk_create` prepares them (`pre_save`, `get_db_prep_save`) and the
    statement executed. Each row gets its id (`RETURNING`: SQLite 3.35+, PostgreSQL),
    except with a conflict clause, where a row may not be inserted at all (as
    `bulk_create(ignore_conflicts=True)`). Values are plain values, never expressions,
    whose SQL could change from row to row. More than `BATCH` rows go in several
    statements, in one transaction, as `bulk_create` sends them.

        FLAGS = PreparedInsert(Flag, on_conflict=OnConflict.IGNORE)
        FLAGS.insert([Flag(application=filing, code="high_volume_filer")])
    """

    def __init__(
        self,
        model,
        *,
        on_conflict: OnConflict | None = None,
        unique_fields: tuple[str, ...] = (),
        update_fields: tuple[str, ...] = (),
    ):
        meta = model._meta
        self.model = model
        self._fields = [f for f in meta.concrete_fields if not f.generated and f is not meta.auto_field]
        self._conflict = on_conflict, unique_fields, update_fields
        self._compiled = weakref.WeakKeyDictionary()  # connection -> {number of rows: _CompiledInsert}

    # rows in one statement at most: few statements kept per connection, and inside every
    # database's limit on parameters
    BATCH = 100

    def _compile(self, wrapper, objs: list) -> _CompiledInsert:
        meta = self.model._meta
        on_conflict, unique_fields, update_fields = self._conflict
        query = InsertQuery(
            self.model,
            on_conflict=on_conflict,
            unique_fields=[meta.get_field(name) for name in unique_fields],
            update_fields=[meta.get_field(name) for name in update_fields],
        )
        query.insert_values(self._fields, objs, raw=True)  # raw: the values as they are, no pre_save
        compiler = query.get_compiler(connection=wrapper)
        # rows laid out as VALUES (...), (...), never as PostgreSQL's UNNEST of one array
        # per column: that spares planning a large insert, which a prepared statement
        # does not need, and took twice as long for the two audit events of a submission
        compiler.assemble_as_sql = functools.partial(SQLInsertCompiler.assemble_as_sql, compiler)
        returns_ids = bool(
            meta.auto_field and on_conflict is None and wrapper.features.can_return_rows_from_bulk_insert
        )
        compiler.returning_fields = [meta.auto_field] if returns_ids else None
        [(sql, _)] = compiler.as_sql()
        query.objs = []  # the compiler is kept for laying out values, not these rows
        return _CompiledInsert(sql, compiler, returns_ids)

    def _compiled_for(self, wrapper, objs: list) -> _CompiledInsert:
        by_rows = self._compiled.setdefault(wrapper, {})
        if len(objs) not in by_rows:
            by_rows[len(objs)] = self._compile(wrapper, objs)
        return by_rows[len(objs)]

    def insert(self, objs: list) -> None:
        """Insert `objs`, new instances of the model: one statement for each `BATCH` rows."""
        wrapper = connections[DEFAULT_DB_ALIAS]
        rows = []
        for obj in objs:
            if type(obj) is not self.model or not obj._state.adding:
                raise TypeError(f"a prepared insert takes new {self.model.__name__} instances, not {obj!r}")
            obj._prepare_related_fields_for_save(operation_name="insert")
            values = [field.pre_save(obj, add=True) for field in self._fields]
            if any(hasattr(value, "resolve_expression") for value in values):
                raise TypeError(f"a prepared insert takes plain values, not expressions: {obj!r}")
            rows.append([f.get_db_prep_save(v, connection=wrapper) for f, v in zip(self._fields, values, strict=True)])
        if len(rows) <= self.BATCH:
            if rows:
                self._execute(wrapper, objs, rows)
            return
        with transaction.atomic(using=wrapper.alias, savepoint=False):  # all the rows or none
            for start in range(0, len(rows), self.BATCH):
                self._execute(wrapper, objs[start : start + self.BATCH], rows[start : start + self.BATCH])

    def _execute(self, wrapper, objs: list, rows: list) -> None:
        compiled = self._compiled_for(wrapper, objs)
        _, params = compiled.compiler.assemble_as_sql(self._fields, rows)

        def done(cursor):
            if compiled.returns_ids:
                for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                    obj.pk = pk
            for obj in objs:
                obj._state.adding, obj._state.db = False, wrapper.alias

        _write(wrapper, compiled.sql, tuple(chain.from_iterable(params)), done)


def together(*queries: tuple[PreparedQuery, tuple]) -> list[list]:
    """The instances each `(PreparedQuery, values)` pair finds, the queries sent to the
    database together: on PostgreSQL in one round trip (psycopg's pipeline mode), each
    statement still on its own; elsewhere one after the other.

        filing, goods = together((LOCKED_FILING, (pk,)), (GOODS, (pk,)))

    Five small reads by id took 0.40 ms sent together against 0.85 one after another,
    with less CPU on both sides (`python -m bench.roundtrips`, DECISIONS 36). Only reads
    whose values are known before any of them runs can go together."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.close_if_health_check_failed()  # before the pipeline: the check is a statement of its own
    wrapper.ensure_connection()

    def send():
        return [query._send(wrapper, values, place) for place, (query, values) in enumerate(queries)]

    # on PostgreSQL, in one pipeline with any writes waiting in a batched() block
    pipelined = wrapper.vendor == "postgresql" and (len(queries) > 1 or _waiting.writes)
    sent = _send_waiting(wrapper, send) if pipelined else send()
    with wrapper.wrap_database_errors:
        return [PreparedQuery._instances(wrapper, compiled, cursor.fetchall()) for compiled, cursor in sent]


class PreparedUpdate:
    """An UPDATE of chosen fields of one row, written once per connection: the row found
    by its id and by the values `where` fields must still have (a state machine's state
    as read, as `ConcurrentTransitionMixin` checks it). When no row is found so, `update()`
    raises `missing`. Expected values are compared with `=`, so None never matches.

        SUBMITTED = PreparedUpdate(Application, ("state", "serial_number"), where=("state",),
                                   missing=ConcurrentTransition)
        SUBMITTED.update(filing, state=state_as_read)

    Values are prepared as `save()` prepares them (`pre_save`, then `get_db_prep_save`),
    so `auto_now` fields are stamped; no signals are sent."""

    def __init__(self, model, fields: tuple[str, ...], *, where: tuple[str, ...] = (), missing=None):
        meta = model._meta
        self.model = model
        self.missing = missing or model.DoesNotExist
        self._fields = [meta.get_field(name) for name in fields]
        self._where = [meta.pk] + [meta.get_field(name) for name in where]
        self._sql = weakref.WeakKeyDictionary()  # connection -> SQL

    def _sql_for(self, wrapper) -> str:
        sql = self._sql.get(wrapper)
        if sql is None:
            quote = wrapper.ops.quote_name
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in self._fields)
            conditions = " AND ".join(f"{quote(f.column)} = %s" for f in self._where)
            sql = self._sql[wrapper] = f"UPDATE {quote(self.model._meta.db_table)} SET {assignments} WHERE {conditions}"
        return sql

    def update(self, obj, **expected) -> None:
        """Write the fields of `obj`, a saved instance, where its row still has `expected`."""
        if type(obj) is not self.model or obj._state.adding:
            raise TypeError(f"a prepared update takes saved {self.model.__name__} instances, not {obj!r}")
        if set(expected) != {f.name for f in self._where[1:]} or None in expected.values():
            raise TypeError(f"expected values, not None, are needed for exactly {[f.name for f in self._where[1:]]}")
        wrapper = connections[DEFAULT_DB_ALIAS]
        values = [f.get_db_prep_save(f.pre_save(obj, add=False), connection=wrapper) for f in self._fields]
        expected[self._where[0].name] = obj.pk
        found = [f.get_db_prep_value(expected[f.name], wrapper) for f in self._where]
        cursor = kept_cursor(wrapper)
        # its answer is needed here: sent at once, with any writes waiting in a batched() block
        _sent_with_waiting(wrapper, lambda: cursor.execute(self._sql_for(wrapper), values + found))
        if cursor.rowcount != 1:
            raise self.missing(f"{self.model._meta.object_name} {obj.pk} is not as read: not written")

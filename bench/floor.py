"""(d) The floor of a submission: the statements `submit_filing` sends, in its round trips,
with nothing else: no model instances, no rules, no signing, no hashing. No change to the
Python can take a submission below this while it sends these statements; section 1
measures it beside (b) and (c) over HTTP, on PostgreSQL.

The statements are the submission's own: a process's first floor request submits its
filing for real (as the account it names; later requests are that account's) and keeps
what each statement said and the values it took. Every later request replays those
texts with its own filing's values, found by the column each value is for: its id, serial
number, applicant and place in the audit chain. The rest stays the first one's: the
times, the receipt's digests and signature, the audit events' hashes (so the bench
database's audit chain does not verify). When the submission's statements change,
`SHAPE` must follow: that first request says so.
"""

import re
from dataclasses import dataclass

from django.db import connection, transaction
from psycopg.types.json import Jsonb

from accounts.models import User
from applications.models import Application, applicant_key
from applications.services import serial_number, submit_filing

# (verb, table) of each statement, in order, as `submit_filing` sends them on PostgreSQL
# for a busy attorney's filing that gets a flag; `submit` sends them in the same round trips
SHAPE = (
    ("SELECT", "applications_application"),
    ("SELECT", "applications_goodsentry"),
    ("SELECT", "applications_signature"),
    ("SELECT", "applications_flag"),
    ("SELECT", "accounts_baradmission"),
    ("INSERT", "applications_submitterapplicant"),
    ("SELECT", "applications_submitterapplicant"),
    ("INSERT", "applications_flag"),
    ("UPDATE", "applications_serialcounter"),
    ("UPDATE", "applications_application"),
    ("INSERT", "applications_receipt"),
    ("SELECT", "tmverify_audithead"),
    ("INSERT", "tmverify_auditevent"),
    ("UPDATE", "tmverify_audithead"),
)
NOTE, HIGH_VOLUME, FLAG, SERIAL, FILING, RECEIPT, HEAD, EVENTS, HEAD_UPDATE = range(5, 14)
READS = (0, 1, 2, 3, 4)  # the filing, its goods, signatures, flags and bar admissions


def _top_level(sql: str, keyword: str) -> int:
    """Where `keyword` first stands in `sql` outside parentheses (not in a subquery)."""
    depth = 0
    for at, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(keyword, at):
            return at
    raise ValueError(f"no {keyword.strip()} in {sql[:80]}")


def _shape(sql: str) -> tuple[str, str]:
    verb = sql.split(None, 1)[0]
    table = sql[_top_level(sql, {"SELECT": " FROM ", "INSERT": " INTO "}.get(verb, " ")) :]
    return verb, table.split('"')[1]


def _columns(sql: str) -> list[str]:
    """What each value of a statement is for: the column of each `%s` of an INSERT (row
    after row) or an UPDATE (its SET, then its WHERE)."""
    if sql.startswith("INSERT"):
        columns = re.findall(r'"(\w+)"', sql[sql.index("(") : sql.index(")")])
        return columns * (sql.count("%s") // len(columns))
    return re.findall(r'"(\w+)" = %s', sql)


@dataclass(frozen=True)
class Recorded:
    serial: str  # the first filing's
    statements: list  # (SQL, values, the column of each value) of each statement
    applicant_name: int  # its place in the filing's row


def _record(actor_id: int, pk: int) -> Recorded:
    """Submit filing `pk` for real; what each statement said, with its values."""
    statements = []

    def keep(execute, sql, params, many, context):
        if sql.split(None, 1)[0] in ("SELECT", "INSERT", "UPDATE", "DELETE"):  # not a savepoint's
            statements.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        filing = submit_filing(User(pk=actor_id), Application(pk=pk))
    shape = tuple(_shape(sql) for sql, _ in statements)
    if shape != SHAPE or any(statements[index][1][-1] != pk for index in READS):
        raise RuntimeError(f"submit_filing's statements changed; bench/floor.py must follow them: {shape}")
    filing_read = statements[READS[0]][0]
    selected = filing_read[len("SELECT ") : _top_level(filing_read, " FROM ")].split(", ")
    # what is worked out once: each statement's columns, and where the applicant's name is
    return Recorded(
        serial=filing.serial_number,
        statements=[(sql, values, _columns(sql)) for sql, values in statements],
        applicant_name=selected.index('"applications_applicant"."name"'),
    )


def _at(columns: list[str], column: str, row: int = 0) -> int:
    """Where the value for `column` is, in the `row`th row."""
    return [index for index, name in enumerate(columns) if name == column][row]


def _with_serial(data: Jsonb, serial: str) -> Jsonb:
    return Jsonb(dict(data.obj, serial_number=serial)) if "serial_number" in data.obj else data


def _values(statement: tuple, index: int, pk: int, found: dict) -> list:
    """The values of the statement `index` for filing `pk`: the recorded ones, with what is
    this filing's (and what the earlier round trips of this request found) put in."""
    values, columns = list(statement[1]), statement[2]
    if index in READS:  # by the filing's id, the last value (the record checked it)
        values[-1] = pk
    elif index == NOTE:
        values[_at(columns, "applicant_key")] = applicant_key(found["applicant"])
    elif index == FLAG:
        values[_at(columns, "application_id")] = pk
    elif index == FILING:
        values[_at(columns, "id")], values[_at(columns, "serial_number")] = pk, found["serial"]
    elif index == RECEIPT:
        values[_at(columns, "application_id")] = pk
        values[_at(columns, "payload")] = _with_serial(values[_at(columns, "payload")], found["serial"])
    elif index == EVENTS:
        seq, previous = found["head"]
        for row in range(columns.count("seq")):
            values[_at(columns, "seq", row)], values[_at(columns, "prev_hash", row)] = seq + 1 + row, previous
            values[_at(columns, "subject_id", row)] = str(pk)
            data = _at(columns, "data", row)
            values[data] = _with_serial(values[data], found["serial"])
            previous = values[_at(columns, "hash", row)]
        found["last_seq"] = seq + columns.count("seq")
    elif index == HEAD_UPDATE:
        values[_at(columns, "seq")] = found["last_seq"]
    return values


def _trip(pg, statements: list, indices: tuple, pk: int, found: dict) -> list:
    """Send the statements `indices` in one round trip; their cursors."""
    cursors = [pg.cursor() for _ in indices]
    with connection.wrap_database_errors, pg.pipeline():
        for index, cursor in zip(indices, cursors, strict=True):
            cursor.execute(statements[index][0], _values(statements[index], index, pk, found))
    return cursors


_recorded = []  # this process's, once


def submit(actor_id: int, pk: int) -> str:
    """Submit filing `pk` with the submission's statements alone; its serial number."""
    if not _recorded:
        _recorded.append(_record(actor_id, pk))
        return _recorded[0].serial
    recorded = _recorded[0]
    statements, found = recorded.statements, {}
    with transaction.atomic():
        pg = connection.connection
        reads = _trip(pg, statements, READS, pk, found)
        # every row comes into Python, as any way of submitting needs them
        filings, *_ = [cursor.fetchall() for cursor in reads]
        if not filings:
            raise RuntimeError(f"no such filing: {pk}")
        found["applicant"] = filings[0][recorded.applicant_name]
        _trip(pg, statements, (NOTE, HIGH_VOLUME), pk, found)[1].fetchall()
        found["serial"] = serial_number(_trip(pg, statements, (FLAG, SERIAL), pk, found)[1].fetchone()[0])
        if _trip(pg, statements, (FILING,), pk, found)[0].rowcount != 1:
            raise RuntimeError(f"filing {pk} was not signed")
        found["head"] = _trip(pg, statements, (RECEIPT, HEAD), pk, found)[1].fetchone()[1:]
        _trip(pg, statements, (EVENTS, HEAD_UPDATE), pk, found)  # then COMMIT
    return found["serial"]

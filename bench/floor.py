"""(d) The floor of a submission: the statements `submit_filing` sends, in its round trips,
with nothing else: no model instances, no rules, no signing, no hashing. No change to the
Python can take a submission below this while it sends these statements; section 1
measures it beside (b) and (c) over HTTP, on PostgreSQL.

The statements are the submission's own: a process's first floor request submits its
filing for real and keeps what each statement said and the values it took; every later
request replays those texts with its own filing's values (the receipt and the audit
events keep the first one's digests, signature and hashes). When the submission's
statements change, `SHAPE` and `_values` must follow: that first request says so.
"""

from django.db import connection, transaction
from psycopg.types.json import Jsonb

from accounts.models import User
from applications.models import Application, applicant_key
from applications.services import submit_filing

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


def _shape(sql: str) -> tuple[str, str]:
    verb = sql.split(None, 1)[0]
    after = {"SELECT": " FROM ", "INSERT": "INSERT INTO ", "UPDATE": "UPDATE "}.get(verb, " ")
    return verb, sql.split(after, 1)[1].split('"')[1] if after in sql else ""


def _record(actor_id: int, pk: int) -> tuple:
    """Submit filing `pk` for real; what each statement said, with its values."""
    statements = []

    def keep(execute, sql, params, many, context):
        if sql.split(None, 1)[0] in ("SELECT", "INSERT", "UPDATE", "DELETE"):  # not a savepoint's
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        filing = submit_filing(User(pk=actor_id), Application(pk=pk))
    shape = tuple(_shape(sql) for sql, _ in statements)
    if shape != SHAPE:
        raise RuntimeError(f"submit_filing's statements changed; bench/floor.py must follow them: {shape}")
    return filing.serial_number, statements


def _values(recorded: tuple, index: int, pk: int, found: dict) -> list:
    """Statement `index`'s values for filing `pk`, from the recorded ones and what the
    earlier round trips of this request found."""
    first_serial, statements = recorded
    values = list(statements[index][1] or ())
    if index in READS:  # the filing's id comes last (WHERE ... = %s)
        return [*values[:-1], pk]
    if index == NOTE:  # the submitter's
        return [values[0], applicant_key(found["applicant"]), values[2]]
    if index == FLAG:
        return [pk, *values[1:]]
    if index == FILING:  # its UPDATE
        values[-2] = pk  # WHERE id = %s AND state = %s
        return [found["serial"] if v == first_serial else v for v in values]
    if index == RECEIPT:
        return [pk, Jsonb(dict(values[1].obj, serial_number=found["serial"])), *values[2:]]
    if index == EVENTS:  # two rows of 13 values
        seq, last = found["head"]
        width = len(values) // 2
        for row in range(2):
            values[row * width] = seq + 1 + row
            values[row * width + 6] = str(pk)
            values[row * width + 11] = last if row == 0 else values[width - 1]
        values[-3] = Jsonb(dict(values[-3].obj, serial_number=found["serial"]))
        return values
    if index == HEAD_UPDATE:
        return [found["head"][0] + 2, values[1]]
    return values  # the same for every filing of the bench attorney


def _trip(pg, recorded: tuple, indices: tuple, pk: int, found: dict) -> list:
    cursors = [pg.cursor() for _ in indices]
    with pg.pipeline():
        for index, cursor in zip(indices, cursors, strict=True):
            cursor.execute(recorded[1][index][0], _values(recorded, index, pk, found), prepare=True)
    return cursors


_recorded = []  # this process's, once


def submit(actor_id: int, pk: int) -> str:
    """Submit filing `pk` with the submission's statements alone; its serial number."""
    if not _recorded:
        _recorded.append(_record(actor_id, pk))
        return _recorded[0][0]
    recorded = _recorded[0]
    with transaction.atomic():
        pg = connection.connection
        found = {}
        reads = _trip(pg, recorded, READS, pk, found)
        # every row comes into Python, as any way of submitting needs them
        [filing], *_ = [cursor.fetchall() for cursor in reads]
        found["applicant"] = filing[[column.name for column in reads[0].description].index("name")]
        _trip(pg, recorded, (NOTE, HIGH_VOLUME), pk, found)[1].fetchall()
        found["serial"] = f"{_trip(pg, recorded, (FLAG, SERIAL), pk, found)[1].fetchone()[0]:08d}"
        if _trip(pg, recorded, (FILING,), pk, found)[0].rowcount != 1:
            raise RuntimeError(f"filing {pk} was not signed")
        _, seq, last = _trip(pg, recorded, (RECEIPT, HEAD), pk, found)[1].fetchone()
        found["head"] = (seq, last)
        _trip(pg, recorded, (EVENTS, HEAD_UPDATE), pk, found)  # then COMMIT
    return found["serial"]

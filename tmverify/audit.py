"""The audit log: every state change and refusal, hash-chained so tampering shows.

`record()` must run inside the transaction of the change it describes. Inside
`audit.atomic()` the events wait in memory and are appended together just before the
block commits: the chain head is locked once, for the shortest time, and a block that
rolls back leaves no event. Elsewhere `record()` appends at once. Either way the head is
locked, so appends from concurrent transactions form one line.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from tmverify import clock
from tmverify.crypto import canonical_json, constant_time_equal, sha256_hex
from tmverify.models import AuditEvent, AuditHead
from tmverify.reasons import Refused

GENESIS = "0" * 64


def _payload(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": str(event.subject_id),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reasons": event.reasons,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


def compute_hash(event: AuditEvent) -> str:
    return sha256_hex(canonical_json(_payload(event)))


class _Pending(threading.local):
    """Per thread: one list of waiting events for each open `atomic()` block, and the
    savepoint depth at which that block records."""

    def __init__(self):
        self.blocks: list[list[AuditEvent]] = []
        self.depths: list[int] = []


_pending = _Pending()


@contextmanager
def atomic():
    """`transaction.atomic()` whose audit events are appended in one go as it ends.

    A nested block hands its events to the enclosing one; a block that raises drops its
    own events with its changes."""
    with transaction.atomic():
        _pending.blocks.append([])
        _pending.depths.append(len(connection.savepoint_ids))
        try:
            yield
        except BaseException:
            _pending.blocks.pop()
            _pending.depths.pop()
            raise
        events = _pending.blocks.pop()
        _pending.depths.pop()
        if _pending.blocks:
            _pending.blocks[-1].extend(events)
        elif events:
            _append(events)


def _append(events: list[AuditEvent]) -> None:
    """Link `events` to the chain, in order, under the head's lock: one locking read of
    the head (created on first use; a concurrent first append waits for the one that
    created it), one insert of the events, one update of the head."""
    # a transaction of its own when called outside one; inside one, no savepoint
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        for event in events:
            head.seq += 1
            event.seq, event.prev_hash = head.seq, head.last_hash
            event.hash = head.last_hash = compute_hash(event)
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "last_hash"])


def record(
    action: str,
    subject,
    *,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    reasons=(),
    data: dict | None = None,
) -> AuditEvent:
    """Append one event; `subject` is a model instance (type and pk are taken from it).

    Inside `atomic()` the event gets its place in the chain when the block ends."""
    now = clock.now()
    event = AuditEvent(
        # milliseconds: what Django's JSON serializer keeps, so dumpdata/loaddata
        # round-trips the hashed content exactly
        at=now.replace(microsecond=now.microsecond // 1000 * 1000),
        actor_id=getattr(actor, "pk", None),
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        subject_type=subject._meta.model_name,
        subject_id=str(subject.pk),
        from_state=from_state or "",
        to_state=to_state or "",
        reasons=[getattr(r, "code", r) for r in reasons],
        data=data or {},
    )
    if not _pending.blocks:
        _append([event])
    elif _pending.depths[-1] != len(connection.savepoint_ids):
        # a plain savepoint inside atomic() could roll back and leave the event behind
        raise RuntimeError("audit.record() inside transaction.atomic() nested in audit.atomic(): use audit.atomic()")
    else:
        _pending.blocks[-1].append(event)
    return event


def trail(subject):
    return AuditEvent.objects.filter(subject_type=subject._meta.model_name, subject_id=str(subject.pk))


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order and report the first broken link, if any."""
    previous = GENESIS
    expected_seq = None
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if expected_seq is not None and event.seq != expected_seq:
            return ChainReport(False, checked, event.seq, f"event #{expected_seq} is missing")
        if not constant_time_equal(event.prev_hash, previous):
            return ChainReport(False, checked, event.seq, "its link to the previous event does not match")
        if not constant_time_equal(compute_hash(event), event.hash):
            return ChainReport(False, checked, event.seq, "its content does not match its hash (edited)")
        previous = event.hash
        expected_seq = event.seq + 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    # an emptied log leaves the head behind: compare even when nothing was checked
    if head is not None and head.seq and head.last_hash != previous:
        return ChainReport(False, checked, head.seq, "the newest events were removed")
    return ChainReport(True, checked)


@contextmanager
def refusals_recorded(action: str, subject, actor):
    """Audit a refusal of `action` after its transaction rolled back, then re-raise it.

    Use it outside the service's `transaction.atomic()`, so the refusal is the only trace
    a refused step leaves.
    """
    try:
        yield
    except Refused as exc:
        with atomic():
            record(
                f"{action}.refused",
                subject,
                actor=actor,
                reasons=exc.reasons,
                data={"messages": [r.message for r in exc.reasons]},
            )
        raise

"""The audit log: every state change and refusal, hash-chained so tampering shows.

`record()` must run inside the transaction of the change it describes. Inside
`audit.atomic()` the events wait in memory and are appended together just before the
block commits: the chain head is locked once, for the shortest time, and a block that
rolls back leaves no event. Elsewhere `record()` appends at once. Either way the head is
locked, so appends from concurrent transactions form one line.

A hash chain alone can be rewritten by anyone who can write the table: edit an event,
recompute every later hash. So the head is signed with the office key (Ed25519) at every
receipt (the receipt carries it out of the database, to the filer) and at checkpoints
(every AUDIT_CHECKPOINT_EVERY events, and `manage.py audit_checkpoint`); `verify_chain`
checks the chain against those signatures.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from tmverify import clock, crypto
from tmverify.crypto import canonical_json, constant_time_equal, sha256_hex
from tmverify.models import AuditCheckpoint, AuditEvent, AuditHead
from tmverify.reasons import Refused

GENESIS = "0" * 64
# what the office signs for a head: labelled and versioned, so that no other message the
# office key signs (a receipt) can pass for it, nor it for one (docs/DECISIONS.md 50)
HEAD_FORMAT, HEAD_VERSION = "tmverify.audit_head", 1


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


def head_message(seq: int, hash_: str) -> bytes:
    return canonical_json({"format": HEAD_FORMAT, "version": HEAD_VERSION, "seq": seq, "hash": hash_})


def sign_head(seq: int, hash_: str) -> str:
    return crypto.sign(crypto.office_key(), head_message(seq, hash_))


def head_signature_valid(seq, hash_, signature, public_key=None) -> bool:
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(hash_, str):
        return False
    return crypto.verify(public_key or crypto.office_public_key(), head_message(seq, hash_), signature)


def signed_head(event: AuditEvent) -> dict:
    """The chain's head right after `event` (linked), signed: what a receipt carries."""
    return {"seq": event.seq, "hash": event.hash, "signature": sign_head(event.seq, event.hash)}


class _Pending(threading.local):
    """Per thread: for each open `atomic()` block, its waiting events, what runs once they
    are linked, and the savepoint depth at which that block records."""

    def __init__(self):
        self.blocks: list[list[AuditEvent]] = []
        self.linked: list[list] = []
        self.depths: list[int] = []


_pending = _Pending()


@contextmanager
def atomic():
    """`transaction.atomic()` whose audit events are appended in one go as it ends.

    A nested block hands its events to the enclosing one; a block that raises drops its
    own events with its changes."""
    with transaction.atomic():
        _pending.blocks.append([])
        _pending.linked.append([])
        _pending.depths.append(len(connection.savepoint_ids))
        try:
            yield
        except BaseException:
            _pending.blocks.pop()
            _pending.linked.pop()
            _pending.depths.pop()
            raise
        events, linked = _pending.blocks.pop(), _pending.linked.pop()
        _pending.depths.pop()
        if _pending.blocks:
            _pending.blocks[-1].extend(events)
            _pending.linked[-1].extend(linked)
        else:
            if events:
                _append(events)
            for callback in linked:
                callback()


def when_linked(callback) -> None:
    """Run `callback()` once the events recorded so far have their place in the chain
    (their `seq` and `hash`), in the same transaction: at once outside `atomic()`, else
    when the outermost block appends them (a receipt signs the head of its submission)."""
    if _pending.blocks:
        _pending.linked[-1].append(callback)
    else:
        callback()


def _append(events: list[AuditEvent]) -> None:
    """Link `events` to the chain, in order, under the head's lock: one locking read of
    the head (created on first use; a concurrent first append waits for the one that
    created it), one insert of the events, one update of the head; and, when the events
    pass a multiple of AUDIT_CHECKPOINT_EVERY, one insert of the signed checkpoints."""
    every = settings.AUDIT_CHECKPOINT_EVERY
    checkpoints = []
    # a transaction of its own when called outside one; inside one, no savepoint
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        for event in events:
            head.seq += 1
            event.seq, event.prev_hash = head.seq, head.last_hash
            event.hash = head.last_hash = compute_hash(event)
            if event.seq % every == 0:
                checkpoints.append(_checkpoint(event.seq, event.hash))
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "last_hash"])
        if checkpoints:
            AuditCheckpoint.objects.bulk_create(checkpoints)


def _checkpoint(seq: int, hash_: str) -> AuditCheckpoint:
    return AuditCheckpoint(seq=seq, hash=hash_, signature=sign_head(seq, hash_), at=clock.now())


def checkpoint() -> AuditCheckpoint | None:
    """Sign the chain's head now (none for an empty chain); the same checkpoint again when
    nothing was appended since, so it is safe from cron."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None or not head.seq:
            return None
        existing = AuditCheckpoint.objects.filter(seq=head.seq).first()
        if existing is not None:
            return existing
        made = _checkpoint(head.seq, head.last_hash)
        made.save()
        return made


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


def trail_of_cause(subject, other, key: str):
    """`subject`'s own events and those of `other` whose data names it under `key` (a
    paper form's review and the account events it caused), in the chain's order."""
    caused = Q(subject_type=other._meta.model_name, subject_id=str(other.pk), **{f"data__{key}": subject.pk})
    return AuditEvent.objects.filter(Q(subject_type=subject._meta.model_name, subject_id=str(subject.pk)) | caused)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str = ""
    checkpoints: int = 0
    anchors: int = 0


@dataclass(frozen=True)
class Anchor:
    """A signed head kept outside the chain's own table: `source` names it in reports
    (a checkpoint, a receipt file)."""

    source: str
    seq: int
    hash: str
    signature: str


def verify_chain(anchors=(), batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order and report the first broken link, if any: an event edited,
    missing or out of line; a signed head (a checkpoint, or one of `anchors`, as receipts
    carry) that is not the office's, names another event than the chain holds (rewritten),
    or lies beyond its end (truncated); or a stretch of more than AUDIT_CHECKPOINT_EVERY
    events with no checkpoint (a checkpoint removed)."""
    signed: dict[int, list[Anchor]] = {}
    given = list(anchors)
    checkpoints = [Anchor(f"checkpoint #{c.seq}", c.seq, c.hash, c.signature) for c in AuditCheckpoint.objects.all()]
    checkpoint_seqs = {c.seq for c in checkpoints}
    for anchor in checkpoints + given:
        if not head_signature_valid(anchor.seq, anchor.hash, anchor.signature):
            return ChainReport(False, 0, anchor.seq, f"{anchor.source} is not signed with the office key (forged)")
        signed.setdefault(anchor.seq, []).append(anchor)
    every = settings.AUDIT_CHECKPOINT_EVERY
    previous, expected_seq, checked, last_checkpoint, last_signed = GENESIS, None, 0, 0, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if expected_seq is not None and event.seq != expected_seq:
            return ChainReport(False, checked, event.seq, f"event #{expected_seq} is missing")
        if not constant_time_equal(event.prev_hash, previous):
            return ChainReport(False, checked, event.seq, "its link to the previous event does not match")
        if not constant_time_equal(compute_hash(event), event.hash):
            return ChainReport(False, checked, event.seq, "its content does not match its hash (edited)")
        if event.seq - last_checkpoint > every:
            return ChainReport(
                False,
                checked,
                event.seq,
                f"no signed checkpoint after #{last_checkpoint} within {every} events (a checkpoint was removed)",
            )
        for anchor in signed.get(event.seq, ()):
            if not constant_time_equal(anchor.hash, event.hash):
                return ChainReport(
                    False,
                    checked,
                    event.seq,
                    f"{anchor.source} signed another event #{event.seq}: the history after #{last_signed} "
                    "was rewritten",
                )
        if event.seq in signed:
            last_signed = event.seq
        if event.seq in checkpoint_seqs:
            last_checkpoint = event.seq
        previous = event.hash
        expected_seq = event.seq + 1
        checked += 1
    end = expected_seq - 1 if expected_seq else 0
    beyond = [anchor for seq, found in sorted(signed.items()) if seq > end for anchor in found]
    if beyond:
        return ChainReport(
            False,
            checked,
            beyond[0].seq,
            f"{beyond[0].source} signed event #{beyond[0].seq}, but the chain ends at #{end}: "
            "the newest events were removed",
        )
    head = AuditHead.objects.filter(pk=1).first()
    # an emptied log leaves the head behind: compare even when nothing was checked
    if head is not None and head.seq and head.last_hash != previous:
        return ChainReport(False, checked, head.seq, "the newest events were removed")
    return ChainReport(True, checked, checkpoints=len(checkpoints), anchors=len(given))


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

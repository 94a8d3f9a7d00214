"""The audit log: every state change and refusal, hash-chained so tampering shows.

`record()` must run inside the transaction of the change it describes; it locks the
chain head so appends from concurrent transactions form one line.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from tmverify import clock
from tmverify.crypto import canonical_json, constant_time_equal, sha256_hex
from tmverify.db import lock_singleton
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
    """Append one event; `subject` is a model instance (type and pk are taken from it)."""
    head = lock_singleton(AuditHead)
    now = clock.now()
    event = AuditEvent(
        seq=head.seq + 1,
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
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save()
    head.seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["seq", "last_hash"])
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
        with transaction.atomic():
            record(
                f"{action}.refused",
                subject,
                actor=actor,
                reasons=exc.reasons,
                data={"messages": [r.message for r in exc.reasons]},
            )
        raise

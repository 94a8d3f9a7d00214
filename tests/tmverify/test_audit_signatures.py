"""The chain's head is signed with the office key at every receipt and at checkpoints, so
rewriting history takes the key, not just the database (issue 19, point 1): a rewritten
and re-hashed chain, a truncated chain with its head rewound, and a forged checkpoint are
each caught and named, by `verify_chain` and by `verify_audit_chain`."""

import base64
import json
import os

import pytest
from django.core.management import CommandError, call_command

from applications import services as filings
from applications.receipts import receipt_document
from tests.factories import dana, person, signed_by_attorney, verify
from tmverify import audit, crypto
from tmverify.models import AuditCheckpoint, AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(settings):
    """Dana submits a filing (a receipt), then more happens; a checkpoint every 4 events."""
    settings.AUDIT_CHECKPOINT_EVERY = 4
    attorney = dana()
    filing = filings.submit_filing(attorney, signed_by_attorney(attorney))
    for name in ("olga", "oleg", "omar"):
        verify(person(name))
    return {"filing": filing, "receipt": receipt_document(filing.receipt)}


def rehash_from(seq: int) -> None:
    """What an attacker with database access does after editing event #seq: recompute
    every later link and hash, and the head."""
    previous = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = previous
        event.hash = previous = audit.compute_hash(event)
        event.save(update_fields=["prev_hash", "hash"])
    AuditHead.objects.filter(pk=1).update(last_hash=previous)


def rewind_to(seq: int) -> None:
    """Delete the events after #seq and set the head back to #seq."""
    AuditEvent.objects.filter(seq__gt=seq).delete()
    AuditHead.objects.filter(pk=1).update(seq=seq, last_hash=AuditEvent.objects.get(seq=seq).hash)


def broken(report_at: int, words: str, **options):
    report = audit.verify_chain()
    assert (report.ok, report.broken_at) == (False, report_at), report
    assert words in report.problem
    with pytest.raises(CommandError, match=words):
        call_command("verify_audit_chain", **options)


def write_receipt(folder, document, name="receipt.json"):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return str(folder)


def test_checkpoints_are_signed_every_n_events(history):
    last = AuditHead.objects.get().seq
    checkpoints = list(AuditCheckpoint.objects.order_by("seq"))
    assert [c.seq for c in checkpoints] == list(range(4, last + 1, 4))
    for checkpoint in checkpoints:
        assert checkpoint.hash == AuditEvent.objects.get(seq=checkpoint.seq).hash
        assert audit.head_signature_valid(checkpoint.seq, checkpoint.hash, checkpoint.signature)


def test_every_receipt_carries_the_signed_head_of_its_own_submission(history):
    head = history["receipt"]["receipt"]["audit_head"]
    submitted = AuditEvent.objects.get(action="filing.submitted", subject_id=str(history["filing"].pk))
    assert (head["seq"], head["hash"]) == (submitted.seq, submitted.hash)
    assert audit.head_signature_valid(head["seq"], head["hash"], head["signature"])


def test_an_intact_chain_verifies_with_its_checkpoints_and_receipts(history, tmp_path, capsys):
    assert audit.verify_chain().ok
    call_command("verify_audit_chain", receipts=write_receipt(tmp_path / "receipts", history["receipt"]))
    out = capsys.readouterr().out
    assert "audit chain intact" in out and "1 receipt" in out


def test_rewriting_an_event_and_rehashing_the_rest_is_caught_by_the_next_signed_checkpoint(history):
    AuditEvent.objects.filter(seq=2).update(data={"note": "rewritten"})
    rehash_from(2)
    broken(4, "rewritten")


def test_rewriting_after_the_last_checkpoint_is_caught_by_a_filers_receipt(history, tmp_path, settings):
    settings.AUDIT_CHECKPOINT_EVERY = 10_000
    AuditCheckpoint.objects.all().delete()  # no signature in the database to betray it
    submitted = history["receipt"]["receipt"]["audit_head"]["seq"]
    AuditEvent.objects.filter(seq=submitted).update(data={"serial_number": "00000000", "fee": 0})
    rehash_from(submitted)
    assert audit.verify_chain().ok  # the database alone cannot tell
    folder = write_receipt(tmp_path / "receipts", history["receipt"])
    with pytest.raises(CommandError, match=f"event #{submitted}: .*receipt.json.* rewritten"):
        call_command("verify_audit_chain", receipts=folder)


def test_truncating_the_chain_and_rewinding_the_head_is_caught_by_a_later_checkpoint(history):
    rewind_to(5)
    broken(8, "removed")


def test_truncating_with_the_checkpoints_too_is_caught_by_a_filers_receipt(history, tmp_path):
    submitted = history["receipt"]["receipt"]["audit_head"]["seq"]
    rewind_to(submitted - 1)
    AuditCheckpoint.objects.filter(seq__gte=submitted).delete()
    assert audit.verify_chain().ok  # the database alone cannot tell
    folder = write_receipt(tmp_path / "receipts", history["receipt"])
    with pytest.raises(CommandError, match=f"event #{submitted}: .*receipt.json.* removed"):
        call_command("verify_audit_chain", receipts=folder)


def test_a_forged_checkpoint_is_caught(history):
    AuditEvent.objects.filter(seq=2).update(data={"note": "rewritten"})
    rehash_from(2)
    # the attacker re-signs the checkpoints with a key of their own
    forger = crypto.private_key(base64.b64encode(os.urandom(32)).decode())
    for checkpoint in AuditCheckpoint.objects.all():
        checkpoint.hash = AuditEvent.objects.get(seq=checkpoint.seq).hash
        checkpoint.signature = crypto.sign(forger, audit.head_message(checkpoint.seq, checkpoint.hash))
        checkpoint.save()
    broken(4, "not signed with the office key")


def test_a_receipt_whose_head_was_forged_is_caught(history, tmp_path):
    document = history["receipt"]
    document["receipt"]["audit_head"]["hash"] = "f" * 64
    with pytest.raises(CommandError, match="not signed with the office key"):
        call_command("verify_audit_chain", receipts=write_receipt(tmp_path / "receipts", document))


def test_a_deleted_checkpoint_is_caught(history):
    AuditCheckpoint.objects.filter(seq=4).delete()
    broken(5, "no signed checkpoint")


def test_audit_checkpoint_signs_the_head_and_is_safe_to_repeat(history, capsys):
    head = AuditHead.objects.get()
    call_command("audit_checkpoint")
    call_command("audit_checkpoint")
    checkpoint = AuditCheckpoint.objects.get(seq=head.seq)
    assert checkpoint.hash == head.last_hash
    assert audit.head_signature_valid(checkpoint.seq, checkpoint.hash, checkpoint.signature)
    assert f"checkpoint #{head.seq}" in capsys.readouterr().out
    assert audit.verify_chain().ok


def test_verify_audit_chain_names_a_receipt_file_it_cannot_read(history, tmp_path):
    folder = tmp_path / "receipts"
    folder.mkdir()
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="broken.json"):
        call_command("verify_audit_chain", receipts=str(folder))

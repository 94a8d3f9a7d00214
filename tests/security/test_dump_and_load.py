"""dumpdata then loaddata into an empty database keeps filings, receipts and the audit
chain verifiable."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from applications import services as filings
from applications.models import Application, Receipt
from applications.receipts import check_receipt, receipt_document
from tmverify import audit, clock

pytestmark = pytest.mark.django_db(transaction=True)


def test_dump_and_load_keeps_filings_receipts_and_the_audit_chain(world, tmp_path):
    # real clocks have microseconds; the chain must survive the serializer anyway
    clock.set_now(datetime(2023, 6, 1, 9, 30, 15, 123456, tzinfo=UTC))
    filings.submit_filing(world["dana"], world["signed"])
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "tmverify",
        "accounts",
        "applications",
        "auth.group",
        natural_foreign=True,
        output=str(dump),
        indent=1,
    )
    counts = {"filings": Application.objects.count(), "events": audit.verify_chain().checked}
    receipt_before = receipt_document(Receipt.objects.get())

    call_command("flush", interactive=False)
    assert Application.objects.count() == 0
    call_command("loaddata", str(dump))

    assert Application.objects.count() == counts["filings"]
    chain = audit.verify_chain()
    assert chain.ok, chain.problem
    assert chain.checked == counts["events"]
    receipt_after = receipt_document(Receipt.objects.get())
    assert receipt_after == receipt_before
    assert check_receipt(json.loads(json.dumps(receipt_after))).valid

"""Migration 0008 carries every signature and signing link made when signers were
accounts forward: each takes its account's name and email, a signature keeps its account,
and receipts issued before still check (docs/DECISIONS.md 58)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications import services as filings
from applications.models import Receipt, Signature, SignatureLink
from applications.receipts import check_receipt, receipt_document
from tests.factories import dana, draft, li, signed_by_attorney

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("applications", "0007_countryfield")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_signatures_and_links_made_before_take_their_accounts_names_and_emails():
    attorney, seller = dana(), li()
    submitted = filings.submit_filing(attorney, signed_by_attorney(attorney))
    by_link = draft(attorney, mark="MOONWAVE")
    filings.sign_by_link(filings.request_signature(attorney, by_link, seller).token, signature="/Li Wei/", title="CEO")
    waiting = draft(attorney, mark="STARWAVE")
    filings.request_signature(attorney, waiting, seller)
    receipt = receipt_document(Receipt.objects.get(application=submitted))

    try:
        old = migrate(BEFORE)
        # as they were stored when a signer was an account
        old_links = old.get_model("applications", "SignatureLink").objects.order_by("pk")
        assert [link.signer_id for link in old_links] == [seller.pk, seller.pk]
        old_signatures = old.get_model("applications", "Signature").objects.order_by("pk")
        assert [s.signer_id for s in old_signatures] == [attorney.pk, seller.pk]
    finally:
        call_command("migrate", verbosity=0)  # the tables as every other test expects them

    assert [(s.signer, s.signer_name, s.signer_email) for s in Signature.objects.order_by("pk")] == [
        (attorney, "Dana Kim", "dana@example.test"),
        (seller, "Li Wei", "li@example.test"),
    ]
    assert [(link.signer_name, link.signer_email) for link in SignatureLink.objects.order_by("pk")] == [
        ("Li Wei", "li@example.test"),
        ("Li Wei", "li@example.test"),
    ]
    # the rules read them as before: Li's signature through her link counts
    assert filings.can_submit(attorney, by_link) == []
    assert check_receipt(receipt).valid
    assert check_receipt(receipt_document(Receipt.objects.get(application=submitted))).valid

"""Submission assigns the filing date, an 8-digit serial number never reused and a fixed
fee, and issues a receipt signed with the office key that anyone can check."""

import base64
import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_fsm import ConcurrentTransition

from applications import services as filings
from applications.models import Application, Receipt
from applications.receipts import check_receipt, receipt_document
from tests.factories import draft, issued_before_labels, li, signed_by_attorney
from tmverify import audit, clock, crypto

pytestmark = pytest.mark.django_db


def submit_new(attorney, **overrides):
    return filings.submit_filing(attorney, signed_by_attorney(attorney, **overrides))


def test_submission_assigns_the_filing_date_a_serial_and_the_fee(attorney):
    filing = submit_new(attorney)

    stored = Application.objects.get(pk=filing.pk)
    assert stored.state == "submitted"
    assert stored.filing_date == clock.today()
    assert len(stored.serial_number) == 8 and stored.serial_number.isdigit()
    assert (stored.fee, stored.submitted_by, stored.submitted_at) == (250, attorney, clock.now())
    event = audit.trail(stored).get(action="filing.submitted")
    assert (event.from_state, event.to_state) == ("signed", "submitted")
    assert event.data == {"serial_number": stored.serial_number, "fee": 250}


def test_everything_the_submission_changed_on_the_filing_is_stored(attorney):
    # a submission saves only Application.SUBMISSION_FIELDS: a field `submit` sets
    # without being listed there would be lost
    submitted = filings.submit_filing(attorney, signed_by_attorney(attorney))

    stored = Application.objects.get(pk=submitted.pk)
    assert (submitted.state, submitted.serial_number is not None) == ("submitted", True)
    assert {f.attname: f.value_from_object(stored) for f in Application._meta.concrete_fields} == {
        f.attname: f.value_from_object(submitted) for f in Application._meta.concrete_fields
    }


def test_serial_numbers_are_distinct_and_follow_each_other(attorney):
    serials = [submit_new(attorney).serial_number for _ in range(3)]
    assert len(set(serials)) == 3
    assert [int(s) - int(serials[0]) for s in serials] == [0, 1, 2]


def test_a_draft_has_no_serial_or_filing_date(attorney):
    filing = draft(attorney)
    assert (filing.serial_number, filing.filing_date, filing.fee) == (None, None, None)


def test_a_stale_copy_can_never_overwrite_a_newer_state(attorney):
    filing = signed_by_attorney(attorney)
    stale = Application.objects.get(pk=filing.pk)
    filings.submit_filing(attorney, filing)

    stale.mark = "OVERWRITTEN"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    assert Application.objects.get(pk=filing.pk).mark == "SUNWAVE"


def test_the_submitted_filing_handed_back_can_be_saved_again(attorney):
    # the submission writes its fields by a prepared UPDATE, not save(): the state the
    # stale-copy guard compares with must still become the submitted one
    submitted = filings.submit_filing(attorney, signed_by_attorney(attorney))
    submitted.mark = "SAVED AGAIN"
    with transaction.atomic():
        submitted.save()
    assert Application.objects.get(pk=submitted.pk).mark == "SAVED AGAIN"


def test_the_state_cannot_be_assigned_by_hand(attorney):
    filing = draft(attorney)
    with pytest.raises(AttributeError):
        filing.state = "submitted"


# --- receipts ---------------------------------------------------------------------------
def test_the_receipt_holds_the_filing_and_how_each_person_was_verified_or_exempted(attorney):
    seller = li()  # signs by link without a verified account
    filing = draft(attorney)
    filings.sign_by_link(filings.request_signature(attorney, filing, seller).token, signature="/Li Wei/", title="CEO")
    filings.submit_filing(attorney, filing)

    payload = Receipt.objects.get(application=filing).payload

    assert payload["serial_number"] == Application.objects.get(pk=filing.pk).serial_number
    assert payload["filing_date"] == "2023-06-01"
    assert payload["mark"] == "SUNWAVE" and payload["basis"] == "1b"
    assert payload["applicant"]["name"] == "Shenzhen Sunwave Co., Ltd."
    assert payload["goods"] == [{"class": 9, "text": "Portable solar chargers", "id_manual": True}]
    assert payload["fee"]["total"] == 250
    [signature] = payload["signatures"]
    assert (signature["signer"], signature["signature"], signature["method"]) == ("Li Wei", "/Li Wei/", "link")
    assert signature["identity"].startswith("exempt")
    assert payload["submitted_by"] == {"name": "Dana Kim", "role": "us_attorney", "identity": "verified (online)"}


def test_a_receipt_checks_as_valid_with_the_office_public_key(attorney):
    document = receipt_document(submit_new(attorney).receipt)
    assert check_receipt(json.loads(json.dumps(document))).valid


def test_an_altered_receipt_names_what_was_altered(attorney):
    document = json.loads(json.dumps(receipt_document(submit_new(attorney).receipt)))
    document["receipt"]["mark"] = "MOONWAVE"
    document["receipt"]["fee"]["total"] = 1
    del document["receipt"]["basis"]
    document["receipt"]["extra"] = "added"

    result = check_receipt(document)

    assert not result.valid
    assert result.altered == ["basis (removed)", "extra (added)", "fee", "mark"]


def test_a_receipt_signed_by_another_key_is_not_valid(attorney):
    document = receipt_document(submit_new(attorney).receipt)
    other = crypto.private_key(base64.b64encode(os.urandom(32)).decode()).public_key()
    result = check_receipt(document, public_key=other)
    assert not result.valid


def test_the_office_signs_a_receipt_once_over_the_digest_of_each_field_and_once_its_head(attorney, monkeypatch):
    signed = []
    monkeypatch.setattr(crypto, "sign", lambda key, message: signed.append(message) or "signature")

    receipt = submit_new(attorney).receipt

    head = receipt.payload["audit_head"]
    assert signed == [
        audit.head_message(head["seq"], head["hash"]),
        crypto.canonical_json({"format": "tmverify.receipt", "version": 3, "field_digests": receipt.field_digests}),
    ]
    assert receipt.field_digests == {
        name: crypto.sha256_hex(crypto.canonical_json(value)) for name, value in receipt.payload.items()
    }
    assert receipt.field_signatures is None


def test_a_receipt_whose_digests_were_changed_is_not_the_offices(attorney):
    document = json.loads(json.dumps(receipt_document(submit_new(attorney).receipt)))
    document["receipt"]["mark"] = "MOONWAVE"
    document["field_digests"]["mark"] = crypto.sha256_hex(crypto.canonical_json("MOONWAVE"))

    result = check_receipt(document)

    assert (result.valid, result.altered, result.problem) == (False, [], "the receipt's signature is not the office's")


def issued_before_field_digests(receipt):
    """The receipt as the office signed it before field digests: the whole payload, and
    each field on its own bound to the serial number."""
    key, payload = crypto.office_key(), receipt.payload

    def field(name):
        message = {"serial_number": payload["serial_number"], "field": name, "value": payload[name]}
        return crypto.sign(key, crypto.canonical_json(message))

    Receipt.objects.filter(pk=receipt.pk).update(
        signature=crypto.sign(key, crypto.canonical_json(payload)),
        field_digests=None,
        field_signatures={name: field(name) for name in payload},
    )
    return Receipt.objects.get(pk=receipt.pk)


def test_a_receipt_issued_before_field_digests_still_checks(attorney):
    document = json.loads(json.dumps(receipt_document(issued_before_field_digests(submit_new(attorney).receipt))))
    assert "field_digests" not in document and check_receipt(document).valid

    document["receipt"]["mark"] = "MOONWAVE"
    del document["receipt"]["basis"]

    result = check_receipt(document)
    assert (result.valid, result.altered) == (False, ["basis (removed)", "mark"])
    document["field_signatures"]["mark"] = 12345  # not even text: altered, not a crash
    assert check_receipt(document).altered == ["basis (removed)", "mark"]


def write(tmp_path, document, name="receipt.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_verify_receipt_says_valid(attorney, tmp_path, capsys):
    filing = submit_new(attorney)
    call_command("verify_receipt", write(tmp_path, receipt_document(filing.receipt)))
    assert f"valid: receipt for serial {filing.serial_number}" in capsys.readouterr().out


def test_verify_receipt_names_the_altered_fields(attorney, tmp_path):
    document = receipt_document(submit_new(attorney).receipt)
    document["receipt"]["applicant"]["name"] = "Someone Else Ltd"
    document["receipt"]["filing_date"] = "2020-01-01"

    with pytest.raises(CommandError) as error:
        call_command("verify_receipt", write(tmp_path, document))

    assert "altered: applicant, filing_date" in str(error.value)


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"receipt": {}}',
        '{"receipt": [], "signature": "s", "field_digests": {}}',
        '{"receipt": {}, "signature": 1, "field_digests": {}}',
        '{"receipt": {}, "signature": "s", "field_signatures": []}',
    ],
)
def test_verify_receipt_rejects_what_is_not_a_receipt(tmp_path, content):
    path = tmp_path / "receipt.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match="not a"):
        call_command("verify_receipt", str(path))


def test_verify_receipt_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("verify_receipt", str(tmp_path / "absent.json"))


# --- formats: labelled and versioned (issue 19, point 6) -----------------------------------
def test_a_new_receipt_says_its_format_and_version(attorney):
    document = receipt_document(submit_new(attorney).receipt)
    assert (document["format"], document["version"]) == ("tmverify.receipt", 3)


def test_a_receipt_issued_before_labels_still_checks(attorney):
    document = json.loads(json.dumps(receipt_document(issued_before_labels(submit_new(attorney).receipt))))
    assert "format" not in document and check_receipt(document).valid
    document["receipt"]["mark"] = "MOONWAVE"
    assert check_receipt(document).altered == ["mark"]


def test_a_labelled_receipt_stripped_of_its_label_is_not_the_offices(attorney):
    document = json.loads(json.dumps(receipt_document(submit_new(attorney).receipt)))
    del document["format"], document["version"]
    assert check_receipt(document).problem == "the receipt's signature is not the office's"


def test_the_offices_signed_digests_passed_off_as_a_whole_receipt_are_not_a_receipt(attorney, tmp_path):
    # a version 2 receipt's signature is over {"receipt_field_digests": ...}; presented as
    # a version 1 receipt whose whole payload is that message, it passed and then crashed
    receipt = issued_before_labels(submit_new(attorney).receipt)
    forged = {
        "receipt": {"receipt_field_digests": receipt.field_digests},
        "signature": receipt.signature,
        "field_signatures": {},
    }
    result = check_receipt(forged)
    assert not result.valid
    assert result.not_a_receipt

    with pytest.raises(CommandError, match="not a receipt") as error:
        call_command("verify_receipt", write(tmp_path, forged))
    assert error.value.returncode == 2


def test_a_signed_audit_head_passed_off_as_a_receipt_is_not_a_receipt(attorney, tmp_path):
    head = submit_new(attorney).receipt.payload["audit_head"]
    message = json.loads(audit.head_message(head["seq"], head["hash"]))
    forged = {"receipt": message, "signature": head["signature"], "field_signatures": {}}
    assert check_receipt(forged).not_a_receipt
    with pytest.raises(CommandError, match="not a receipt") as error:
        call_command("verify_receipt", write(tmp_path, forged))
    assert error.value.returncode == 2


def test_a_document_of_another_format_is_not_a_receipt(attorney, tmp_path):
    document = receipt_document(submit_new(attorney).receipt)
    document["version"] = 4
    with pytest.raises(CommandError, match="not a receipt: format 'tmverify.receipt' version 4") as error:
        call_command("verify_receipt", write(tmp_path, document))
    assert error.value.returncode == 2

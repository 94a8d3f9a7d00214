"""Government ID numbers are stored only encrypted (AES-GCM, rotatable key ids) and found
for duplicates through a keyed fingerprint (R6)."""

import base64
import os

import pytest
from django.db import connection

from accounts import services as accounts
from accounts.evidence import open_document, seal_document
from accounts.models import IdentityState, PaperVerification, User
from tests.factories import examiner, person, verify
from tmverify import crypto
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db

PASSPORT = "E98765432"
NATIONAL_ID = "110101199003071234"
PAPER_ID = "P7766554"


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def every_stored_value() -> str:
    """Every row of every table, read with raw SQL, as one text."""
    rows = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names()
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(repr(row) for row in cursor.fetchall())
    assert "accounts_user" in tables and "tmverify_auditevent" in tables
    return "\n".join(rows)


def test_no_table_holds_a_document_number_after_every_verification_route():
    li = person("li", first_name="Li", last_name="Wei", country="CN")  # Chinese seller
    verify(li, method="video", document=PASSPORT)
    twin = person("twin", country="CN")  # presents Li's passport: fraud hold
    with pytest.raises(Refused):
        verify(twin, document=PASSPORT)
    failing = person("fay", country="CN")
    with pytest.raises(Refused):
        verify(failing, document=NATIONAL_ID, passed=False)
    paper_person = person("paula")
    paper = accounts.file_paper_verification(
        paper_person, role="owner", document_country="US", document_number=PAPER_ID
    )
    accounts.review_paper_verification(examiner(), paper, approve=True)

    stored = every_stored_value()

    for number in (PASSPORT, NATIONAL_ID, PAPER_ID, "E 987 654 32"):
        assert number not in stored
        assert number.lower() not in stored.lower()
    assert "li@example.test" in stored  # the scan does read the tables
    assert crypto.fingerprint("CN", PASSPORT) in stored  # only the keyed fingerprint


def test_a_sealed_document_opens_to_what_was_sealed_and_nothing_in_it_reads_as_plaintext():
    sealed = seal_document(7, "cn", PASSPORT)

    assert PASSPORT not in sealed
    assert sealed.startswith(f"{crypto.current_key_id()}$")
    assert open_document(7, sealed) == ("CN", PASSPORT)
    assert seal_document(7, "CN", PASSPORT) != sealed  # a fresh nonce every time


def test_a_tampered_sealed_document_does_not_open():
    sealed = seal_document(7, "CN", PASSPORT)
    kid, body = sealed.split("$")
    raw = bytearray(crypto.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        open_document(7, f"{kid}${crypto.b64encode(bytes(raw))}")


def test_the_verified_document_is_stored_sealed_on_the_account():
    li = person("li", first_name="Li", last_name="Wei", country="CN")
    verify(li, method="video", document=PASSPORT)
    li.refresh_from_db()
    assert open_document(li.pk, li.document_ciphertext) == ("CN", PASSPORT)


def test_a_new_key_first_in_the_ring_encrypts_while_the_old_one_still_decrypts(settings):
    settings.TMVERIFY_EVIDENCE_KEYS = {"2023a": new_key()}
    olga = person("olga")
    verify(olga, document="OLD-1")
    olga.refresh_from_db()
    assert olga.document_ciphertext.startswith("2023a$")

    settings.TMVERIFY_EVIDENCE_KEYS = {"2024b": new_key(), **settings.TMVERIFY_EVIDENCE_KEYS}
    oleg = person("oleg")
    verify(oleg, document="NEW-1")

    oleg.refresh_from_db()
    assert oleg.document_ciphertext.startswith("2024b$")
    assert open_document(olga.pk, olga.document_ciphertext) == ("US", "OLD-1")
    assert open_document(oleg.pk, oleg.document_ciphertext) == ("US", "NEW-1")

    del settings.TMVERIFY_EVIDENCE_KEYS["2023a"]  # removed too early: the old value no longer opens
    with pytest.raises(crypto.DecryptionError, match="no evidence key '2023a'"):
        open_document(olga.pk, olga.document_ciphertext)


def test_duplicates_are_still_found_after_the_key_rotates(settings):
    settings.TMVERIFY_EVIDENCE_KEYS = {"old": new_key()}
    person("olga", verified=True, document=PASSPORT)
    settings.TMVERIFY_EVIDENCE_KEYS = {"new": new_key(), **settings.TMVERIFY_EVIDENCE_KEYS}
    oleg = person("oleg")

    with pytest.raises(Refused) as refused:
        verify(oleg, document=PASSPORT)

    assert refused.value.codes == ["duplicate_identity"]
    assert User.objects.get(pk=oleg.pk).identity_state == IdentityState.FRAUD_HOLD


def test_the_fingerprint_depends_on_the_key(settings):
    before = crypto.fingerprint("US", PASSPORT)
    settings.TMVERIFY_FINGERPRINT_KEY = new_key()
    assert crypto.fingerprint("US", PASSPORT) != before


def test_the_paper_form_keeps_its_document_sealed_too():
    paula = person("paula")
    accounts.file_paper_verification(paula, role="owner", document_country="US", document_number=PAPER_ID)
    paper = PaperVerification.objects.get()
    assert PAPER_ID not in paper.document_ciphertext
    assert open_document(paula.pk, paper.document_ciphertext) == ("US", PAPER_ID)

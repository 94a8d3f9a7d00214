"""Key rotation: after `rotate_keys` every sealed value decrypts with the new key alone."""

import base64
import os

import pytest
from django.core.management import call_command

from accounts import services
from accounts.evidence import open_document
from accounts.models import PaperVerification, User
from simulator.identity import confirm_email_as_its_owner, verify_with_simulated_provider
from tmverify import crypto

pytestmark = pytest.mark.django_db


def _key():
    return base64.b64encode(os.urandom(32)).decode()


def _person(n):
    return confirm_email_as_its_owner(
        services.register_user(email=f"p{n}@example.test", first_name="Pat", last_name=f"Person{n}", role="owner")
    )


def test_rotate_keys_reencrypts_everything_and_the_old_key_can_go(settings):
    settings.TMVERIFY_EVIDENCE_KEYS = {"old": _key()}
    online = _person(1)
    verify_with_simulated_provider(
        online, method="online", role="owner", document_country="US", document_number="X1", passed=True
    )
    paper_person = _person(2)
    services.file_paper_verification(paper_person, role="owner", document_country="CN", document_number="E77")
    fingerprints = dict(User.objects.values_list("pk", "document_fingerprint"))
    sealed_before = User.objects.exclude(document_ciphertext="").count() + PaperVerification.objects.count()

    settings.TMVERIFY_EVIDENCE_KEYS = {"new": _key(), **settings.TMVERIFY_EVIDENCE_KEYS}
    call_command("rotate_keys")
    settings.TMVERIFY_EVIDENCE_KEYS = {"new": settings.TMVERIFY_EVIDENCE_KEYS["new"]}

    online.refresh_from_db()
    paper = PaperVerification.objects.get()
    assert online.document_ciphertext.startswith("new$")
    assert paper.document_ciphertext.startswith("new$")
    assert open_document(online.pk, online.document_ciphertext) == ("US", "X1")
    assert open_document(paper.user_id, paper.document_ciphertext) == ("CN", "E77")
    assert dict(User.objects.values_list("pk", "document_fingerprint")) == fingerprints
    assert User.objects.exclude(document_ciphertext="").count() + PaperVerification.objects.count() == sealed_before


def test_a_value_sealed_for_one_account_does_not_open_for_another():
    sealed = crypto.encrypt('{"country": "US", "number": "X1"}', context="identity-document:user:1")
    with pytest.raises(crypto.DecryptionError):
        open_document(2, sealed)


def test_rotate_keys_stops_when_a_value_cannot_be_decrypted(settings):
    person = _person(3)
    verify_with_simulated_provider(
        person, method="online", role="owner", document_country="US", document_number="X3", passed=True
    )
    settings.TMVERIFY_EVIDENCE_KEYS = {"new": _key()}  # the old key is gone too early
    with pytest.raises(Exception, match="nothing of this batch was changed"):
        call_command("rotate_keys")
    person.refresh_from_db()
    assert not person.document_ciphertext.startswith("new$")

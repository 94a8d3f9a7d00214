"""The app records nothing from the identity provider unless the result is signed by it,
meant for this app, unexpired, for this person and request, and used once."""

import base64
import os
from datetime import timedelta

import pytest

from accounts import services as accounts
from accounts.models import IdentityState, VerificationAttempt
from provider.issuer import SimulatedProvider
from tests.factories import mallory, person
from tmverify import audit, clock
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def result_for(user, request, *, provider=None, passed=True, subject=None, **kwargs):
    provider = provider or SimulatedProvider()
    return provider.issue(
        subject=str(user.pk) if subject is None else subject,
        nonce=request.nonce,
        method=request.method,
        passed=passed,
        document_country="CN",
        document_number="E12345678",
        **kwargs,
    )


def assert_refused_and_nothing_recorded(user, token):
    with pytest.raises(Refused) as refused:
        accounts.complete_verification(user, token)
    assert refused.value.codes == ["verification_failed"]
    user.refresh_from_db()
    assert user.identity_state == IdentityState.UNVERIFIED
    assert user.document_fingerprint == "" and user.document_ciphertext == ""
    assert not VerificationAttempt.objects.filter(user=user).exists()
    assert audit.trail(user).filter(action="identity.verify.refused").count() == 1
    return refused.value


@pytest.fixture
def li():
    # Chinese seller verifying by video with her passport
    return person("li", first_name="Li", last_name="Wei", country="CN")


def test_a_genuine_result_verifies(li):
    request = accounts.start_verification(li, method="video", role="owner")
    accounts.complete_verification(li, result_for(li, request))
    li.refresh_from_db()
    assert (li.identity_state, li.identity_method) == ("verified", "video")


def test_a_result_signed_with_another_key_is_refused(li):
    request = accounts.start_verification(li, method="video", role="owner")
    forger = SimulatedProvider(seed_b64=base64.b64encode(os.urandom(32)).decode())

    refused = assert_refused_and_nothing_recorded(li, result_for(li, request, provider=forger))
    assert "signature" in refused.reasons[0].message


def test_a_result_whose_claims_were_edited_after_signing_is_refused(li):
    request = accounts.start_verification(li, method="video", role="owner")
    body, signature = result_for(li, request, passed=False).split(".")
    from tmverify import crypto

    edited = crypto.b64decode(body).replace(b'"outcome":"fail"', b'"outcome":"pass"')
    assert edited != crypto.b64decode(body)

    assert_refused_and_nothing_recorded(li, f"{crypto.b64encode(edited)}.{signature}")


def test_an_expired_result_is_refused(li):
    request = accounts.start_verification(li, method="video", role="owner")
    token = result_for(li, request)
    clock.advance(timedelta(minutes=10))

    refused = assert_refused_and_nothing_recorded(li, token)
    assert "expired" in refused.reasons[0].message


def test_a_replayed_result_is_refused_and_not_counted_twice(li):
    request = accounts.start_verification(li, method="video", role="owner")
    token = result_for(li, request, passed=False)
    with pytest.raises(Refused):
        accounts.complete_verification(li, token)
    assert VerificationAttempt.objects.filter(user=li).count() == 1

    with pytest.raises(Refused) as refused:
        accounts.complete_verification(li, token)

    assert refused.value.codes == ["verification_failed"]
    assert "already used" in refused.value.reasons[0].message
    assert VerificationAttempt.objects.filter(user=li).count() == 1


def test_a_passing_result_cannot_be_replayed_for_another_account(li):
    request = accounts.start_verification(li, method="video", role="owner")
    token = result_for(li, request)
    accounts.complete_verification(li, token)
    mallory_account = mallory(verified=False)  # logged in, must get nothing of Li's

    assert_refused_and_nothing_recorded(mallory_account, token)


def test_a_result_for_another_service_is_refused(li):
    request = accounts.start_verification(li, method="video", role="owner")

    refused = assert_refused_and_nothing_recorded(li, result_for(li, request, audience="another-app"))
    assert "another service" in refused.reasons[0].message


def test_a_result_about_another_subject_is_refused(li):
    other = mallory(verified=False)
    request = accounts.start_verification(li, method="video", role="owner")

    assert_refused_and_nothing_recorded(li, result_for(li, request, subject=str(other.pk)))


def test_a_result_for_another_method_is_refused(li):
    request = accounts.start_verification(li, method="video", role="owner")
    token = SimulatedProvider().issue(
        subject=str(li.pk),
        nonce=request.nonce,
        method="online",
        passed=True,
        document_country="CN",
        document_number="E1",
    )
    assert_refused_and_nothing_recorded(li, token)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "bm90IGpzb24.c2ln"])
def test_a_malformed_result_is_refused(li, token):
    accounts.start_verification(li, method="video", role="owner")
    assert_refused_and_nothing_recorded(li, token)

"""The verification service records nothing from the identity provider unless the result
answers an open, unexpired request of this person's, for the method asked, and only once
(the ID token's own checks are the relying party's: tests/accounts/test_oidc.py)."""

import dataclasses
from datetime import timedelta

import pytest

from accounts import services as accounts
from accounts.models import IdentityState, VerificationAttempt
from tests.factories import mallory, person, provider_answer
from tmverify import audit, clock
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def assert_refused_and_nothing_recorded(user, result):
    with pytest.raises(Refused) as refused:
        accounts.complete_verification(user, result)
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
    accounts.complete_verification(li, provider_answer(request))
    li.refresh_from_db()
    assert (li.identity_state, li.identity_method) == ("verified", "video")


def test_each_request_has_its_own_state_nonce_and_pkce_verifier(li):
    one = accounts.start_verification(li, method="video", role="owner")
    two = accounts.start_verification(li, method="video", role="owner")
    assert len({one.state, one.nonce, one.code_verifier, two.state, two.nonce, two.code_verifier}) == 6
    assert len(one.code_verifier) >= 43  # RFC 7636: 43 to 128 characters


def test_a_result_for_an_expired_request_is_refused(li):
    request = accounts.start_verification(li, method="video", role="owner")
    result = provider_answer(request)
    clock.advance(timedelta(minutes=10))

    assert_refused_and_nothing_recorded(li, result)


def test_a_replayed_result_is_refused_and_not_counted_twice(li):
    request = accounts.start_verification(li, method="video", role="owner")
    result = provider_answer(request, passed=False)
    with pytest.raises(Refused):
        accounts.complete_verification(li, result)
    assert VerificationAttempt.objects.filter(user=li).count() == 1

    with pytest.raises(Refused) as refused:
        accounts.complete_verification(li, result)

    assert refused.value.codes == ["verification_failed"]
    assert "already used" in refused.value.reasons[0].message
    assert VerificationAttempt.objects.filter(user=li).count() == 1


def test_a_passing_result_cannot_be_replayed_for_another_account(li):
    request = accounts.start_verification(li, method="video", role="owner")
    result = provider_answer(request)
    accounts.complete_verification(li, result)
    mallory_account = mallory(verified=False)  # logged in, must get nothing of Li's

    assert_refused_and_nothing_recorded(mallory_account, result)


def test_a_result_for_another_method_is_refused(li):
    request = accounts.start_verification(li, method="video", role="owner")
    assert_refused_and_nothing_recorded(li, dataclasses.replace(provider_answer(request), method="online"))


def test_a_result_naming_someone_else_is_refused_under_r3(li):
    request = accounts.start_verification(li, method="video", role="owner")
    result = dataclasses.replace(provider_answer(request), given_name="Wei", family_name="Zhang")

    refused = assert_refused_and_nothing_recorded(li, result)
    assert refused.reasons[0].rule == "R3" and "Wei Zhang" in refused.reasons[0].message


def test_a_result_naming_this_person_verifies_whatever_the_case_spacing_and_width(li):
    request = accounts.start_verification(li, method="video", role="owner")
    accounts.complete_verification(
        li, dataclasses.replace(provider_answer(request), given_name=" li ", family_name="ＷＥＩ")
    )
    li.refresh_from_db()
    assert li.identity_state == IdentityState.VERIFIED


def test_a_document_fingerprint_claim_stands_for_the_number_and_finds_duplicates(li):
    # a provider that gives a stable fingerprint of the document instead of its number
    request = accounts.start_verification(li, method="video", role="owner")
    by_fingerprint = dataclasses.replace(provider_answer(request), document_number="", document_fingerprint="fp-1")
    accounts.complete_verification(li, by_fingerprint)
    li.refresh_from_db()
    assert li.identity_state == IdentityState.VERIFIED and li.document_fingerprint

    twin = person("twin", first_name="Lin", last_name="Wu", country="CN")
    request = accounts.start_verification(twin, method="video", role="owner")
    same = dataclasses.replace(provider_answer(request), document_number="", document_fingerprint="fp-1")
    with pytest.raises(Refused) as refused:
        accounts.complete_verification(twin, same)
    assert refused.value.codes == ["duplicate_identity"]  # R6

"""R5: five failed online attempts within 6 hours lock further attempts for 6 hours, and a
locked attempt never reaches the provider."""

from datetime import timedelta

import pytest

from accounts import services as accounts
from accounts.models import VerificationAttempt, VerificationRequest
from provider.issuer import SimulatedProvider
from tests.factories import person, provider_answer, verify
from tmverify import audit, clock
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_calls(monkeypatch):
    """A spy on the provider's side: every check it answers (a pass or a refusal)."""
    calls = []
    issue = SimulatedProvider.issue

    def spy_issue(self, **kwargs):
        calls.append(("issue", kwargs["nonce"]))
        return issue(self, **kwargs)

    monkeypatch.setattr(SimulatedProvider, "issue", spy_issue)
    return calls


def fail(user, times=1, every=timedelta(minutes=1)):
    for _ in range(times):
        with pytest.raises(Refused) as refused:
            verify(user, passed=False)
        assert refused.value.codes == ["verification_failed"]
        clock.advance(every)


def test_five_failures_within_six_hours_lock_verification():
    li = person("li", first_name="Li", last_name="Wei", country="CN")  # Chinese seller, mistyping her passport

    fail(li, times=4, every=timedelta(hours=1))
    li.refresh_from_db()
    assert li.identity_status == "unverified"

    fail(li)  # the fifth, 4 hours after the first
    li.refresh_from_db()
    assert li.identity_status == "locked"
    assert li.idv_locked_until == clock.now() - timedelta(minutes=1) + timedelta(hours=6)
    assert audit.trail(li).filter(action="identity.locked").count() == 1


def test_a_locked_attempt_never_reaches_the_provider(provider_calls):
    li = person("li", first_name="Li", last_name="Wei", country="CN")
    fail(li, times=5)
    assert len(provider_calls) == 5
    requests_before = VerificationRequest.objects.count()

    with pytest.raises(Refused) as refused:
        verify(li, passed=True)

    assert refused.value.codes == ["verification_locked"]
    assert len(provider_calls) == 5  # nothing new reached the provider
    assert VerificationRequest.objects.count() == requests_before
    assert VerificationAttempt.objects.filter(user=li).count() == 5
    assert audit.trail(li).filter(action="identity.start.refused", reasons=["verification_locked"]).exists()


def test_a_result_obtained_before_the_lock_cannot_be_used_during_it():
    li = person("li", first_name="Li", last_name="Wei", country="CN")
    pending = accounts.start_verification(li, method="online", role="owner")
    fail(li, times=5)
    token = provider_answer(pending, document_number="E1")

    with pytest.raises(Refused) as refused:
        accounts.complete_verification(li, token)

    assert refused.value.codes == ["verification_locked"]
    li.refresh_from_db()
    assert li.identity_status == "locked"


def test_failures_spread_over_more_than_six_hours_do_not_lock():
    owner = person("olga")

    fail(owner, times=6, every=timedelta(hours=2))  # never 5 within any 6 hours

    owner.refresh_from_db()
    assert owner.identity_status == "unverified"
    verify(owner)
    owner.refresh_from_db()
    assert owner.is_verified


def test_the_lock_lasts_six_hours_then_verification_works_again():
    owner = person("olga")
    fail(owner, times=5, every=timedelta(0))
    locked_at = clock.now()

    clock.set_now(locked_at + timedelta(hours=5, minutes=59))
    with pytest.raises(Refused) as refused:
        verify(owner)
    assert refused.value.codes == ["verification_locked"]

    clock.set_now(locked_at + timedelta(hours=6))
    owner.refresh_from_db()
    assert owner.identity_status == "unverified"
    verify(owner)
    owner.refresh_from_db()
    assert owner.is_verified


def test_failures_before_a_lock_do_not_count_after_it():
    owner = person("olga")
    fail(owner, times=5, every=timedelta(0))
    clock.advance(timedelta(hours=6))

    fail(owner, times=4, every=timedelta(0))  # 9 failures in the last 6 hours, 4 since the lock
    owner.refresh_from_db()
    assert owner.identity_status == "unverified"

    fail(owner)
    owner.refresh_from_db()
    assert owner.identity_status == "locked"


def test_the_limits_come_from_settings(settings):
    settings.IDV_MAX_ATTEMPTS = 2
    settings.IDV_ATTEMPT_WINDOW = timedelta(hours=1)
    owner = person("olga")

    fail(owner, times=2, every=timedelta(0))

    owner.refresh_from_db()
    assert owner.idv_locked_until == clock.now() + timedelta(hours=1)


def test_a_locked_person_may_still_file_the_notarized_paper_form():
    owner = person("olga")
    fail(owner, times=5, every=timedelta(0))

    accounts.file_paper_verification(owner, role="owner", document_country="US", document_number="P-1")

    owner.refresh_from_db()
    assert owner.identity_state == "pending_review"

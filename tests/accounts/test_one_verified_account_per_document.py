"""R6 under load (issue 18, hole 4): one person, one verified account, whatever runs at
once. The database itself refuses a second verified account on one document
(`one_verified_account_per_document`); the loser of a race is held for fraud next to the
winner, and passing a fraud hold suspends the other account before verifying the held
one, so no moment has two verified accounts on one document."""

import threading

import pytest
from django.db import IntegrityError, connections, transaction

from accounts import services as accounts
from accounts.models import IdentityState, User
from tests.factories import person, provider_answer, supervisor, verify
from tmverify import audit
from tmverify.reasons import Refused

ROUNDS, THREADS = 20, 8


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


def provider_result(user, document):
    """A started verification and the provider's signed pass for `document`, not yet posted."""
    request = accounts.start_verification(user, method="online", role="owner")
    return provider_answer(request, document_country="US", document_number=document)


# --- under load, on PostgreSQL ------------------------------------------------------------
def post_at_once(people, results) -> list[list[str]]:
    """Each person posts their provider result, all released together; the refusal codes."""
    barrier = threading.Barrier(len(people))
    refusals, crashes = [], []

    def post(user, token):
        try:
            barrier.wait()
            accounts.complete_verification(user, token)
        except Refused as exc:
            refusals.append(exc.codes)
        except Exception as exc:  # a crash (an IntegrityError) is a defect
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=pair) for pair in zip(people, results, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a verification hung"
    assert not crashes, crashes
    return refusals


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_accounts_posting_one_document_at_once_give_one_verified_and_seven_holds_every_round():
    """Issue 18: on PostgreSQL all eight were verified about one round in three."""
    for n in range(ROUNDS):
        people = [person(f"r{n}p{i}") for i in range(THREADS)]
        results = [provider_result(user, f"D{n:02d}00001") for user in people]

        refusals = post_at_once(people, results)

        states = dict(User.objects.filter(pk__in=[u.pk for u in people]).values_list("pk", "identity_state"))
        verified = [pk for pk, state in states.items() if state == IdentityState.VERIFIED]
        assert len(verified) == 1, f"round {n}: {sorted(states.values())}"
        held = User.objects.filter(pk__in=[u.pk for u in people], identity_state=IdentityState.FRAUD_HOLD)
        assert held.count() == THREADS - 1, f"round {n}: {sorted(states.values())}"
        assert set(held.values_list("duplicate_of", flat=True)) == set(verified)
        assert refusals == [["duplicate_identity"]] * (THREADS - 1)
    assert audit.verify_chain().ok


# --- the same, deterministic, on any database -----------------------------------------------
@pytest.mark.django_db
def test_the_loser_of_a_race_is_held_for_fraud_next_to_the_winner(monkeypatch):
    """The race's loser, made certain: its check finds no other account (as when the winner
    has not committed yet); the database refuses its save, and it is held instead."""
    olga = person("olga", verified=True, document="D1000001")
    oleg = person("oleg")
    token = provider_result(oleg, "D1000001")
    monkeypatch.setattr(accounts, "_other_verified_account", _blind_once(accounts._other_verified_account))

    assert refusal(lambda: accounts.complete_verification(oleg, token)) == ["duplicate_identity"]

    oleg.refresh_from_db()
    assert (oleg.identity_state, oleg.duplicate_of, oleg.identity_method) == ("fraud_hold", olga, "online")
    assert oleg.document_fingerprint == User.objects.get(pk=olga.pk).document_fingerprint
    assert audit.trail(oleg).filter(action="identity.held_for_fraud").count() == 1
    assert not audit.trail(oleg).filter(action="identity.verified").exists()
    assert audit.verify_chain().ok


def _blind_once(lookup):
    calls = []

    def blind(user, fingerprint):
        calls.append(user.pk)
        return None if len(calls) == 1 else lookup(user, fingerprint)

    return blind


@pytest.mark.django_db
def test_the_database_refuses_two_verified_accounts_on_one_document():
    person("olga", verified=True, document="D1000001")
    oleg = person("oleg")
    with pytest.raises(Refused):
        verify(oleg, document="D1000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=oleg.pk).update(identity_state=IdentityState.VERIFIED)
    # accounts verified without a document (patent carry-over) are not covered
    with transaction.atomic():
        User.objects.filter(pk=oleg.pk).update(identity_state=IdentityState.VERIFIED, document_fingerprint="")
    assert User.objects.filter(identity_state=IdentityState.VERIFIED).count() == 2


# --- the office's decision (SCENARIOS "One person, one account") ----------------------------
@pytest.fixture
def pair():
    """Olga verified with D1000001; Oleg presented the same document and is held."""
    olga = person("olga", verified=True, document="D1000001")
    oleg = person("oleg")
    with pytest.raises(Refused):
        verify(oleg, document="D1000001")
    return olga, oleg


@pytest.mark.django_db
def test_passing_a_fraud_hold_suspends_the_other_verified_account_first(pair):
    olga, oleg = pair
    sam = supervisor()

    accounts.review_fraud_hold(sam, oleg, passed=True, note="Oleg is the passport's holder")

    olga.refresh_from_db()
    oleg.refresh_from_db()
    assert oleg.identity_state == IdentityState.VERIFIED
    assert (olga.identity_state, olga.state_before_suspension) == ("suspended", "verified")
    event = audit.trail(olga).get(action="account.suspended")
    assert (event.actor_id, event.from_state, event.data["fraud_review_passed_for"]) == (sam.pk, "verified", oleg.pk)
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_the_suspended_account_cannot_be_reinstated_to_verified_beside_the_passed_one(pair):
    olga, oleg = pair
    sam = supervisor()
    accounts.review_fraud_hold(sam, oleg, passed=True)

    assert refusal(lambda: accounts.reinstate_account(sam, olga)) == ["duplicate_identity"]

    olga.refresh_from_db()
    assert olga.identity_state == IdentityState.SUSPENDED
    assert audit.trail(olga).filter(action="account.reinstated.refused").count() == 1


@pytest.mark.django_db
def test_a_third_account_with_the_document_is_still_held_after_the_decision(pair):
    olga, oleg = pair
    accounts.review_fraud_hold(supervisor(), oleg, passed=True)
    ivan = person("ivan")

    assert refusal(lambda: verify(ivan, document="D1000001")) == ["duplicate_identity"]

    ivan.refresh_from_db()
    assert ivan.identity_state == IdentityState.FRAUD_HOLD

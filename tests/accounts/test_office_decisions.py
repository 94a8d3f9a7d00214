"""Office staff decisions on identities: paper review (R4), fraud holds (R6), suspension
and reinstatement (R23). Each refusal leaves the account as it was."""

import threading

import pytest
from django.contrib.auth import authenticate
from django.db import connections

from accounts import services as accounts
from accounts.models import IdentityState, PaperVerification
from accounts.office import make_office_staff
from applications import services as filings
from tests.factories import dana, examiner, filing_data, person, supervisor, verify
from tmverify import audit
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


def paper_form(user, document="P-777", role="owner"):
    return accounts.file_paper_verification(user, role=role, document_country="US", document_number=document)


# --- paper review (R4) -------------------------------------------------------------------
def test_an_examiner_approves_a_paper_form_and_the_account_is_verified_by_paper():
    olga = person("olga", role="")  # chooses her role on the paper form
    paper = paper_form(olga, role="us_attorney")
    erin = examiner()

    accounts.review_paper_verification(erin, paper, approve=True, note="notary seal checked")

    olga.refresh_from_db()
    paper.refresh_from_db()
    assert (olga.identity_state, olga.identity_method, olga.role) == ("verified", "paper", "us_attorney")
    assert (paper.state, paper.reviewed_by, paper.review_reason) == ("approved", erin, "notary seal checked")
    assert audit.trail(paper).filter(action="identity.paper_approved", actor_id=erin.pk).count() == 1
    assert audit.trail(olga).filter(action="identity.verified", from_state="pending_review").count() == 1


def test_a_rejected_paper_form_sends_the_account_back_to_unverified_free_to_try_again():
    olga = person("olga")
    paper = paper_form(olga)

    accounts.review_paper_verification(examiner(), paper, approve=False, note="no notary seal")

    olga.refresh_from_db()
    paper.refresh_from_db()
    assert (olga.identity_state, paper.state) == ("unverified", "rejected")
    verify(olga)
    olga.refresh_from_db()
    assert olga.is_verified


def test_a_paper_form_that_is_no_longer_pending_cannot_be_reviewed_again():
    olga = person("olga")
    paper = paper_form(olga)
    erin = examiner()
    accounts.review_paper_verification(erin, paper, approve=True)

    assert refusal(lambda: accounts.review_paper_verification(erin, paper, approve=False)) == ["invalid_state"]

    paper.refresh_from_db()
    olga.refresh_from_db()
    assert (paper.state, olga.identity_state) == ("approved", "verified")
    assert audit.trail(paper).filter(action="identity.paper_review.refused", reasons=["invalid_state"]).exists()


def test_an_examiner_cannot_review_their_own_paper_form():
    # Erin filed her notarized form, then joined the office (an office account cannot
    # file one, R25)
    erin = person("erin", role="", first_name="Erin", last_name="Ross")
    paper = paper_form(erin)
    make_office_staff(erin, "examiner")

    assert refusal(lambda: accounts.review_paper_verification(erin, paper, approve=True)) == ["forbidden"]

    erin.refresh_from_db()
    assert erin.identity_state == IdentityState.PENDING_REVIEW


def test_an_attorney_cannot_review_paper_forms():
    olga = person("olga")
    paper = paper_form(olga)

    assert refusal(lambda: accounts.review_paper_verification(dana(), paper, approve=True)) == ["role_not_permitted"]
    assert PaperVerification.objects.get().state == "pending"


def test_a_paper_form_cannot_be_filed_twice_or_when_verified():
    olga = person("olga")
    paper_form(olga)
    assert refusal(lambda: paper_form(olga, document="P-778")) == ["invalid_state"]
    assert refusal(lambda: paper_form(person("oleg", verified=True))) == ["already_verified"]
    assert PaperVerification.objects.count() == 1


def test_approving_a_paper_form_with_a_document_already_verified_elsewhere_holds_for_fraud():
    first = person("olga", verified=True, document="P-777")
    second = person("oleg")
    paper = paper_form(second, document="P-777")

    assert refusal(lambda: accounts.review_paper_verification(examiner(), paper, approve=True)) == [
        "duplicate_identity"
    ]

    second.refresh_from_db()
    assert (second.identity_state, second.duplicate_of) == ("fraud_hold", first)
    assert PaperVerification.objects.get().state == "approved"


# --- fraud holds (R6) --------------------------------------------------------------------
@pytest.fixture
def held():
    """Oleg presented a document already behind Olga's verified account."""
    person("olga", verified=True, document="E555")
    oleg = person("oleg")
    with pytest.raises(Refused):
        verify(oleg, document="E555")
    oleg.refresh_from_db()
    assert oleg.identity_state == IdentityState.FRAUD_HOLD
    return oleg


def test_a_supervisor_passes_a_fraud_hold_and_the_account_is_verified(held):
    sam = supervisor()
    accounts.review_fraud_hold(sam, held, passed=True, note="twins, checked")
    held.refresh_from_db()
    assert held.identity_state == IdentityState.VERIFIED
    event = audit.trail(held).get(action="identity.fraud_review")
    assert (event.from_state, event.to_state, event.actor_id) == ("fraud_hold", "verified", sam.pk)


def test_a_supervisor_rejects_a_fraud_hold_and_only_the_office_can_undo_it(held):
    sam = supervisor()
    accounts.review_fraud_hold(sam, held, passed=False)
    held.refresh_from_db()
    assert held.identity_state == IdentityState.REJECTED
    assert refusal(lambda: verify(held, document="E556")) == ["invalid_state"]

    accounts.reopen_rejected_identity(sam, held, note="appeal granted")

    held.refresh_from_db()
    assert held.identity_state == IdentityState.UNVERIFIED
    verify(held, document="E556")
    held.refresh_from_db()
    assert held.is_verified


def test_an_examiner_cannot_decide_a_fraud_hold(held):
    assert refusal(lambda: accounts.review_fraud_hold(examiner(), held, passed=True)) == ["role_not_permitted"]
    held.refresh_from_db()
    assert held.identity_state == IdentityState.FRAUD_HOLD


def test_a_fraud_decision_on_an_account_not_on_hold_is_refused():
    olga = person("olga", verified=True)
    assert refusal(lambda: accounts.review_fraud_hold(supervisor(), olga, passed=False)) == ["invalid_state"]
    olga.refresh_from_db()
    assert olga.is_verified


# --- suspension (R23) --------------------------------------------------------------------
def test_a_suspended_account_cannot_sign_in_act_or_verify_until_reinstated():
    olga = person("olga", verified=True)
    sam = supervisor()
    assert authenticate(username="olga@example.test", password=PASSWORD) == olga

    accounts.suspend_account(sam, olga, note="filing mill")

    olga.refresh_from_db()
    assert olga.identity_state == IdentityState.SUSPENDED
    assert authenticate(username="olga@example.test", password=PASSWORD) is None
    assert refusal(lambda: filings.create_application(olga, filing_data(applicant=None))) == ["account_suspended"]
    assert refusal(lambda: verify(olga)) == ["account_suspended"]

    accounts.reinstate_account(sam, olga)

    olga.refresh_from_db()
    assert olga.identity_state == IdentityState.VERIFIED  # back where it was
    assert authenticate(username="olga@example.test", password=PASSWORD) == olga
    assert [e.action for e in audit.trail(olga).filter(action__startswith="account.")][-2:] == [
        "account.suspended",
        "account.reinstated",
    ]


def test_a_suspended_session_stops_working_at_the_next_request(client):
    olga = person("olga", verified=True)
    client.force_login(olga)
    from django.contrib.auth import get_user

    accounts.suspend_account(supervisor(), olga)

    request = type("Request", (), {"session": client.session})()
    assert not get_user(request).is_authenticated


def test_an_unverified_account_returns_to_unverified_after_reinstatement():
    oleg = person("oleg")
    sam = supervisor()
    accounts.suspend_account(sam, oleg)
    accounts.reinstate_account(sam, oleg)
    oleg.refresh_from_db()
    assert oleg.identity_state == IdentityState.UNVERIFIED


def test_only_a_supervisor_suspends_and_never_their_own_account():
    olga = person("olga", verified=True)
    sam = supervisor()
    assert refusal(lambda: accounts.suspend_account(examiner(), olga)) == ["role_not_permitted"]
    assert refusal(lambda: accounts.suspend_account(sam, sam)) == ["forbidden"]
    assert refusal(lambda: accounts.reinstate_account(sam, olga)) == ["invalid_state"]
    olga.refresh_from_db()
    assert olga.is_verified


# --- two reviewers at once (PostgreSQL) -----------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_of_one_paper_form_have_one_winner():
    olga = person("olga")
    paper = paper_form(olga)
    reviewers = [examiner(), supervisor()]
    barrier = threading.Barrier(2)
    outcomes, crashes = [], []

    def review(reviewer):
        try:
            barrier.wait()
            accounts.review_paper_verification(reviewer, paper, approve=True)
            outcomes.append("approved")
        except Refused as exc:
            outcomes.append(exc.codes)
        except Exception as exc:  # any other error is what this test looks for
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=review, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not crashes, crashes
    assert sorted(outcomes, key=str) == sorted(["approved", ["invalid_state"]], key=str)
    assert audit.trail(paper).filter(action="identity.paper_approved").count() == 1
    assert audit.trail(olga).filter(action="identity.verified").count() == 1
    olga.refresh_from_db()
    assert (olga.identity_state, olga.identity_method) == ("verified", "paper")
    assert audit.verify_chain().ok


# --- who is office staff -----------------------------------------------------------------
def test_office_staff_are_the_examiner_and_supervisor_groups_with_their_declared_permissions():
    from accounts.office import OFFICE_GROUPS

    erin, sam, olga = examiner(), supervisor(), person("olga", verified=True)

    assert erin.groups.get().name == "examiner" and sam.groups.get().name == "supervisor"
    assert erin.has_perm("accounts.review_paper") and not erin.has_perm("accounts.review_fraud")
    assert all(sam.has_perm(f"accounts.{p}") for p in OFFICE_GROUPS["supervisor"])
    assert (erin.is_office_staff(), erin.is_supervisor(), sam.is_supervisor()) == (True, False, True)
    assert not olga.is_office_staff()
    with pytest.raises(ValueError, match="unknown office group 'janitor'"):
        make_office_staff(olga, "janitor")
    olga.refresh_from_db()
    assert not olga.is_staff

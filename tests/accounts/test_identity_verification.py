"""One-time identity verification: R1-R4, R6 and R11, each reason code they produce."""

from datetime import date

import pytest

from accounts import services as accounts
from accounts.models import IdentityState, User, VerificationAttempt, VerificationRequest
from applications import services as filings
from tests.factories import filing_data, person, supervisor, verify
from tmverify import audit, clock, crypto
from tmverify.models import AuditEvent
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


# --- R1: one account is one natural person ----------------------------------------------
@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Admin", "Support"),
        ("Acme Trading", "LLC"),
        ("Shenzhen Sunwave", "Co., Ltd."),
        ("Acme", "Co."),
        ("Trademark", "Team"),
    ],
)
def test_a_company_or_shared_desk_name_cannot_be_verified(first, last):
    desk = person("desk", first_name=first, last_name=last)

    assert refusal(lambda: verify(desk)) == ["not_a_natural_person"]

    desk.refresh_from_db()
    assert desk.identity_state == IdentityState.UNVERIFIED
    assert not VerificationRequest.objects.filter(user=desk).exists()
    assert audit.trail(desk).filter(action="identity.start.refused", reasons=["not_a_natural_person"]).exists()


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Colin", "Incy"),  # "Colin" starts with "co" and "Incy" with "inc": words, not suffixes
        ("Mary", "Office-Smith"),  # a company word inside a hyphenated surname
    ],
)
def test_a_person_whose_name_merely_contains_company_letters_can_verify(first, last):
    person_ = person("p", first_name=first, last_name=last)
    verify(person_)
    person_.refresh_from_db()
    assert person_.identity_state == IdentityState.VERIFIED


# --- R2: opens 2022-01-08, mandatory 2022-08-06 ------------------------------------------
def test_verification_is_not_available_before_it_opens():
    clock.set_today(date(2022, 1, 7))
    owner = person("olga")

    assert refusal(lambda: verify(owner)) == ["verification_not_available"]
    owner.refresh_from_db()
    assert owner.identity_state == IdentityState.UNVERIFIED


def test_verification_opens_on_2022_01_08():
    clock.set_today(date(2022, 1, 8))
    owner = person("olga")
    verify(owner)
    owner.refresh_from_db()
    assert owner.is_verified


def test_unverified_owner_can_file_before_the_mandatory_date():
    clock.set_today(date(2022, 8, 5))
    owner = person("olga")
    application = filings.create_application(owner, filing_data(applicant=None))
    assert application.state == "draft"


def test_unverified_owner_cannot_file_from_the_mandatory_date():
    clock.set_today(date(2022, 8, 6))
    owner = person("olga")

    assert refusal(lambda: filings.create_application(owner, filing_data(applicant=None))) == ["identity_unverified"]


# --- R3: one-time; name and role locked ---------------------------------------------------
def test_verification_is_one_time():
    owner = person("olga", verified=True)
    assert refusal(lambda: verify(owner)) == ["already_verified"]


def test_verified_name_and_role_are_locked_against_self_service():
    owner = person("olga", verified=True)

    assert refusal(
        lambda: accounts.update_profile(owner, first_name="Other", last_name="Name", role="us_attorney")
    ) == ["invalid_state"]
    owner.refresh_from_db()
    assert (owner.first_name, owner.last_name, owner.role) == ("Olga", "Tester", "owner")


def test_an_unverified_person_may_still_change_name_and_role():
    owner = person("olga")
    accounts.update_profile(owner, first_name="Olga", last_name="Petrova", role="us_attorney")
    owner.refresh_from_db()
    assert (owner.last_name, owner.role) == ("Petrova", "us_attorney")


def test_office_staff_correct_a_verified_name_and_the_change_is_audited():
    owner = person("olga", verified=True)
    sam = supervisor()

    accounts.correct_verified_identity(sam, owner, first_name="Olga", last_name="Petrova", role="owner", note="typo")

    owner.refresh_from_db()
    assert owner.last_name == "Petrova" and owner.is_verified
    event = audit.trail(owner).get(action="account.corrected")
    assert event.actor_id == sam.pk
    assert event.data["before"]["last_name"] == "Tester"


def test_a_verified_account_cannot_correct_its_own_identity():
    owner = person("olga", verified=True)
    assert refusal(
        lambda: accounts.correct_verified_identity(owner, owner, first_name="X", last_name="Y", role="owner", note="")
    ) == ["role_not_permitted"]


# --- R4: methods, role chosen when verifying ---------------------------------------------
def test_online_verification_records_method_and_the_role_chosen():
    newcomer = person("nia", role="")

    verify(newcomer, role="us_attorney")

    newcomer.refresh_from_db()
    assert newcomer.identity_state == IdentityState.VERIFIED
    assert newcomer.identity_method == "online"
    assert newcomer.role == "us_attorney"
    assert newcomer.verified_at == clock.now()
    event = audit.trail(newcomer).get(action="identity.verified")
    assert (event.from_state, event.to_state) == ("unverified", "verified")


def test_video_call_verifies_a_person_without_a_us_id():
    li = person("li", first_name="Li", last_name="Wei", country="CN")
    verify(li, method="video", document="E12345678")
    li.refresh_from_db()
    assert (li.identity_state, li.identity_method) == ("verified", "video")


def test_a_failed_provider_check_is_refused_and_counted():
    owner = person("olga")

    assert refusal(lambda: verify(owner, passed=False)) == ["verification_failed"]

    owner.refresh_from_db()
    assert owner.identity_state == IdentityState.UNVERIFIED
    assert VerificationAttempt.objects.filter(user=owner, outcome="fail").count() == 1


def test_paper_form_waits_for_review():
    owner = person("olga")
    accounts.file_paper_verification(owner, role="owner", document_country="US", document_number="P-777")
    owner.refresh_from_db()
    assert owner.identity_state == IdentityState.PENDING_REVIEW
    assert refusal(lambda: filings.create_application(owner, filing_data(applicant=None))) == ["identity_unverified"]


def test_only_provider_methods_go_through_the_provider():
    owner = person("olga")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        accounts.start_verification(owner, method="paper", role="owner")
    assert not VerificationRequest.objects.exists()


# --- R6: one person, one verified account -------------------------------------------------
def test_a_document_behind_another_verified_account_puts_the_new_account_on_fraud_hold():
    first = person("olga", verified=True, document="E-123 456")
    second = person("oleg")

    # the same document, written differently: the fingerprint normalises it
    assert refusal(lambda: verify(second, document="e123456")) == ["duplicate_identity"]

    second.refresh_from_db()
    assert second.identity_state == IdentityState.FRAUD_HOLD
    assert second.duplicate_of == first
    assert second.document_fingerprint == first.document_fingerprint == crypto.fingerprint("US", "E123456")
    assert audit.trail(second).filter(action="identity.held_for_fraud", to_state="fraud_hold").exists()
    assert refusal(lambda: filings.create_application(second, filing_data(applicant=None))) == ["identity_unverified"]


def test_the_same_number_from_another_country_is_not_a_duplicate():
    person("olga", verified=True, document="E123456")
    other = person("chen", country="CN")
    verify(other, document="E123456")
    other.refresh_from_db()
    assert other.is_verified


# --- R11: support staff verify from 2023-10-14, must from 2024-01-20 ------------------------
def test_support_staff_cannot_verify_before_self_verification_opens():
    clock.set_today(date(2023, 10, 13))
    staff = person("pat", role="support_staff")
    assert refusal(lambda: verify(staff)) == ["verification_not_available"]


def test_support_staff_can_verify_once_self_verification_opens():
    clock.set_today(date(2023, 10, 14))
    staff = person("pat", role="support_staff")
    verify(staff)
    staff.refresh_from_db()
    assert staff.is_verified


def test_refused_verification_leaves_only_the_refusal_in_the_audit_trail():
    owner = person("olga")
    before = AuditEvent.objects.count()
    clock.set_today(date(2021, 12, 1))

    refusal(lambda: verify(owner))

    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().action == "identity.start.refused"
    assert User.objects.get(pk=owner.pk).identity_state == IdentityState.UNVERIFIED

"""R10/R11: support staff act only while sponsored by a verified attorney; the sponsorship
is a state machine (requested -> active | denied; requested/active -> ended)."""

from datetime import date

import pytest

from accounts import services as accounts
from accounts.models import Sponsorship
from applications import services as filings
from tests.factories import dana, filing_data, mallory, pat, person, verify
from tmverify import audit, clock
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


def test_an_attorney_sponsors_staff_and_the_sponsorship_is_active_at_once():
    attorney = dana()
    staff = pat()

    sponsorship = accounts.sponsor_staff(attorney, staff)

    assert Sponsorship.objects.get(pk=sponsorship.pk).state == "active"
    assert audit.trail(sponsorship).filter(action="sponsorship.sponsored", to_state="active").count() == 1
    filings.create_application(staff, filing_data(), attorney=attorney)


def test_staff_request_sponsorship_and_the_attorney_approves():
    attorney, staff = dana(), pat()
    request = accounts.request_sponsorship(staff, attorney)
    assert Sponsorship.objects.get(pk=request.pk).state == "requested"
    assert refusal(lambda: filings.create_application(staff, filing_data(), attorney=attorney)) == [
        "sponsorship_required"
    ]

    accounts.approve_sponsorship(attorney, request)

    assert Sponsorship.objects.get(pk=request.pk).state == "active"
    filings.create_application(staff, filing_data(), attorney=attorney)


def test_the_attorney_denies_a_request_and_a_denied_request_cannot_then_be_approved():
    attorney, staff = dana(), pat()
    request = accounts.request_sponsorship(staff, attorney)

    accounts.deny_sponsorship(attorney, request)

    assert Sponsorship.objects.get(pk=request.pk).state == "denied"
    assert refusal(lambda: accounts.approve_sponsorship(attorney, request)) == ["invalid_state"]
    assert Sponsorship.objects.get(pk=request.pk).state == "denied"
    # a new request may follow a denied one
    accounts.request_sponsorship(staff, attorney)


@pytest.mark.parametrize("ended_by", ["attorney", "staff"])
def test_either_side_ends_a_sponsorship_at_once(ended_by):
    attorney, staff = dana(), pat()
    sponsorship = accounts.sponsor_staff(attorney, staff)

    accounts.end_sponsorship(attorney if ended_by == "attorney" else staff, sponsorship)

    sponsorship.refresh_from_db()
    assert sponsorship.state == "ended"
    assert sponsorship.ended_by == (attorney if ended_by == "attorney" else staff)
    assert refusal(lambda: filings.create_application(staff, filing_data(), attorney=attorney)) == [
        "sponsorship_required"
    ]
    assert refusal(lambda: accounts.end_sponsorship(staff, sponsorship)) == ["invalid_state"]


def test_only_the_named_attorney_decides_a_request():
    attorney, staff = dana(), pat()
    request = accounts.request_sponsorship(staff, attorney)
    other_attorney = person("ann", role="us_attorney", verified=True)

    assert refusal(lambda: accounts.approve_sponsorship(other_attorney, request)) == ["forbidden"]
    assert refusal(lambda: accounts.approve_sponsorship(staff, request)) == ["forbidden"]
    assert refusal(lambda: accounts.end_sponsorship(mallory(), request)) == ["forbidden"]
    assert Sponsorship.objects.get(pk=request.pk).state == "requested"


def test_staff_and_owners_cannot_sponsor_anyone():
    staff, other_staff = pat(dana()), person("sue", role="support_staff")
    owner = mallory()

    assert refusal(lambda: accounts.sponsor_staff(staff, other_staff)) == ["role_not_permitted"]
    assert refusal(lambda: accounts.sponsor_staff(owner, other_staff)) == ["role_not_permitted"]
    assert not Sponsorship.objects.filter(staff=other_staff).exists()


def test_only_support_staff_can_be_sponsored():
    assert refusal(lambda: accounts.sponsor_staff(dana(), mallory())) == ["role_not_permitted"]


def test_a_sponsorship_already_open_cannot_be_opened_again():
    attorney, staff = dana(), pat()
    accounts.sponsor_staff(attorney, staff)
    assert refusal(lambda: accounts.sponsor_staff(attorney, staff)) == ["invalid_state"]
    assert refusal(lambda: accounts.request_sponsorship(staff, attorney)) == ["invalid_state"]
    assert Sponsorship.objects.count() == 1


def test_an_unverified_attorney_cannot_sponsor_after_the_mandatory_date():
    unverified = person("ann", role="us_attorney")
    assert refusal(lambda: accounts.sponsor_staff(unverified, pat())) == ["identity_unverified"]


def test_staff_lose_the_right_to_act_when_their_attorney_is_suspended():
    from tests.factories import supervisor

    attorney = dana()
    staff = pat(attorney)
    accounts.suspend_account(supervisor(), attorney)
    assert refusal(lambda: filings.create_application(staff, filing_data())) == ["sponsorship_required"]


def test_sponsored_staff_need_no_verification_of_their_own_before_2024_01_20():
    clock.set_today(date(2024, 1, 19))
    attorney = dana()
    staff = pat(attorney)
    filings.create_application(staff, filing_data(), attorney=attorney)


def test_sponsored_staff_must_verify_themselves_from_2024_01_20():
    clock.set_today(date(2024, 1, 19))
    attorney = dana()
    staff = pat(attorney)
    clock.set_today(date(2024, 1, 20))

    assert refusal(lambda: filings.create_application(staff, filing_data(), attorney=attorney)) == [
        "identity_unverified"
    ]

    verify(staff)
    filings.create_application(staff, filing_data(), attorney=attorney)

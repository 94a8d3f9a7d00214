"""The policy calendar: every date of DESIGN.md in two profiles, and the services follow
whichever profile is active."""

from datetime import date

import pytest

from applications import services as filings
from tests.factories import filing_data, person
from tmverify import clock, policy
from tmverify.reasons import Refused


def test_the_enacted_profile_holds_the_enacted_dates():
    enacted = policy.PROFILES["enacted"]
    assert enacted.opening_date("owner") == date(2022, 1, 8)
    assert enacted.mandatory_date("owner") == date(2022, 8, 6)
    assert enacted.mandatory_date("us_attorney") == enacted.mandatory_date("ca_attorney") == date(2022, 8, 6)
    assert enacted.opening_date("support_staff") == date(2023, 10, 14)
    assert enacted.mandatory_date("support_staff") == date(2024, 1, 20)
    assert enacted.us_counsel_required_from == date(2019, 8, 3)
    assert enacted.new_fees_from == date(2025, 1, 18)
    assert enacted.short_response_period_from == date(2022, 12, 3)


def test_the_announced_profile_moves_only_the_mandatory_date_to_2022_04_09():
    enacted, announced = policy.PROFILES["enacted"], policy.PROFILES["announced"]
    assert announced.mandatory_date("owner") == date(2022, 4, 9)
    assert announced.mandatory_date("support_staff") == enacted.mandatory_date("support_staff")
    differing = {f for f in enacted.__dataclass_fields__ if getattr(enacted, f) != getattr(announced, f)}
    assert differing == {"name", "verification_mandatory"}


def test_tests_run_under_the_enacted_profile_and_a_profile_can_be_switched_for_a_block():
    assert policy.current().name == "enacted"
    with policy.profile("announced") as active:
        assert active.name == policy.current().name == "announced"
    assert policy.current().name == "enacted"


def test_an_unknown_profile_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown policy profile 'proposed'"):
        policy.activate("proposed")
    assert policy.current().name == "enacted"


def test_the_profile_can_come_from_settings(settings):
    settings.TMVERIFY_POLICY = "announced"
    assert policy.current().mandatory_date("owner") == date(2022, 4, 9)


@pytest.mark.django_db
@pytest.mark.parametrize(("profile", "blocked"), [("enacted", False), ("announced", True)])
def test_an_unverified_owner_filing_in_may_2022_depends_on_the_profile(profile, blocked):
    clock.set_today(date(2022, 5, 1))
    policy.activate(profile)
    owner = person("olga")  # unverified owner filing for herself

    if blocked:
        with pytest.raises(Refused) as refused:
            filings.create_application(owner, filing_data(applicant=None))
        assert refused.value.codes == ["identity_unverified"]
    else:
        assert filings.create_application(owner, filing_data(applicant=None)).state == "draft"


def test_the_clock_is_pinned_and_moves_only_when_told():
    assert clock.today() == date(2023, 6, 1)
    clock.set_today(date(2022, 8, 6))
    assert clock.now().isoformat() == "2022-08-06T12:00:00+00:00"


def test_the_demo_date_can_be_pinned_from_settings(settings):
    clock.reset()
    settings.TMVERIFY_TODAY = "2022-08-06"
    assert clock.today() == date(2022, 8, 6)

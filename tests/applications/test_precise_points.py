"""SCENARIOS.md v2 "Precise points" as the services carry them out: an actor with no access
learns only `forbidden`, suspended or not; a signature holds a letter or digit; before
the mandatory date an account needs neither a verified identity nor a role."""

from datetime import date

import pytest

from accounts import services as accounts
from applications import rules
from applications import services as filings
from applications.models import Application
from applications.services import ApplicantData
from tests.factories import dana, draft, filing_data, mallory, person, supervisor
from tmverify import clock
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def test_a_suspended_account_with_no_access_learns_only_forbidden():
    filing = draft(dana())
    outsider = mallory()
    accounts.suspend_account(supervisor(), outsider)
    outsider.refresh_from_db()

    assert [r.code for r in filings.can_submit(outsider, filing)] == ["forbidden"]
    with pytest.raises(Refused) as refused:
        filings.sign_application(outsider, filing, signature="/Mallory Smith/", title="Owner")
    assert refused.value.codes == ["forbidden"]


def test_a_suspended_attorney_of_record_is_still_told_of_the_suspension():
    attorney = dana()
    filing = draft(attorney)
    accounts.suspend_account(supervisor(), attorney)
    attorney.refresh_from_db()

    assert [r.code for r in filings.can_submit(attorney, filing)] == ["account_suspended"]


@pytest.mark.parametrize("text", ["/ /", "/.-/", "/_/", "//", "/Li Wei", "Li Wei"])
def test_a_signature_without_a_letter_or_digit_between_two_slashes_is_refused(text):
    assert [r.code for r in rules.signature_format_reasons(text, "Owner")] == ["signature_format"]


@pytest.mark.parametrize("text", ["/Li Wei/", "/lw/", "/李伟/", "/7/", " /ab/ "])
def test_any_text_with_a_letter_or_digit_between_two_slashes_is_a_signature(text):
    assert rules.signature_format_reasons(text, "Owner") == []


def test_a_title_of_only_spaces_is_no_title():
    assert [r.code for r in rules.signature_format_reasons("/Li Wei/", "   ")] == ["signature_format"]


def test_before_the_mandatory_date_an_unverified_account_with_no_role_files_and_submits():
    clock.set_today(date(2022, 3, 1))
    ann = person("ann", role="")  # no role chosen, not verified
    filing = filings.create_application(ann, filing_data(applicant=ApplicantData.for_person(ann)))
    filings.sign_application(ann, filing, signature="/Ann Tester/", title="Owner")

    filings.submit_filing(ann, filing)

    assert Application.objects.get(pk=filing.pk).state == "submitted"


def test_from_the_mandatory_date_the_same_account_needs_a_role_and_a_verified_identity():
    clock.set_today(date(2022, 8, 6))
    ann = person("ann", role="")
    with pytest.raises(Refused) as refused:
        filings.create_application(ann, filing_data(applicant=ApplicantData.for_person(ann)))
    assert sorted(refused.value.codes) == ["identity_unverified", "role_required"]

"""The submission gate (applications/rules.py): every blocking reason at once, each a code
from SCENARIOS.md with a sentence to act on; a refused submission changes nothing."""

from datetime import date

import pytest

from accounts import services as accounts
from applications import services as filings
from applications.models import Application
from applications.services import ApplicantData, FilingData, GoodsData
from tests.factories import dana, draft, filing_data, li, person, signed_by_attorney, sunwave, supervisor
from tmverify import audit, clock
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def codes(actor, application) -> list[str]:
    return [r.code for r in filings.can_submit(actor, application)]


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


def test_a_complete_signed_filing_has_nothing_blocking():
    attorney = dana()
    assert codes(attorney, signed_by_attorney(attorney)) == []


def test_an_empty_draft_lists_every_missing_piece_at_once():
    attorney = dana()
    empty = filings.create_application(attorney, FilingData(), attorney=attorney)

    reasons = filings.can_submit(attorney, empty)

    assert [r.code for r in reasons] == ["signature_required", "filing_incomplete", "domicile_required"]
    incomplete = reasons[1].message
    for missing in ("applicant's name", "address", "email", "the mark", "good or service"):
        assert missing in incomplete
    assert all(r.message for r in reasons)


def test_submitting_refuses_with_the_gates_reasons_and_changes_nothing():
    attorney = dana()
    empty = filings.create_application(attorney, FilingData(), attorney=attorney)

    assert refusal(lambda: filings.submit_filing(attorney, empty)) == codes(attorney, empty)

    empty.refresh_from_db()
    assert (empty.state, empty.serial_number, empty.filing_date, empty.fee) == ("draft", None, None, None)
    assert audit.trail(empty).filter(action="filing.submit.refused").count() == 1


@pytest.mark.parametrize(
    ("missing", "data"),
    [
        ("name", {"applicant": sunwave(name="")}),
        ("email", {"applicant": sunwave(email="")}),
        ("mark", {"mark": ""}),
        ("goods", {"goods": []}),
        ("class", {"goods": [GoodsData(None, "Solar chargers", False)]}),
        ("text", {"goods": [GoodsData(9, "", True)]}),
    ],
)
def test_each_part_of_the_filing_date_minimum_is_required(missing, data):
    attorney = dana()
    filing = signed_by_attorney(attorney, **data)
    assert codes(attorney, filing) == ["filing_incomplete"]
    assert refusal(lambda: filings.submit_filing(attorney, filing)) == ["filing_incomplete"]


def test_a_mailing_address_alone_meets_the_minimum_but_a_domicile_is_still_required():
    attorney = dana()
    filing = signed_by_attorney(attorney, applicant=sunwave(street="", mailing_address="8 Keji Rd, Shenzhen"))
    assert codes(attorney, filing) == ["domicile_required"]


def test_a_foreign_applicant_without_a_us_attorney_needs_us_counsel():
    wei = person("wei", country="CN", verified=True)  # a verified Chinese seller filing alone
    filing = filings.create_application(wei, filing_data(applicant=ApplicantData.for_person(wei)))
    filings.sign_application(wei, filing, signature="/Wei Tester/", title="Owner")

    assert codes(wei, filing) == ["us_counsel_required"]


def test_us_counsel_is_not_required_before_2019_08_03():
    clock.set_today(date(2019, 8, 2))
    wei = person("wei", country="CN")
    filing = filings.create_application(wei, filing_data(applicant=ApplicantData.for_person(wei)))
    filings.sign_application(wei, filing, signature="/Wei Tester/", title="Owner")
    assert codes(wei, filing) == []


def test_a_canadian_attorney_acts_only_for_parties_in_canada():
    # R16: refused whole at naming (SCENARIOS.md v2, "Attorneys"), not left to the gate
    claude = person("claude", role="ca_attorney", country="CA", verified=True)  # Canadian attorney
    accounts.add_bar_admission(claude, jurisdiction="ON", number="L123", admitted=date(2010, 5, 1))
    for named in (claude, None):  # naming himself, or no one (an attorney who names no one is of record)
        with pytest.raises(Refused) as refused:
            filings.create_application(claude, filing_data(applicant=sunwave(country="US")), attorney=named)
        assert refused.value.codes == ["role_not_permitted"]
        assert "only for an applicant domiciled in Canada" in refused.value.reasons[0].message
    assert not Application.objects.exists()


def test_a_canadian_party_still_needs_a_us_attorney_alongside():
    claude = person("claude", role="ca_attorney", country="CA", verified=True)
    accounts.add_bar_admission(claude, jurisdiction="ON", number="L123", admitted=date(2010, 5, 1))
    filing = filings.create_application(claude, filing_data(applicant=sunwave(country="CA")), attorney=claude)
    filings.sign_application(claude, filing, signature="/Claude Tester/", title="Attorney")
    # no US attorney among the attorneys of record: neither US counsel nor US bar information
    assert codes(claude, filing) == ["us_counsel_required", "bar_info_required"]

    attorney = dana()
    filings.appoint_attorney(claude, filing, attorney)
    filing.refresh_from_db()
    assert codes(claude, filing) == ["us_counsel_required", "bar_info_required"]  # R24: Dana has not accepted
    filings.accept_appointment(attorney, filing)
    filing.refresh_from_db()
    assert codes(claude, filing) == ["signature_required"]  # the declaration covered Claude alone
    filings.sign_application(claude, filing, signature="/Claude Tester/", title="Attorney")
    assert codes(claude, filing) == []


def test_the_attorney_of_record_must_give_bar_information():
    ann = person("ann", role="us_attorney", verified=True)  # US attorney with no bar information yet
    filing = signed_by_attorney(ann)
    assert codes(ann, filing) == ["bar_info_required"]

    accounts.add_bar_admission(ann, jurisdiction="CA", number="", admitted=date(2012, 6, 1))
    assert codes(ann, filing) == []


def test_bar_information_not_in_good_standing_does_not_count():
    ann = person("ann", role="us_attorney", verified=True)
    accounts.add_bar_admission(ann, jurisdiction="NY", number="9", admitted=date(2012, 6, 1), good_standing=False)
    assert codes(ann, signed_by_attorney(ann)) == ["bar_info_required"]


def test_the_attorney_and_the_applicant_may_not_share_an_email():
    attorney = dana()
    filing = signed_by_attorney(attorney, applicant=sunwave(email="DANA@example.test"))
    assert codes(attorney, filing) == ["attorney_email_conflict"]


def test_a_domicile_address_is_required():
    attorney = dana()
    assert codes(attorney, signed_by_attorney(attorney, applicant=sunwave(street="", country=""))) == [
        "filing_incomplete",
        "domicile_required",
    ]


def test_an_unsigned_filing_needs_a_signature():
    attorney = dana()
    filing = draft(attorney)
    assert codes(attorney, filing) == ["signature_required"]
    assert refusal(lambda: filings.submit_filing(attorney, filing)) == ["signature_required"]


def test_a_filing_awaiting_a_link_signature_cannot_be_submitted():
    attorney = dana()
    filing = draft(attorney)
    filings.request_signature(attorney, filing, li())
    assert refusal(lambda: filings.submit_filing(attorney, filing)) == ["signature_required"]
    assert Application.objects.get(pk=filing.pk).state == "awaiting_signature"


def test_submitting_twice_is_refused_as_invalid_state():
    attorney = dana()
    filing = filings.submit_filing(attorney, signed_by_attorney(attorney))
    assert refusal(lambda: filings.submit_filing(attorney, filing)) == ["invalid_state"]
    assert Application.objects.get(pk=filing.pk).serial_number == filing.serial_number


def test_a_suspended_submitter_is_refused():
    attorney = dana()
    filing = signed_by_attorney(attorney)
    accounts.suspend_account(supervisor(), attorney)
    assert refusal(lambda: filings.submit_filing(attorney, filing)) == ["account_suspended"]


def test_the_represented_owner_signs_by_link_but_a_verified_account_must_submit():
    # R8: Li is the individual applicant, represented by Dana; she signs without verifying
    attorney, seller = dana(), li()
    filing = filings.create_application(
        attorney, filing_data(applicant=ApplicantData.for_person(seller)), attorney=attorney
    )
    token = filings.request_signature(attorney, filing, seller).token
    filings.sign_by_link(token, signature="/Li Wei/", title="Owner")

    assert codes(seller, filing) == ["identity_unverified"]
    assert codes(attorney, filing) == []
    assert filings.submit_filing(attorney, filing).state == "submitted"


def test_once_representation_ends_the_owner_must_verify_before_appointing_a_new_attorney():
    attorney, seller = dana(), li()
    filing = filings.create_application(
        attorney, filing_data(applicant=ApplicantData.for_person(seller)), attorney=attorney
    )
    filings.withdraw_representation(attorney, filing)
    new_attorney = person("ann", role="us_attorney", verified=True)

    assert refusal(lambda: filings.appoint_attorney(seller, filing, new_attorney)) == ["identity_unverified"]
    filing.refresh_from_db()
    assert filing.attorneys_of_record() == [] and filing.pending_attorneys() == []

    from tests.factories import verify

    verify(seller, method="video")
    filings.appoint_attorney(seller, filing, new_attorney)
    filing.refresh_from_db()
    assert (filing.attorneys_of_record(), filing.pending_attorneys()) == ([], [new_attorney])  # R24: Ann must accept
    filings.accept_appointment(new_attorney, filing)
    filing.refresh_from_db()
    assert filing.attorneys_of_record() == [new_attorney]


def test_only_the_attorney_of_record_withdraws_the_representation():
    attorney = dana()
    staff_creator = person("ann", role="us_attorney", verified=True)
    filing = filings.create_application(staff_creator, filing_data(), attorney=attorney)
    # an attorney who created it but is not of record has no access at all (DECISIONS 9)
    assert refusal(lambda: filings.withdraw_representation(staff_creator, filing)) == ["forbidden"]
    assert refusal(lambda: filings.withdraw_representation(person("olga", verified=True), filing)) == ["forbidden"]
    officer = person("otto", verified=True)  # an owner with access as creator, not of record
    own = filings.create_application(officer, filing_data(), attorney=attorney)
    assert refusal(lambda: filings.withdraw_representation(officer, own)) == ["role_not_permitted"]


def test_withdrawing_representation_voids_what_was_signed():
    attorney = dana()
    filing = signed_by_attorney(attorney)
    filings.withdraw_representation(attorney, filing)
    filing.refresh_from_db()
    assert filing.state == "draft"
    assert filing.signatures.get().superseded_at is not None

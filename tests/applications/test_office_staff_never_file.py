"""R25: office staff examine and review; they never file (issue 18, hole 2).

An office account is refused `role_not_permitted` for every filer step, in the services
the pages and the simulator call, and changes nothing; it still reads every filing and
takes the office's own steps."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts import services as accounts
from accounts.models import BarAdmission, User, VerificationRequest
from accounts.office import make_office_staff
from applications import access
from applications import services as filings
from applications.models import Application, Receipt, Signature, SignatureLink
from applications.services import ApplicantData
from tests.factories import (
    dana,
    draft,
    examiner,
    filing_data,
    li,
    pat,
    person,
    provider_answer,
    signed_by_attorney,
    supervisor,
    verify,
)
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db

OFFICE_SENTENCE = "Office staff examine and review; they cannot file, sign or act for a party."


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


def attempt(action):
    """What a step came to: "went through", or the codes it was refused with."""
    try:
        action()
    except Refused as refused:
        return refused.codes
    except ValidationError as error:
        return ["bad input: " + " ".join(error.messages)]
    return "went through"


def attorney_turned_examiner() -> User:
    # Erin Ross: her account verified as a US attorney and gave NY bar information, then
    # was made an examiner: the state the hole left behind, where only R25 stops her
    erin = person("erin", role="us_attorney", first_name="Erin", last_name="Ross", verified=True)
    accounts.add_bar_admission(erin, jurisdiction="NY", number="9911223", admitted=date(2012, 3, 1))
    make_office_staff(erin, "examiner")
    return User.objects.get(pk=erin.pk)


# --- the hole as reported -----------------------------------------------------------------
def test_an_examiner_cannot_verify_as_an_attorney_and_take_over_a_strangers_signed_filing():
    # issue 18, hole 2: an examiner verified herself through the provider as a US
    # attorney, added bar information, edited a stranger's signed draft, appointed
    # herself, signed and submitted it, and a receipt was issued
    attorney = dana()
    filing = signed_by_attorney(attorney)  # Dana's signed draft for Li's company
    erin = examiner()

    outcomes = {"verify as a US attorney through the provider": attempt(lambda: verify(erin, role="us_attorney"))}
    erin = User.objects.get(pk=erin.pk)  # as the next page would read her
    steps = {
        "add bar information": lambda: accounts.add_bar_admission(
            erin, jurisdiction="NY", number="9911223", admitted=date(2012, 3, 1)
        ),
        "edit the stranger's signed draft": lambda: filings.update_application(
            erin, filing, filing_data(mark="SUNWAVE PRO")
        ),
        "appoint herself": lambda: filings.appoint_attorney(erin, filing, erin),
        "sign": lambda: filings.sign_application(erin, filing, signature="/Erin Ross/", title="Attorney of record"),
        "submit": lambda: filings.submit_filing(erin, filing),
    }
    outcomes.update({step: attempt(action) for step, action in steps.items()})

    refused = dict.fromkeys(outcomes, ["role_not_permitted"])
    # and, signing, she is no signatory of this filing (R14): never office staff
    refused["sign"] = ["role_not_permitted", "signatory_not_authorized"]
    assert outcomes == refused
    filing.refresh_from_db()
    erin.refresh_from_db()
    assert (filing.state, filing.attorneys_of_record(), filing.mark) == ("signed", [attorney], "SUNWAVE")
    assert filing.serial_number is None and not Receipt.objects.filter(application=filing).exists()
    assert list(Signature.objects.filter(application=filing).values_list("signer", flat=True)) == [attorney.pk]
    assert (erin.identity_state, erin.role, erin.bar_admissions.count()) == ("unverified", "", 0)


# --- identity: verification, role, bar ----------------------------------------------------
@pytest.mark.parametrize("role", ["owner", "us_attorney", "ca_attorney", "support_staff", ""])
def test_office_staff_cannot_start_verifying_as_any_filer_role(role):
    erin = examiner()
    with pytest.raises(Refused) as refused:
        accounts.start_verification(erin, method="online", role=role)
    assert refused.value.codes == ["role_not_permitted"]
    assert refused.value.reasons[0].message == OFFICE_SENTENCE
    assert not VerificationRequest.objects.filter(user=erin).exists()


def test_office_staff_cannot_file_the_paper_form():
    sam = supervisor()
    assert refusal(
        lambda: accounts.file_paper_verification(sam, role="owner", document_country="US", document_number="P-9")
    ) == ["role_not_permitted"]
    sam.refresh_from_db()
    assert sam.identity_state == "unverified"


def test_a_provider_result_for_an_account_made_office_staff_meanwhile_is_refused():
    # the check was started before the account joined the office; the result comes after
    erin = person("erin", role="us_attorney", first_name="Erin", last_name="Ross")
    request = accounts.start_verification(erin, method="online", role="us_attorney")
    make_office_staff(erin, "examiner")
    token = provider_answer(request, document_country="US", document_number="ERIN-1")
    assert refusal(lambda: accounts.complete_verification(User.objects.get(pk=erin.pk), token)) == [
        "role_not_permitted"
    ]
    erin.refresh_from_db()
    assert (erin.identity_state, erin.document_fingerprint) == ("unverified", "")


def test_a_verified_office_account_cannot_choose_a_role():
    erin = attorney_turned_examiner()
    User.objects.filter(pk=erin.pk).update(role="")  # verified, no role: the only state choose_role accepts
    assert refusal(lambda: accounts.choose_role(User.objects.get(pk=erin.pk), "owner")) == ["role_not_permitted"]
    assert User.objects.get(pk=erin.pk).role == ""


def test_an_unverified_office_account_cannot_give_itself_a_filers_role_but_may_correct_its_name():
    erin = examiner()  # unverified, no role: update_profile's only state
    assert refusal(lambda: accounts.update_profile(erin, first_name="Erin", last_name="Ross", role="us_attorney")) == [
        "role_not_permitted"
    ]
    assert User.objects.get(pk=erin.pk).role == ""
    accounts.update_profile(erin, first_name="Erin", last_name="Ross-Lee")
    assert User.objects.get(pk=erin.pk).last_name == "Ross-Lee"


def test_office_staff_cannot_add_bar_admissions():
    erin = attorney_turned_examiner()
    assert refusal(
        lambda: accounts.add_bar_admission(erin, jurisdiction="CA", number="55", admitted=date(2014, 1, 1))
    ) == ["role_not_permitted"]
    assert BarAdmission.objects.filter(attorney=erin).count() == 1  # the one from before she joined


# --- filings ----------------------------------------------------------------------------------
def test_an_examiner_creating_an_application_is_refused_role_not_permitted_only():
    # issue 20's case: before R25 this said role_required + identity_unverified, steps an
    # office account is itself refused
    assert refusal(lambda: filings.create_application(examiner(), filing_data(), attorney=dana())) == [
        "role_not_permitted"
    ]
    assert not Application.objects.exists()


def test_an_office_account_verified_as_an_attorney_still_cannot_create_an_application():
    erin = attorney_turned_examiner()
    assert refusal(lambda: filings.create_application(erin, filing_data(), attorney=erin)) == ["role_not_permitted"]
    assert not Application.objects.exists()


def test_office_staff_cannot_take_any_filer_step_on_a_filing_they_can_read():
    attorney = dana()
    filing = draft(attorney)
    erin = attorney_turned_examiner()  # would pass every identity rule but R25
    seller = li()

    assert access.can_access(erin, filing)  # reading stays
    steps = {
        "edit": lambda: filings.update_application(erin, filing, filing_data(mark="MINE")),
        "request a signature": lambda: filings.request_signature(erin, filing, seller),
        "sign in the form": lambda: filings.sign_application(erin, filing, signature="/Erin Ross/", title="Examiner"),
        "appoint herself": lambda: filings.appoint_attorney(erin, filing, erin),
        "appoint Dana": lambda: filings.appoint_attorney(erin, filing, attorney),
        "withdraw representation": lambda: filings.withdraw_representation(erin, filing),
        "withdraw the filing": lambda: filings.withdraw_filing(erin, filing),
        "submit": lambda: filings.submit_filing(erin, filing),
    }
    outcomes = {step: attempt(action) for step, action in steps.items()}

    refused = dict.fromkeys(steps, ["role_not_permitted"])
    # beside it, what is true of the filing or the signer for anyone (docs/DECISIONS.md 40)
    refused["sign in the form"] = ["role_not_permitted", "signatory_not_authorized"]
    refused["submit"] = ["role_not_permitted", "signature_required"]
    assert outcomes == refused
    filing.refresh_from_db()
    assert (filing.state, filing.attorneys_of_record(), filing.mark) == ("draft", [attorney], "SUNWAVE")
    assert not SignatureLink.objects.exists() and not Signature.objects.exists()


def test_entering_another_persons_signature_is_refused_for_both_reasons_and_flagged():
    attorney = dana()
    filing = draft(attorney)
    erin = examiner()
    assert sorted(
        refusal(lambda: filings.sign_application(erin, filing, signature="/Dana Kim/", title="Esq.", signer=attorney))
    ) == ["role_not_permitted", "signature_not_personal"]
    assert list(filing.flags.values_list("code", flat=True)) == ["signature_entered_by_other"]


def test_the_submission_gate_says_role_not_permitted_for_an_office_actor_beside_the_filings_own_reasons():
    attorney = dana()
    ready = signed_by_attorney(attorney)
    unsigned = draft(attorney, mark="")

    assert [r.code for r in filings.can_submit(examiner(), ready)] == ["role_not_permitted"]
    assert [r.code for r in filings.can_submit(supervisor(), unsigned)] == [
        "role_not_permitted",
        "signature_required",
        "filing_incomplete",
    ]
    assert filings.can_submit(attorney, ready) == []  # the filer's own gate is unchanged


def test_an_office_account_cannot_be_named_attorney_of_record():
    attorney = dana()
    filing = draft(attorney)
    erin = attorney_turned_examiner()
    assert refusal(lambda: filings.appoint_attorney(attorney, filing, erin)) == ["role_not_permitted"]
    seller = li(verified=True)
    own = filing_data(applicant=ApplicantData.for_person(seller))
    assert refusal(lambda: filings.create_application(seller, own, attorney=erin)) == ["role_not_permitted"]
    filing.refresh_from_db()
    assert filing.attorneys_of_record() == [attorney]


def test_an_office_account_named_in_a_signing_link_cannot_sign_through_it():
    attorney = dana()
    filing = draft(attorney)
    erin = attorney_turned_examiner()
    link = filings.request_signature(attorney, filing, erin)
    assert refusal(lambda: filings.sign_by_link(link.token, signature="/Erin Ross/", title="Examiner")) == [
        "role_not_permitted",
        "signatory_not_authorized",
    ]
    assert not Signature.objects.exists()


# --- sponsorship -------------------------------------------------------------------------------
def test_office_staff_neither_sponsor_nor_ask_for_sponsorship():
    attorney = dana()
    erin = attorney_turned_examiner()
    staff = pat()
    assert refusal(lambda: accounts.sponsor_staff(erin, staff)) == ["role_not_permitted"]
    sam = supervisor()
    assert refusal(lambda: accounts.request_sponsorship(sam, attorney)) == ["role_not_permitted"]
    assert accounts.find_sponsorship(erin, staff) is None
    assert accounts.find_sponsorship(attorney, sam) is None


# --- the office's own steps stay --------------------------------------------------------------
def test_office_staff_still_read_every_filing_and_take_the_offices_steps():
    attorney = dana()
    filing = draft(attorney)
    olga = person("olga")
    paper = accounts.file_paper_verification(olga, role="owner", document_country="US", document_number="P-1")
    erin, sam = examiner(), supervisor()

    assert access.can_access(erin, filing) and access.visible_filings(sam).filter(pk=filing.pk).exists()
    accounts.review_paper_verification(erin, paper, approve=True)
    accounts.suspend_account(sam, olga)
    olga.refresh_from_db()
    assert olga.identity_state == "suspended"

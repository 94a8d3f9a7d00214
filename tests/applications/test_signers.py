"""Who signs (R8, R9, R14): a signature request names a person by the name and email the
requester typed, and that person needs no account. Where an account holds the address
when they sign, the rules about accounts apply to it then (support staff, office staff,
suspension). The creator who holds the owner role signs in the form with their title."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts import services as accounts
from accounts.office import make_office_staff
from applications import services as filings
from applications.models import Application, Receipt, Signature, SignatureLink
from applications.receipts import check_receipt, receipt_document
from applications.services import Signer
from tests.factories import filing_data, mallory, person, sunwave, supervisor
from tmverify import audit
from tmverify.models import AuditEvent
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db

# Sunwave's chief financial officer: no account here, and none is needed
CHEN = Signer(name="Chen Hua", email="chen.hua@sunwave.example")


def sign(token, signature="/Chen Hua/", title="CFO"):
    return filings.sign_by_link(token, signature=signature, title=title)


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


# --- a person without an account ---------------------------------------------------------
def test_a_person_without_an_account_signs_through_the_link_and_the_receipt_names_them(attorney, filing):
    link = filings.request_signature(attorney, filing, CHEN)

    signature = sign(link.token)

    assert (signature.signer, signature.signer_name, signature.signer_email) == (None, "Chen Hua", CHEN.email)
    assert (signature.method, signature.text, signature.title) == ("link", "/Chen Hua/", "CFO")
    event = audit.trail(filing).get(action="filing.signed")
    assert (event.actor_id, event.actor_label) == (None, CHEN.email)
    submitted = filings.submit_filing(attorney, filing)
    receipt = Receipt.objects.get(application=submitted)
    assert [(s["signer"], s["identity"]) for s in receipt.payload["signatures"]] == [
        ("Chen Hua", "exempt: signed through an emailed link (R8/R9)")
    ]
    assert check_receipt(receipt_document(receipt)).valid


def test_the_request_names_the_person_as_typed_and_the_email_greets_that_name(
    attorney, filing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = filings.request_signature(
            attorney, filing, Signer(name="  Chen   Hua ", email=" Chen.Hua@Sunwave.example ")
        )

    assert (link.signer_name, link.signer_email) == ("Chen Hua", "chen.hua@sunwave.example")
    assert Application.objects.get(pk=filing.pk).state == "awaiting_signature"
    event = audit.trail(filing).get(action="filing.signature_requested")
    assert event.data == {"signer_name": "Chen Hua", "signer_email": "chen.hua@sunwave.example"}
    (message,) = mail.outbox
    assert message.to == ["chen.hua@sunwave.example"]
    assert message.body.startswith("Dear Chen Hua,")
    assert "You do not need an account to sign." in message.body


def test_a_request_to_an_address_an_account_holds_still_uses_the_name_typed(
    attorney, filing, django_capture_on_commit_callbacks
):
    # issue 19: the requester learns nothing of the account behind the address
    mallory()  # Mallory Stone holds mallory@example.test
    with django_capture_on_commit_callbacks(execute=True):
        link = filings.request_signature(attorney, filing, Signer(name="M. Stone", email="mallory@example.test"))

    assert link.signer_name == "M. Stone"
    assert "Mallory" not in mail.outbox[0].body
    assert "Mallory" not in str(audit.trail(filing).get(action="filing.signature_requested").data)


@pytest.mark.parametrize(
    ("name", "email"),
    [
        ("", "chen@sunwave.example"),
        ("   ", "chen@sunwave.example"),
        ("C" * 201, "chen@sunwave.example"),
        ("Chen Hua", "not an email"),
        ("Chen Hua", ""),
        ("Chen Hua", "c" * 64 + "@" + "sunwave." * 24 + "example"),  # 264 characters, a valid address
    ],
)
def test_a_request_without_a_name_or_a_valid_email_changes_nothing(
    attorney, filing, name, email, django_capture_on_commit_callbacks
):
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        filings.request_signature(attorney, filing, Signer(name=name, email=email))
    assert not SignatureLink.objects.exists()
    assert Application.objects.get(pk=filing.pk).state == "draft"
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []


def test_a_new_request_to_the_same_address_in_another_case_replaces_the_older_link(attorney, filing):
    first = filings.request_signature(attorney, filing, CHEN).token
    second = filings.request_signature(attorney, filing, Signer("Chen Hua", "CHEN.HUA@sunwave.example")).token

    assert refusal(lambda: sign(first)) == ["signature_link_invalid"]
    sign(second)


def test_a_signature_by_a_person_without_an_account_lapses_when_the_filing_is_edited(attorney, filing):
    sign(filings.request_signature(attorney, filing, CHEN).token)
    filings.update_application(attorney, filing, filing_data(mark="SUNWAVE PRO"))
    assert [r.code for r in filings.can_submit(attorney, filing)] == ["signature_required"]


# --- the account that holds the address when the person signs ------------------------------
def test_an_address_that_became_a_paralegals_account_cannot_sign(attorney, filing):
    token = filings.request_signature(attorney, filing, Signer("Pat Lee", "pat@example.test")).token
    person("pat", role="support_staff", first_name="Pat", last_name="Lee")  # signs up after the request

    assert refusal(lambda: sign(token, signature="/Pat Lee/")) == ["signatory_not_authorized"]
    assert not Signature.objects.exists()


def test_an_address_held_by_a_suspended_account_cannot_sign(attorney, filing):
    token = filings.request_signature(attorney, filing, Signer("Olga Tester", "olga@example.test")).token
    accounts.suspend_account(supervisor(), person("olga"))

    assert refusal(lambda: sign(token, signature="/Olga Tester/")) == ["account_suspended"]


def test_an_address_held_by_office_staff_cannot_sign(attorney, filing):
    erin = person("erin", role="", first_name="Erin", last_name="Ross")
    make_office_staff(erin, "examiner")
    token = filings.request_signature(attorney, filing, Signer("Erin Ross", "erin@example.test")).token

    assert sorted(refusal(lambda: sign(token, signature="/Erin Ross/"))) == [
        "role_not_permitted",
        "signatory_not_authorized",
    ]


def test_the_refusal_names_the_person_as_the_request_did(attorney, filing):
    person("pat", role="support_staff", first_name="Pat", last_name="Lee")
    token = filings.request_signature(attorney, filing, Signer("P. Lee", "pat@example.test")).token
    with pytest.raises(Refused) as refused:
        sign(token, signature="/P. Lee/")
    assert refused.value.reasons[0].message.startswith("P. Lee may not sign this filing")


# --- who a request may name (R14) -------------------------------------------------------
def test_an_attorney_not_of_record_named_by_a_request_signs_through_the_link(attorney, filing):
    ron = person("ron", role="us_attorney", first_name="Ron", last_name="Hale", verified=True)

    signature = sign(filings.request_signature(attorney, filing, ron).token, signature="/Ron Hale/", title="Counsel")

    assert signature.signer == ron
    assert filings.submit_filing(attorney, filing).state == "submitted"


def test_an_officer_with_no_trademark_role_named_by_a_request_signs_through_the_link(attorney, filing):
    officer = person("chen", role="", first_name="Chen", last_name="Hua")  # an account, no role chosen

    sign(filings.request_signature(attorney, filing, officer).token)

    assert filings.submit_filing(attorney, filing).state == "submitted"


def test_the_creator_holding_the_owner_role_signs_in_the_form_with_their_title():
    # Evan, an employee of Acme with the owner role, prepares Acme's filing himself
    evan = person("evan", first_name="Evan", last_name="Moss", verified=True)
    acme = sunwave(name="Acme Widgets Inc.", citizenship="US", street="100 Main St", city="Springfield", country="US")
    filing = filings.create_application(evan, filing_data(applicant=acme))

    signature = filings.sign_application(evan, filing, signature="/Evan Moss/", title="General Counsel")

    assert (signature.signer, signature.signer_name, signature.title) == (evan, "Evan Moss", "General Counsel")
    assert filings.submit_filing(evan, filing).state == "submitted"

"""R24, issue 18 hole 1: an attorney is of record only by their own act (SCENARIOS.md
v2, "Attorneys by consent"). Named by anyone else, the appointment waits for the
attorney to accept it, and until then it satisfies no rule and no receipt names them."""

from datetime import date

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django_fsm import TransitionNotAllowed

from accounts import services as accounts
from applications import access, fraud_signals, rules, sanctions
from applications import services as filings
from applications.models import Receipt, Representation
from applications.receipts import attorneys_named, check_receipt, receipt_document
from applications.services import ApplicantData
from tests.factories import (
    dana,
    draft,
    filing_data,
    issued_before_labels,
    li,
    pat,
    person,
    signed_by_attorney,
    sunwave,
)
from tmverify import audit
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


def codes(reasons) -> list[str]:
    return [r.code for r in reasons]


def olga():
    # verified US owner who files for a Chinese company and types an attorney's email
    return person("olga", first_name="Olga", last_name="Berg", verified=True)


def max_ortiz():
    # another verified US attorney with his own NY bar number
    attorney = person("max", role="us_attorney", first_name="Max", last_name="Ortiz", verified=True)
    accounts.add_bar_admission(attorney, jurisdiction="NY", number="7788990", admitted=date(2012, 3, 1))
    return attorney


# --- the reported hole ------------------------------------------------------------------------
def test_an_owner_typing_an_attorneys_email_gets_no_serial_number_on_that_attorneys_credentials():
    attorney, owner = dana(), olga()
    filing = filings.create_application(owner, filing_data(), attorney=attorney)
    filings.request_signature(owner, filing, owner)
    filings.sign_application(owner, filing, signature="/Olga Berg/", title="Director")

    assert "us_counsel_required" in codes(filings.can_submit(owner, filing))
    assert "us_counsel_required" in refusal(lambda: filings.submit_filing(owner, filing))
    filing.refresh_from_db()
    assert (filing.state, filing.serial_number) == ("signed", None)
    assert not Receipt.objects.filter(application=filing).exists()


def test_the_attorney_an_owner_names_is_told_by_mail(django_capture_on_commit_callbacks):
    attorney, owner = dana(), olga()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        filings.create_application(owner, filing_data(), attorney=attorney)
    assert [m.to for m in mail.outbox] == [[attorney.email]]
    assert "Olga Berg" in mail.outbox[0].body and "SUNWAVE" in mail.outbox[0].body


def test_another_attorneys_paralegal_cannot_appoint_dana():
    attorney, other = dana(), max_ortiz()
    staff = pat(other)  # Max's paralegal, actively sponsored by Max
    filing = filings.create_application(staff, filing_data(), attorney=other)
    assert refusal(lambda: filings.appoint_attorney(staff, filing, attorney)) == ["role_not_permitted"]
    assert refusal(lambda: filings.create_application(staff, filing_data(), attorney=attorney)) == [
        "sponsorship_required"
    ]


# --- naming: of record by one's own act, pending otherwise ---------------------------------------
def representation(filing, attorney) -> Representation:
    return Representation.objects.get(application=filing, attorney=attorney)


def test_an_attorney_filing_herself_is_of_record_at_once_and_no_one_is_mailed(django_capture_on_commit_callbacks):
    attorney = dana()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        filing = draft(attorney)
    row = representation(filing, attorney)
    assert (row.state, row.named_by, row.of_record_at is not None) == ("of_record", attorney, True)
    assert mail.outbox == []


def test_staff_naming_their_sponsoring_attorney_make_her_of_record_at_once():
    attorney = dana()
    staff = pat(attorney)
    filing = filings.create_application(staff, filing_data(), attorney=attorney)
    row = representation(filing, attorney)
    assert (row.state, row.named_by) == ("of_record", staff)


def test_a_pending_appointment_satisfies_no_rule_and_the_gate_says_so():
    attorney, owner = dana(), olga()
    filing = filings.create_application(owner, filing_data(), attorney=attorney)
    assert (filing.attorneys_of_record(), filing.pending_attorneys()) == ([], [attorney])
    assert not rules.is_authorized_signatory(attorney, filing)  # R14: not of record, so not a signatory
    assert "us_counsel_required" in codes(rules.content_reasons(filing))
    assert [e.action for e in audit.trail(filing).order_by("seq")] == ["filing.created", "filing.attorney_named"]
    assert audit.trail(filing).get(action="filing.attorney_named").data == {
        "attorney_id": attorney.pk,
        "state": "pending",
    }


def test_the_appointment_mail_says_who_named_her_and_where_to_answer(django_capture_on_commit_callbacks):
    attorney, owner = dana(), olga()
    with django_capture_on_commit_callbacks(execute=True):
        filing = filings.create_application(owner, filing_data(), attorney=attorney)
    (message,) = mail.outbox
    assert message.subject == "Appointment waiting for you: SUNWAVE"
    assert "Olga Berg named you" in message.body and "Shenzhen Sunwave Co., Ltd." in message.body
    assert f"/filings/{filing.pk}/" in message.body and "until you accept" in message.body


def test_a_refused_appointment_sends_no_mail(django_capture_on_commit_callbacks):
    attorney, owner = dana(), olga()
    filing = filings.create_application(owner, filing_data())
    mail.outbox.clear()
    stranger = person("sid", verified=True)  # no access to Olga's filing
    with django_capture_on_commit_callbacks(execute=True):
        assert refusal(lambda: filings.appoint_attorney(stranger, filing, attorney)) == ["forbidden"]
    assert mail.outbox == [] and not Representation.objects.exists()


# --- accept and decline ---------------------------------------------------------------------------
def signed_by_owner(attorney=None):
    """Olga's filing for Sunwave, signed by Olga (a request named her); `attorney` named by her."""
    owner = olga()
    filing = filings.create_application(owner, filing_data(), attorney=attorney)
    filings.request_signature(owner, filing, owner)
    filings.sign_application(owner, filing, signature="/Olga Berg/", title="Director")
    filing.refresh_from_db()
    return owner, filing


def test_accepting_makes_her_of_record_and_lapses_what_was_signed():
    attorney = dana()
    owner, filing = signed_by_owner(attorney)
    link = filings.request_signature(owner, filing, attorney)  # a link out to Dana too
    assert filing.state in ("signed", "awaiting_signature")

    filings.accept_appointment(attorney, filing)

    filing.refresh_from_db()
    row = representation(filing, attorney)
    assert (row.state, row.of_record_at is not None, row.ended_at) == ("of_record", True, None)
    assert filing.state == "draft" and filing.attorneys_of_record() == [attorney]
    assert not filing.signatures.filter(superseded_at__isnull=True).exists()
    link = filing.signature_links.get(pk=link.pk)
    assert link.revoked_at is not None
    assert audit.trail(filing).filter(action="filing.appointment_accepted", to_state="draft").count() == 1


def test_accepting_with_borrowed_credentials_raises_the_r23_flag():
    dana()  # holds NY 4455667
    owner = olga()
    copycat = max_ortiz()
    accounts.add_bar_admission(copycat, jurisdiction="ny", number="4455667", admitted=date(2016, 1, 1))  # Dana's number
    filing = filings.create_application(owner, filing_data(), attorney=copycat)
    assert not filing.flags.exists()  # named, not accepted: nothing stands on his credentials yet
    filings.accept_appointment(copycat, filing)
    assert list(filing.flags.values_list("code", flat=True)) == ["shared_attorney_credentials"]


def test_an_unverified_attorney_cannot_accept_after_the_mandatory_date():
    attorney = dana(verified=False)
    owner = olga()
    filing = filings.create_application(owner, filing_data(), attorney=attorney)
    assert refusal(lambda: filings.accept_appointment(attorney, filing)) == ["identity_unverified"]
    assert representation(filing, attorney).state == "pending"


def test_an_appointment_on_a_submitted_filing_can_be_declined_but_not_accepted():
    attorney, other = dana(), max_ortiz()
    filing = signed_by_attorney(attorney)
    filings.appoint_attorney(attorney, filing, other)
    filings.submit_filing(attorney, filing)
    assert refusal(lambda: filings.accept_appointment(other, filing)) == ["invalid_state"]
    filings.decline_appointment(other, filing)
    assert representation(filing, other).state == "declined"


def test_declining_changes_nothing_else_and_ends_her_sight_of_the_filing():
    attorney = dana()
    owner, filing = signed_by_owner(attorney)
    filings.decline_appointment(attorney, filing)
    filing.refresh_from_db()
    row = representation(filing, attorney)
    assert (row.state, row.ended_at is not None) == ("declined", True)
    assert filing.state == "signed" and filing.signatures.filter(superseded_at__isnull=True).count() == 1
    assert not access.can_access(attorney, filing) and not access.visible_filings(attorney).exists()
    assert audit.trail(filing).filter(action="filing.appointment_declined", actor_id=attorney.pk).count() == 1


def test_only_the_attorney_named_answers_an_appointment():
    attorney, other = dana(), max_ortiz()
    owner, filing = signed_by_owner(attorney)
    assert refusal(lambda: filings.accept_appointment(other, filing)) == ["forbidden"]
    assert refusal(lambda: filings.decline_appointment(other, filing)) == ["forbidden"]
    assert refusal(lambda: filings.accept_appointment(owner, filing)) == [
        "invalid_state"
    ]  # she has access, no appointment
    assert representation(filing, attorney).state == "pending"


def test_a_declined_attorney_can_be_named_again_and_the_history_stays():
    attorney = dana()
    owner, filing = signed_by_owner(attorney)
    filings.decline_appointment(attorney, filing)
    filings.appoint_attorney(owner, filing, attorney)
    states = list(Representation.objects.filter(application=filing).order_by("pk").values_list("state", flat=True))
    assert states == ["declined", "pending"]


def test_the_database_holds_one_current_representation_per_attorney_and_filing():
    attorney = dana()
    filing = draft(attorney)
    with pytest.raises(IntegrityError), transaction.atomic():
        Representation.objects.create(application=filing, attorney=attorney, named_by=attorney)


def test_the_transitions_are_the_only_moves():
    attorney = dana()
    owner, filing = signed_by_owner(attorney)
    filings.decline_appointment(attorney, filing)
    row = representation(filing, attorney)
    with pytest.raises(TransitionNotAllowed):
        row.accept()
    with pytest.raises(AttributeError):
        row.state = "of_record"  # protected: never by hand


# --- acting while pending -------------------------------------------------------------------------
def test_a_pending_attorney_reads_the_filing_but_every_other_step_is_forbidden():
    attorney = dana()
    owner, filing = signed_by_owner(attorney)
    assert access.can_access(attorney, filing) and not access.can_act(attorney, filing)
    assert access.visible_filings(attorney).filter(pk=filing.pk).exists()
    steps = {
        "sign": lambda: filings.sign_application(attorney, filing, signature="/Dana Kim/", title="Attorney"),
        "request a signature": lambda: filings.request_signature(attorney, filing, owner),
        "submit": lambda: filings.submit_filing(attorney, filing),
        "edit": lambda: filings.update_application(attorney, filing, filing_data()),
        "withdraw the filing": lambda: filings.withdraw_filing(attorney, filing),
        "withdraw": lambda: filings.withdraw_representation(attorney, filing),
        "appoint": lambda: filings.appoint_attorney(attorney, filing, max_ortiz()),
        "revoke": lambda: filings.revoke_attorney(attorney, filing, attorney),
    }
    for name, step in steps.items():
        assert refusal(step) == ["forbidden"], name
    assert [r.message for r in filings.can_submit(attorney, filing)] == [rules.PENDING_ATTORNEY_DOES_NOT_ACT]
    filing.refresh_from_db()
    assert (filing.state, filing.flags.count()) == ("signed", 0)  # her attempt to sign raised no R13 flag


# --- several attorneys, withdraw, revoke ----------------------------------------------------------
def test_an_attorney_of_record_appointing_co_counsel_keeps_the_signature_until_he_accepts():
    attorney, other = dana(), max_ortiz()
    filing = signed_by_attorney(attorney)
    filings.appoint_attorney(attorney, filing, other)
    filing.refresh_from_db()
    assert (filing.state, filing.pending_attorneys()) == ("signed", [other])
    filings.accept_appointment(other, filing)
    filing.refresh_from_db()
    assert (filing.state, filing.attorneys_of_record()) == ("draft", [attorney, other])
    assert rules.is_authorized_signatory(other, filing)


def test_one_of_two_attorneys_withdrawing_leaves_the_other_and_lapses_the_signature():
    attorney, other = dana(), max_ortiz()
    filing = draft(attorney)
    filings.appoint_attorney(attorney, filing, other)
    filings.accept_appointment(other, filing)
    filings.sign_application(other, filing, signature="/Max Ortiz/", title="Attorney of record")
    filings.withdraw_representation(attorney, filing)
    filing.refresh_from_db()
    assert (filing.state, filing.attorneys_of_record()) == ("draft", [other])
    assert representation(filing, attorney).state == "withdrawn"
    assert not access.can_access(attorney, filing) and access.can_access(other, filing)


def test_the_individual_applicant_revokes_an_attorney_of_record_and_cancels_a_pending_one():
    attorney, other, seller = dana(), max_ortiz(), li(verified=True)
    filing = filings.create_application(
        attorney, filing_data(applicant=ApplicantData.for_person(seller)), attorney=attorney
    )
    filings.appoint_attorney(attorney, filing, other)  # Max pending
    filings.sign_application(attorney, filing, signature="/Dana Kim/", title="Attorney of record")

    filings.revoke_attorney(seller, filing, other)  # a pending one: nothing signed lapses
    filing.refresh_from_db()
    assert (filing.state, representation(filing, other).state) == ("signed", "revoked")
    assert not access.can_access(other, filing)

    filings.revoke_attorney(seller, filing, attorney)
    filing.refresh_from_db()
    assert (filing.state, filing.attorneys_of_record()) == ("draft", [])
    assert representation(filing, attorney).state == "revoked"
    event = audit.trail(filing).filter(action="filing.attorney_revoked").order_by("seq").last()
    assert (event.actor_id, event.from_state, event.to_state) == (seller.pk, "signed", "draft")
    assert event.data == {"attorney_id": attorney.pk, "was": "of_record"}


def test_nobody_but_the_individual_applicant_revokes():
    attorney, other = dana(), max_ortiz()
    staff = pat(attorney)
    creator = olga()  # an officer of the company who created the filing
    filing = filings.create_application(creator, filing_data(), attorney=attorney)
    filings.accept_appointment(attorney, filing)
    filings.appoint_attorney(attorney, filing, other)
    for actor in (staff, attorney, creator):
        assert refusal(lambda actor=actor: filings.revoke_attorney(actor, filing, other)) == ["role_not_permitted"]
    assert representation(filing, other).state == "pending"


# --- R16: Canadian attorneys ------------------------------------------------------------------------
def claude():
    # Canadian attorney, verified, with Ontario bar information
    attorney = person("claude", role="ca_attorney", country="CA", verified=True)
    accounts.add_bar_admission(attorney, jurisdiction="ON", number="L123", admitted=date(2010, 5, 1))
    return attorney


def test_a_canadian_attorney_is_named_only_for_an_applicant_domiciled_in_canada():
    canadian, attorney = claude(), dana()
    assert refusal(lambda: filings.create_application(olga(), filing_data(), attorney=canadian)) == [
        "role_not_permitted"
    ]
    assert refusal(lambda: filings.create_application(canadian, filing_data(applicant=None))) == [
        "role_not_permitted"  # no domicile given yet: not domiciled in Canada
    ]
    filing = draft(attorney)
    assert refusal(lambda: filings.appoint_attorney(attorney, filing, canadian)) == ["role_not_permitted"]
    assert not Representation.objects.filter(attorney=canadian).exists()


def test_an_edit_moving_the_domicile_out_of_canada_is_refused_while_a_canadian_attorney_stands():
    canadian = claude()
    filing = filings.create_application(canadian, filing_data(applicant=sunwave(country="CA")))
    assert refusal(lambda: filings.update_application(canadian, filing, filing_data(applicant=sunwave()))) == [
        "role_not_permitted"
    ]
    filing.refresh_from_db()
    assert filing.applicant.domicile_country == "CA"


# --- what reads the attorneys of record -------------------------------------------------------------
def test_the_receipt_names_attorneys_of_record_only_and_checks():
    attorney, other = dana(), max_ortiz()
    filing = signed_by_attorney(attorney)
    filings.appoint_attorney(attorney, filing, other)  # pending at submission
    filings.submit_filing(attorney, filing)
    payload = Receipt.objects.get(application=filing).payload
    assert [a["name"] for a in payload["attorneys"]] == ["Dana Kim"] and "attorney" not in payload
    assert payload["attorneys"][0]["bar"] == [{"jurisdiction": "NY", "number": "4455667", "admitted": "2015-01-10"}]
    assert check_receipt(receipt_document(Receipt.objects.get(application=filing))).valid


def test_a_receipt_issued_before_r24_with_one_attorney_still_checks():
    attorney = dana()
    receipt = filings.submit_filing(attorney, signed_by_attorney(attorney)).receipt
    one = receipt.payload["attorneys"][0]
    receipt = issued_before_labels(receipt, attorney=one, attorneys=None)  # as receipts were before R24
    payload = receipt.payload
    assert "attorneys" not in payload and check_receipt(receipt_document(receipt)).valid
    assert attorneys_named(payload) == ["Dana Kim"] and attorneys_named({"attorney": None}) == []


def test_the_bar_number_signal_counts_filings_where_the_attorney_is_of_record_not_where_she_was_named(settings):
    settings.SIGNAL_FILINGS_PER_BAR_NUMBER = 2
    attorney = dana()
    draft(attorney)
    for n in range(3):  # three owners type Dana's email; she never answers
        filings.create_application(person(f"owner{n}", verified=True), filing_data(), attorney=attorney)
    assert fraud_signals.flagged_account_ids("bar_number_filings") == set()
    draft(attorney, mark="MOONWAVE")
    assert fraud_signals.flagged_account_ids("bar_number_filings") == {attorney.pk}


def test_a_sweep_suspends_the_filings_an_attorney_is_of_record_on_not_those_she_was_only_named_on():
    attorney = dana()
    own = draft(attorney)
    named = filings.create_application(olga(), filing_data(), attorney=attorney)
    assert set(sanctions.pending_filings_of(attorney)) == {own}
    assert sanctions.order_recipients(own) == ["legal@sunwave.example", attorney.email]
    assert sanctions.order_recipients(named) == ["legal@sunwave.example"]

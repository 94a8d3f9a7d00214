"""The statements of each service step and of each page the benchmarks measure
(bench/pages.py), pinned: a change that reads something twice, or once per row, shows
here. In a test every `audit.atomic()` is a savepoint (SAVEPOINT ... RELEASE): two of
each count; outside a test they are the transaction's BEGIN and COMMIT."""

import pytest
from django.db import transaction
from django.test import Client

from accounts import services as accounts
from accounts.models import User
from applications import services as filings
from applications.models import Application
from applications.services import ApplicantData, lock_filing, submit_filing
from tests.factories import dana, examiner, filing_data, person, provider_answer, signed_by_attorney

pytestmark = pytest.mark.django_db


def test_submit_filing(django_assert_num_queries):
    attorney = dana()
    submit_filing(attorney, signed_by_attorney(attorney))  # the serial counter's row made once
    filing = signed_by_attorney(attorney)
    # savepoint; the filing locked with applicant and creator; its attorneys (R24: their
    # representations, pending and of record, with the accounts); its goods, signatures
    # with signers, flags, the attorneys' bar admissions with R23's answer; the
    # submitter-applicant upsert; the 21st applicant of the window; the serial counter's
    # UPDATE ... RETURNING; the filing's UPDATE (where still signed); the audit head
    # locked, the events, the head; the receipt (it carries the signed head of its
    # submission, so it is made once the event is linked); release
    with django_assert_num_queries(16):
        submit_filing(attorney, filing)


def test_lock_filing(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    with transaction.atomic():
        # the filing with applicant and creator; its representations with their attorneys
        with django_assert_num_queries(2):
            lock_filing(filing)
        # and its goods, signatures with signers, flags, the attorneys' bar admissions
        with django_assert_num_queries(6):
            lock_filing(filing, with_contents=True)


def test_lock_filing_for_the_office_reads_the_filing_with_its_applicant_alone(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    with transaction.atomic():
        # one statement: the office's steps and the deadline job mail the applicant
        with django_assert_num_queries(1):
            locked = lock_filing(filing, attorneys=False)
            assert locked.applicant.email
        # the creator, which none of them reads, is not joined in (a quarter of the read's time)
        with django_assert_num_queries(1):
            assert locked.created_by.pk == filing.created_by_id


def test_lock_filing_reads_the_same_for_several_attorneys_and_pending_ones(django_assert_num_queries):
    attorney = dana()
    filing = signed_by_attorney(attorney)
    for n in range(3):
        other = person(f"co{n}", role="us_attorney", verified=True)
        filings.appoint_attorney(attorney, filing, other)
        if n:
            filings.accept_appointment(other, filing)
    with transaction.atomic(), django_assert_num_queries(6):
        lock_filing(filing, with_contents=True)


def test_lock_filing_without_attorney_reads_no_bar_admissions(django_assert_num_queries):
    owner = person("olga", verified=True)
    filing = filings.create_application(owner, filing_data(applicant=ApplicantData.for_person(owner)))
    # the filing, its (no) representations, goods, signatures, flags
    with transaction.atomic(), django_assert_num_queries(5):
        lock_filing(filing, with_contents=True)


def test_start_verification(django_assert_num_queries):
    user = person("zed")
    # savepoint; the account locked; the request; the audit head locked, the event, the
    # head; release
    with django_assert_num_queries(7):
        accounts.start_verification(user, method="online", role="owner")


def test_complete_verification(django_assert_num_queries):
    user = person("zed")
    request = accounts.start_verification(user, method="online", role="owner")
    result = provider_answer(request, document_country="US", document_number="ZED-1")
    # savepoint; the account locked; the open request locked; the request marked used;
    # the passed attempt; another verified account with the document (R6); the account,
    # in a savepoint of its own (the database may refuse a second verified account on
    # the document: issue 18); the audit head locked, the event, the head; release
    with django_assert_num_queries(13):
        accounts.complete_verification(user, result)


def test_file_paper_verification(django_assert_num_queries):
    user = person("pam")
    # savepoint; the account locked; the account (pending review); the paper form; the
    # audit head locked, the event, the head; release
    with django_assert_num_queries(8):
        accounts.file_paper_verification(user, role="owner", document_country="US", document_number="P-1")


def test_review_paper_verification(django_assert_num_queries):
    paper = accounts.file_paper_verification(person("pam"), role="owner", document_country="US", document_number="P-1")
    reviewer = examiner()
    # savepoint; the reviewer; their own and their groups' permissions (Django's
    # has_perm); the paper form locked; its account locked; the form; another verified
    # account with the document (R6); the account, in a savepoint of its own (issue 18);
    # the audit head locked, the events, the head; release
    with django_assert_num_queries(15):
        accounts.review_paper_verification(reviewer, paper, approve=True)


@pytest.fixture
def pages():
    """The pages bench/pages.py measures, each with a signed-in client, asked once
    already (as a browsing user would have)."""
    attorney = dana()
    filing = signed_by_attorney(attorney)
    signed_by_attorney(attorney)
    for n in range(3):
        accounts.file_paper_verification(
            person(f"paper{n}"), role="owner", document_country="US", document_number=f"P-{n}"
        )
    filer, office = Client(), Client()
    filer.force_login(attorney)
    office.force_login(examiner())
    found = {
        "dashboard": (filer, "/filings/"),
        "filing detail": (filer, f"/filings/{filing.pk}/"),
        "console paper queue": (office, "/console/accounts/paperverification/"),
    }
    for client, url in found.values():
        assert client.get(url).status_code == 200
    return found


@pytest.mark.parametrize(
    "page, statements",
    [
        # the session; the account; the filings counted, read; their goods, flags, their
        # attorneys (representations with accounts), the attorneys' bar admissions,
        # signatures with signers; what is due on them (R21, R22); the appointments waiting
        # for this attorney (R24); sponsorships counted, read; the session saved
        # (savepoint, update, release)
        ("dashboard", 16),
        # the session; the account; the filing with its people; its goods, flags, its
        # attorneys, their bar admissions, signatures with signers; the session saved (3)
        ("filing detail", 11),
        # the session; the account; its office groups; the forms counted with the list's
        # filter and without (the admin's changelist); the page of forms; the session
        # saved (3)
        ("console paper queue", 9),
    ],
)
def test_page(pages, page, statements, django_assert_num_queries):
    client, url = pages[page]
    with django_assert_num_queries(statements):
        assert client.get(url).status_code == 200


def test_the_pages_read_no_more_with_several_attorneys_and_appointments_waiting(pages, django_assert_num_queries):
    attorney = User.objects.get(email="dana@example.test")
    filing = Application.objects.filter(created_by=attorney).first()
    for n in range(3):
        co = person(f"co{n}", role="us_attorney", verified=True)
        filings.appoint_attorney(attorney, filing, co)
        filings.accept_appointment(co, filing)
        owner = person(f"owner{n}", verified=True)  # owners who name Dana: waiting for her answer
        filings.create_application(owner, filing_data(), attorney=attorney)
    for page, statements in (("dashboard", 16), ("filing detail", 11)):
        client, url = pages[page]
        with django_assert_num_queries(statements):
            assert client.get(url).status_code == 200

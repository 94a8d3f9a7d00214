"""`lock_filing(with_contents=True)` loads what the gate and the receipt read, one query
per relation, and the rules then read it without another query."""

import re
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts
from applications import services as filings
from applications.models import Application, Flag
from applications.services import ApplicantData, lock_filing, submit_filing
from tests.factories import dana, filing_data, person, signed_by_attorney

pytestmark = pytest.mark.django_db


def test_contents_are_loaded_once_and_match_the_database(django_assert_num_queries):
    attorney = dana()
    filing = signed_by_attorney(attorney)
    Flag.objects.create(application=filing, code="mail_drop_domicile")
    with transaction.atomic():
        # the filing with applicant and creator; its current representations with their
        # attorneys; then goods, signatures, flags and the attorneys' bar admissions
        with django_assert_num_queries(6):
            loaded = lock_filing(filing, with_contents=True)
        with django_assert_num_queries(0):
            goods = [(g.nice_class, g.text) for g in loaded.goods.all()]
            signers = [s.signer.email for s in loaded.signatures.all()]
            flags = [f.code for f in loaded.flags.all()]
            of_record = loaded.attorneys_of_record()
            bars = [(b.jurisdiction, b.shared_elsewhere) for a in of_record for b in a.bar_admissions.all()]
            assert loaded.pending_attorneys() == []
    assert goods == [(g.nice_class, g.text) for g in filing.goods.all()] and goods
    assert signers == [attorney.email]
    assert flags == ["mail_drop_domicile"]
    assert of_record == [attorney]
    assert bars == [(b.jurisdiction, False) for b in attorney.bar_admissions.all()] and bars


def test_every_attorney_of_record_is_loaded_with_the_r23_answer_and_pending_ones_with_them(django_assert_num_queries):
    attorney, other, asked = dana(), person("max", role="us_attorney", verified=True), person("rae", role="us_attorney")
    accounts.add_bar_admission(other, jurisdiction="NY", number="4455667", admitted=date(2016, 2, 1))  # Dana's number
    filing = signed_by_attorney(attorney)
    filings.appoint_attorney(attorney, filing, other)
    filings.accept_appointment(other, filing)
    filings.appoint_attorney(attorney, filing, asked)
    with transaction.atomic():
        with django_assert_num_queries(6):
            loaded = lock_filing(filing, with_contents=True)
        with django_assert_num_queries(0):
            answers = {
                a.full_name: [b.shared_elsewhere for b in a.bar_admissions.all()] for a in loaded.attorneys_of_record()
            }
            assert loaded.pending_attorneys() == [asked]
    assert answers == {attorney.full_name: [True], other.full_name: [True]}


def test_a_filing_without_attorney_is_loaded_with_its_contents_all_the_same(django_assert_num_queries):
    owner = person("olga", verified=True)  # files in her own name, unrepresented
    filing = filings.create_application(owner, filing_data(applicant=ApplicantData.for_person(owner)))
    filings.sign_application(owner, filing, signature="/Olga Tester/", title="Owner")
    goods = [g.text for g in filing.goods.all()]
    with transaction.atomic():
        with django_assert_num_queries(5):  # no attorney: no bar admissions to read
            loaded = lock_filing(filing, with_contents=True)
        with django_assert_num_queries(0):
            assert loaded.attorneys_of_record() == [] and loaded.pending_attorneys() == []
            assert [g.text for g in loaded.goods.all()] == goods and goods
            assert len(loaded.signatures.all()) == 1 and list(loaded.flags.all()) == []


def test_a_filing_that_is_not_there_is_the_models_does_not_exist():
    with transaction.atomic(), pytest.raises(Application.DoesNotExist):
        lock_filing(Application(pk=987654), with_contents=True)


def test_the_serial_counter_is_taken_last_so_other_submissions_wait_least():
    # the counter's row stays locked until commit and every submission needs it: after
    # it, only this filing's own writes and the audit chain may remain
    attorney = dana()
    filing = signed_by_attorney(attorney)
    with CaptureQueriesContext(connection) as captured:
        submit_filing(attorney, filing)
    tables = [re.findall(r'(?:FROM|INTO|UPDATE) "(\w+)"', q["sql"]) for q in captured.captured_queries]
    taken = tables.index(["applications_serialcounter"])
    after = {table for named in tables[taken + 1 :] for table in named} - {"applications_serialcounter"}
    assert after <= {"applications_application", "applications_receipt", "tmverify_audithead", "tmverify_auditevent"}
    assert ["applications_submitterapplicant"] in tables[:taken]  # the checks came first

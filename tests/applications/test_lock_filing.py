"""`lock_filing(with_contents=True)` loads what the gate and the receipt read, one query
per relation, and the rules then read it without another query."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications.models import Application, Flag
from applications.services import lock_filing, submit_filing
from tests.factories import dana, signed_by_attorney

pytestmark = pytest.mark.django_db


def test_contents_are_loaded_once_and_match_the_database(django_assert_num_queries):
    attorney = dana()
    filing = signed_by_attorney(attorney)
    Flag.objects.create(application=filing, code="mail_drop_domicile")
    with transaction.atomic():
        with django_assert_num_queries(5):  # the filing with its people, then four relations
            loaded = lock_filing(filing, with_contents=True)
        with django_assert_num_queries(0):
            goods = [(g.nice_class, g.text) for g in loaded.goods.all()]
            signers = [s.signer.email for s in loaded.signatures.all()]
            flags = [f.code for f in loaded.flags.all()]
            bars = [b.jurisdiction for b in loaded.attorney.bar_admissions.all()]
    assert goods == [(g.nice_class, g.text) for g in filing.goods.all()] and goods
    assert signers == [attorney.email]
    assert flags == ["mail_drop_domicile"]
    assert bars == [b.jurisdiction for b in attorney.bar_admissions.all()] and bars


def test_a_filing_without_attorney_is_loaded_with_its_contents_all_the_same(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    filing.attorney = None
    filing.save()
    goods = [g.text for g in filing.goods.all()]
    with transaction.atomic():
        loaded = lock_filing(filing, with_contents=True)
        with django_assert_num_queries(0):
            assert loaded.attorney is None
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

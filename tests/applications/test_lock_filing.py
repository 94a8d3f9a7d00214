"""`lock_filing(with_contents=True)` loads what the gate and the receipt read, one query
per relation, and the rules then read it without another query."""

import pytest
from django.db import transaction

from applications.models import Flag
from applications.services import lock_filing
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


def test_a_filing_without_attorney_loads_no_bar_admissions(django_assert_num_queries):
    filing = signed_by_attorney(dana())
    filing.attorney = None
    filing.save()
    with transaction.atomic(), django_assert_num_queries(4):
        assert lock_filing(filing, with_contents=True).attorney is None

"""A filer may abandon an unsubmitted filing; its signing links lapse with it."""

import pytest

from applications import services as filings
from applications.models import Application
from tests.factories import dana, draft, li, mallory
from tmverify import audit
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def test_the_attorney_withdraws_a_draft_and_its_links_lapse():
    attorney = dana()  # US attorney of record
    seller = li()  # Chinese seller, asked to sign
    filing = draft(attorney)
    token = filings.request_signature(attorney, filing, seller).token

    filings.withdraw_filing(attorney, filing)

    assert Application.objects.get(pk=filing.pk).state == "withdrawn"
    assert audit.trail(filing).filter(action="filing.withdrawn").count() == 1
    with pytest.raises(Refused) as refused:
        filings.sign_by_link(token, signature="/Li Wei/", title="CEO")
    assert refused.value.codes == ["signature_link_invalid"]


def test_a_submitted_filing_cannot_be_withdrawn_and_a_stranger_cannot_withdraw():
    attorney = dana()
    filing = draft(attorney)
    with pytest.raises(Refused) as refused:
        filings.withdraw_filing(mallory(), filing)  # logged in, must see nothing of it
    assert refused.value.codes == ["forbidden"]
    filings.withdraw_filing(attorney, filing)
    with pytest.raises(Refused) as refused:
        filings.withdraw_filing(attorney, filing)
    assert refused.value.codes == ["invalid_state"]

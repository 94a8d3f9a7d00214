"""R24, issue 18 hole 1: an attorney is of record only by their own act (SCENARIOS.md
v2, "Attorneys by consent"). Named by anyone else, the appointment waits for the
attorney to accept it, and until then it satisfies no rule and no receipt names them."""

from datetime import date

import pytest
from django.core import mail

from accounts import services as accounts
from applications import services as filings
from applications.models import Receipt
from tests.factories import dana, filing_data, pat, person
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

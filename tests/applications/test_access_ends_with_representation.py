"""Issue 18 hole 3: access that came through representation ends with it (SCENARIOS.md
v2, "Access to a filing"; docs/DECISIONS.md 9). Through the services and the pages."""

import pytest
from django.test import Client

from accounts import services as accounts
from applications import access
from applications import services as filings
from applications.services import ApplicantData
from tests.factories import dana, draft, filing_data, li, pat, person, sunwave, supervisor
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


def page(user, method, url, data=None) -> int:
    client = Client()
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


def us_company():
    # domestic, so no US counsel is needed once the attorney is gone (R16): only access stops her
    return sunwave(name="Austin Sunwave Inc.", citizenship="US", street="1 Congress Ave", city="Austin", country="US")


def test_a_withdrawn_attorney_who_created_the_filing_can_no_longer_read_request_a_signature_or_submit():
    attorney, owner = dana(), li()
    filing = draft(attorney, applicant=us_company())
    filings.withdraw_representation(attorney, filing)
    filing.refresh_from_db()

    assert not access.can_access(attorney, filing)
    assert not access.visible_filings(attorney).filter(pk=filing.pk).exists()
    assert refusal(lambda: filings.request_signature(attorney, filing, owner)) == ["forbidden"]
    assert refusal(lambda: filings.submit_filing(attorney, filing)) == ["forbidden"]
    assert [r.code for r in filings.can_submit(attorney, filing)] == ["forbidden"]
    filing.refresh_from_db()
    assert (filing.state, filing.signature_links.count(), filing.serial_number) == ("draft", 0, None)


def test_a_withdrawn_attorney_who_created_the_filing_gets_404_on_its_pages():
    attorney = dana()
    li()
    filing = draft(attorney, applicant=us_company())
    filings.withdraw_representation(attorney, filing)

    assert page(attorney, "get", f"/filings/{filing.pk}/") == 404
    assert page(attorney, "post", f"/filings/{filing.pk}/request-signature/", {"email": "li@example.test"}) == 404
    assert page(attorney, "get", f"/filings/{filing.pk}/submit/") == 404
    assert page(attorney, "post", f"/filings/{filing.pk}/submit/") == 404
    filing.refresh_from_db()
    assert (filing.state, filing.signature_links.count()) == ("draft", 0)
    dashboard = Client()
    dashboard.force_login(attorney)
    assert "SUNWAVE" not in dashboard.get("/filings/").content.decode()


def test_a_paralegal_whose_sponsorship_ended_cannot_read_the_filing_they_prepared():
    attorney = dana()
    staff = pat(attorney)
    filing = draft(attorney, creator=staff)
    assert access.can_access(staff, filing) and page(staff, "get", f"/filings/{filing.pk}/") == 200

    accounts.end_sponsorship(attorney, accounts.find_sponsorship(attorney, staff))

    assert not access.can_access(staff, filing)
    assert not access.visible_filings(staff).exists()
    assert refusal(lambda: filings.request_signature(staff, filing, attorney)) == ["forbidden"]
    assert page(staff, "get", f"/filings/{filing.pk}/") == 404
    assert page(staff, "get", f"/filings/{filing.pk}/submit/") == 404


def test_a_paralegal_loses_access_while_their_attorney_is_suspended():
    attorney, office = dana(), supervisor()
    staff = pat(attorney)
    filing = draft(attorney, creator=staff)

    accounts.suspend_account(office, attorney, note="Filing-mill investigation")
    assert not access.can_access(staff, filing)
    assert not access.visible_filings(staff).exists()
    assert refusal(lambda: filings.request_signature(staff, filing, li())) == ["forbidden"]
    assert page(staff, "get", f"/filings/{filing.pk}/") == 404

    accounts.reinstate_account(office, attorney, note="Cleared")
    assert access.can_access(staff, filing)
    assert page(staff, "get", f"/filings/{filing.pk}/") == 200


def test_an_owner_who_created_the_filing_keeps_access_after_the_attorney_withdrew():
    attorney, officer = dana(), person("olga", verified=True)  # an officer of the applicant
    filing = filings.create_application(officer, filing_data(applicant=us_company()), attorney=attorney)
    filings.accept_appointment(attorney, filing)  # R24: of record only once she accepts
    filings.withdraw_representation(attorney, filing)
    filing.refresh_from_db()

    assert access.can_access(officer, filing)
    assert access.visible_filings(officer).filter(pk=filing.pk).exists()
    assert page(officer, "get", f"/filings/{filing.pk}/") == 200
    filings.request_signature(officer, filing, officer)


def test_the_individual_applicant_keeps_access_after_the_attorney_withdrew():
    attorney, owner = dana(), li()
    filing = filings.create_application(
        attorney, filing_data(applicant=ApplicantData.for_person(owner)), attorney=attorney
    )
    filings.withdraw_representation(attorney, filing)
    filing.refresh_from_db()

    assert access.can_access(owner, filing)
    assert access.visible_filings(owner).filter(pk=filing.pk).exists()
    assert page(owner, "get", f"/filings/{filing.pk}/") == 200
    assert not access.can_access(attorney, filing)
    assert page(attorney, "get", f"/filings/{filing.pk}/") == 404


def test_an_attorney_who_names_no_attorney_is_of_record_and_so_keeps_her_draft():
    attorney = dana()
    filing = filings.create_application(attorney, filing_data())
    assert filing.attorneys_of_record() == [attorney] and access.can_access(attorney, filing)


def test_staff_must_name_an_attorney_who_sponsors_them():
    attorney, other = dana(), person("ann", role="us_attorney", verified=True)
    staff = pat(attorney)
    for named in (None, other):
        assert refusal(lambda named=named: filings.create_application(staff, filing_data(), attorney=named)) == [
            "sponsorship_required"
        ]
    assert not access.visible_filings(staff).exists()
    assert filings.create_application(staff, filing_data(), attorney=attorney).attorneys_of_record() == [attorney]

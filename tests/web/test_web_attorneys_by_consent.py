"""R24 on the pages (issue 18 hole 1): naming an attorney asks them; it does not make
them attorney of record. The attorney answers from the dashboard or the filing's page."""

import pytest

from applications import services
from applications.models import Representation
from tests import factories
from tests.web.test_web_filings import form_data

pytestmark = pytest.mark.django_db


def olga():
    # verified US owner filing for a Chinese company
    return factories.person("olga", first_name="Olga", last_name="Berg", verified=True)


def test_an_owner_naming_dana_on_the_form_is_told_dana_must_accept_and_cannot_submit(as_user, dana):
    owner = olga()
    client = as_user(owner)
    page = client.post("/filings/new/", form_data(), follow=True).content.decode()
    assert "is now the attorney of record" not in page
    assert "Waiting for Dana Kim to accept" in page
    application = owner.created_filings.get()

    client.post(
        f"/filings/{application.pk}/request-signature/", {"email": "olga@example.test"}
    )  # Olga may sign once a request names her
    client.post(
        f"/filings/{application.pk}/sign/",
        {"signature": "/Olga Berg/", "title": "Director", "declaration": "on"},
    )
    page = client.post(f"/filings/{application.pk}/submit/", follow=True).content.decode()
    assert "us_counsel_required" in page
    application.refresh_from_db()
    assert application.serial_number is None


def test_appointing_an_attorney_on_the_page_says_they_were_asked(as_user, dana):
    owner = olga()
    filing = services.create_application(owner, factories.filing_data())
    page = as_user(owner).post(f"/filings/{filing.pk}/appoint/", {"email": "dana@example.test"}, follow=True)
    text = page.content.decode()
    assert "is now the attorney of record" not in text
    assert "Dana Kim was asked to accept the appointment" in text
    assert "Waiting for Dana Kim to accept" in text


def test_the_checklist_says_who_is_awaited_in_chinese(client, dana):
    owner = olga()
    filing = services.create_application(owner, factories.filing_data(), attorney=dana)
    client.force_login(owner)
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    for url in (f"/filings/{filing.pk}/", "/filings/"):
        page = client.get(url).content.decode()
        assert "等待 Dana Kim 接受担任备案律师的委任。" in page, url


def test_the_attorney_sees_appointments_waiting_on_her_dashboard_and_accepts_one(as_user, dana):
    owner = olga()
    filing = services.create_application(owner, factories.filing_data(), attorney=dana)
    client = as_user(dana)
    page = client.get("/filings/").content.decode()
    assert "Appointments waiting for your answer" in page
    assert "Applicant: Shenzhen Sunwave Co., Ltd. — named by Olga Berg" in page
    assert f'action="/filings/{filing.pk}/accept/"' in page and f'action="/filings/{filing.pk}/decline/"' in page

    page = client.post(f"/filings/{filing.pk}/accept/", follow=True).content.decode()
    assert "You are now an attorney of record on this filing" in page
    assert Representation.objects.get(application=filing, attorney=dana).state == "of_record"
    assert "Appointments waiting for your answer" not in client.get("/filings/").content.decode()


def test_a_pending_attorney_reads_the_filing_with_accept_and_decline_and_no_filers_forms(as_user, dana):
    filing = services.create_application(olga(), factories.filing_data(), attorney=dana)
    page = as_user(dana).get(f"/filings/{filing.pk}/").content.decode()
    assert "You are named attorney on this filing" in page
    assert f'action="/filings/{filing.pk}/accept/"' in page
    for form in ("edit/", "request-signature/", "appoint/", "sign/", "withdraw/"):
        assert f"/filings/{filing.pk}/{form}" not in page, form
    # and the edit page, opened by its address, sends her back with the reason, saving nothing
    response = as_user(dana).post(f"/filings/{filing.pk}/edit/", form_data(mark="TAKEN"), follow=True)
    assert "accept the appointment before you act on it" in response.content.decode()
    filing.refresh_from_db()
    assert filing.mark == "SUNWAVE"


def test_declining_takes_the_filing_off_her_dashboard(as_user, dana):
    filing = services.create_application(olga(), factories.filing_data(mark="MOONWAVE"), attorney=dana)
    client = as_user(dana)
    response = client.post(f"/filings/{filing.pk}/decline/")
    assert response["Location"] == "/filings/"
    page = client.get("/filings/").content.decode()
    assert "You declined the appointment" in page and "MOONWAVE" not in page
    assert client.get(f"/filings/{filing.pk}/").status_code == 404


def test_the_individual_applicant_revokes_from_the_filing_page(as_user, dana, li):
    factories.verify(li, method="video")
    filing = services.create_application(
        dana, factories.filing_data(applicant=services.ApplicantData.for_person(li)), attorney=dana
    )
    client = as_user(li)
    page = client.get(f"/filings/{filing.pk}/").content.decode()
    revoke = f"/filings/{filing.pk}/attorneys/{dana.pk}/revoke/"
    assert revoke in page and "Revoke Dana Kim" in page
    assert "Dana Kim no longer represents the applicant" in client.post(revoke, follow=True).content.decode()
    assert Representation.objects.get(application=filing, attorney=dana).state == "revoked"
    # the attorney of record herself sees a withdraw button instead, and no revoke
    other = services.create_application(dana, factories.filing_data(mark="MOONWAVE"))
    page = as_user(dana).get(f"/filings/{other.pk}/").content.decode()
    assert f"/filings/{other.pk}/withdraw/" in page and "/revoke/" not in page


def test_an_attorney_who_names_another_is_sent_to_her_dashboard(as_user, dana):
    factories.person("ron", role="us_attorney", first_name="Ron", last_name="Hale", verified=True)
    response = as_user(dana).post("/filings/new/", form_data(attorney_email="ron@example.test"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/filings/"
    assert "Ron Hale was asked to accept the appointment" in page
    assert "You are not its attorney of record, so the filing is not among yours." in page


def test_the_receipt_page_names_the_attorneys_of_record(as_user, dana):
    filing = factories.signed_by_attorney(dana)
    other = factories.person("max", role="us_attorney", first_name="Max", last_name="Ortiz", verified=True)
    services.appoint_attorney(dana, filing, other)  # never accepts
    services.submit_filing(dana, filing)
    page = as_user(dana).get(f"/filings/{filing.pk}/receipt/").content.decode()
    assert '<dd id="attorneys">Dana Kim</dd>' in page and "Max Ortiz" not in page

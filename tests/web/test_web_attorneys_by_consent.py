"""R24 on the pages (issue 18 hole 1): naming an attorney asks them; it does not make
them attorney of record."""

import pytest

from tests import factories
from tests.web.test_web_filings import form_data

pytestmark = pytest.mark.django_db


def test_an_owner_naming_dana_on_the_form_is_told_dana_must_accept_and_cannot_submit(as_user, dana):
    owner = factories.person("olga", first_name="Olga", last_name="Berg", verified=True)
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
    owner = factories.person("olga", first_name="Olga", last_name="Berg", verified=True)
    application = factories.filing_data(applicant=factories.sunwave())
    from applications import services

    filing = services.create_application(owner, application)
    page = as_user(owner).post(f"/filings/{filing.pk}/appoint/", {"email": "dana@example.test"}, follow=True)
    text = page.content.decode()
    assert "is now the attorney of record" not in text
    assert "Waiting for Dana Kim to accept" in text

"""R25 on the filer pages: an office account is offered no filer's button, is told why,
and every filer POST refuses it with the sentence, writing nothing (issue 18, hole 2)."""

from datetime import date

import pytest
from django.apps import apps

from accounts import services as accounts
from accounts.models import User
from accounts.office import make_office_staff
from applications.models import Application
from tests import factories
from tests.web.test_web_filings import form_data

pytestmark = pytest.mark.django_db

OFFICE_SENTENCE = "Office staff examine and review; they cannot file, sign or act for a party."
# the refusal as a message (a checklist shows the reason too, but not as a message); its
# code is the message's class, no word of the sentence (issue 22)
OFFICE_MESSAGE = (
    f'<p class="reason-role_not_permitted error" role="alert">{OFFICE_SENTENCE} <a class="rule-link" href="/rules/#R25"'
)
OFFICE_NOTICE = "Office accounts examine and review"


@pytest.fixture
def erin(db):
    # Erin Ross: verified as a US attorney with NY bar information before she joined the
    # office as an examiner; only R25 stands between her and the filer pages
    user = factories.person("erin", role="us_attorney", first_name="Erin", last_name="Ross", verified=True)
    accounts.add_bar_admission(user, jurisdiction="NY", number="9911223", admitted=date(2012, 3, 1))
    make_office_staff(user, "examiner")
    return User.objects.get(pk=user.pk)


def filer_rows() -> int:
    """Rows in the accounts' and filings' tables (the audit trail may record a refusal)."""
    return sum(m.objects.count() for m in apps.get_models() if m._meta.app_label in ("accounts", "applications"))


# --- what the pages offer ------------------------------------------------------------------
def test_the_dashboard_offers_office_staff_no_new_application_and_says_why(as_user, dana, erin):
    factories.draft(dana)
    page = as_user(erin).get("/filings/").content.decode()
    assert "SUNWAVE" in page  # every filing is read
    assert OFFICE_NOTICE in page and 'href="/console/"' in page
    assert 'href="/filings/new/"' not in page


def test_the_dashboard_still_offers_a_filer_a_new_application(as_user, dana):
    page = as_user(dana).get("/filings/").content.decode()
    assert 'href="/filings/new/"' in page and OFFICE_NOTICE not in page


def test_the_filing_page_shows_office_staff_no_sign_submit_appoint_or_edit_buttons(as_user, dana, erin):
    filing = factories.draft(dana)
    base = f"/filings/{filing.pk}/"
    filer_page = as_user(dana).get(base).content.decode()
    office_page = as_user(erin).get(base).content.decode()

    buttons = [f"{base}sign/", f"{base}sign/upload/", f"{base}request-signature/", f"{base}appoint/"]
    links = [f'href="{base}edit/"', f'href="{base}submit/"']
    assert all(button in filer_page for button in buttons + [f"{base}withdraw/"] + links)
    assert [b for b in buttons + [f"{base}withdraw/"] + links if b in office_page] == []
    assert "SUNWAVE" in office_page and OFFICE_NOTICE in office_page
    assert "Office staff do not sign filings" in office_page


def test_the_submit_page_shows_office_staff_the_checklist_without_the_button(as_user, dana, erin):
    filing = factories.signed_by_attorney(dana)
    page = as_user(erin).get(f"/filings/{filing.pk}/submit/").content.decode()
    assert "role_not_permitted" in page and OFFICE_SENTENCE in page
    assert "Submit the application" not in page


def test_the_identity_page_offers_office_staff_no_verification_and_says_why(as_user, erin):
    factories.person("olga")  # an ordinary newcomer, for comparison
    office_page = as_user(erin).get("/accounts/identity/").content.decode()
    assert OFFICE_NOTICE in office_page
    assert "/accounts/identity/start/" not in office_page and "/accounts/identity/role/" not in office_page
    assert "/accounts/bar/" not in office_page


def test_the_sponsorships_page_offers_office_staff_no_forms(as_user, erin):
    page = as_user(erin).get("/accounts/sponsorships/").content.decode()
    assert "/accounts/sponsorships/sponsor/" not in page and "/accounts/sponsorships/request/" not in page
    assert "they neither sponsor staff nor ask for sponsorship" in page


# --- what the POSTs do ---------------------------------------------------------------------
def filer_posts(filing, li):
    """Each filer URL with the body a filer's browser would send, and where the office
    account lands."""
    base = f"/filings/{filing.pk}/"
    return [
        ("/accounts/identity/start/", {"role": "us_attorney", "method": "online"}, "/accounts/identity/"),
        (
            "/accounts/identity/paper/",
            {"role": "owner", "document_country": "US", "document_number": "P-1"},
            "/accounts/identity/",
        ),
        ("/accounts/identity/role/", {"role": "owner"}, "/accounts/identity/"),
        (
            "/accounts/bar/",
            {"jurisdiction": "CA", "number": "55", "admitted": "2014-01-01", "good_standing": "on"},
            "/accounts/identity/",
        ),
        ("/accounts/sponsorships/sponsor/", {"sponsor-email": "pat@example.test"}, "/accounts/sponsorships/"),
        ("/accounts/sponsorships/request/", {"request-email": "dana@example.test"}, "/accounts/sponsorships/"),
        ("/filings/new/", form_data(), "/filings/"),
        (f"{base}edit/", form_data(mark="MINE"), base),
        (f"{base}sign/", {"signature": "/Erin Ross/", "title": "Examiner", "declaration": "on"}, base),
        (f"{base}sign/upload/", {"title": "Examiner", "declaration": "on", "shows_declaration": "on"}, base),
        (f"{base}request-signature/", {"email": li.email}, base),
        (f"{base}appoint/", {"email": "erin@example.test"}, base),
        (f"{base}withdraw/", {}, base),
        (f"{base}submit/", {}, f"{base}submit/"),
    ]


def test_every_filer_post_refuses_office_staff_with_the_sentence_and_writes_nothing(as_user, dana, li, erin):
    factories.pat(attorney=None)
    filing = factories.signed_by_attorney(dana)
    client = as_user(erin)
    wrong = []
    for url, data, lands in filer_posts(filing, li):
        before = filer_rows()
        response = client.post(url, data)
        shown = client.get(response["Location"]).content.decode() if response.status_code == 302 else ""
        got = (response.status_code, response.get("Location"), OFFICE_MESSAGE in shown, filer_rows() - before)
        if got != (302, lands, True, 0):
            wrong.append(f"{url}: {got}")
    assert wrong == []
    filing.refresh_from_db()
    assert (filing.state, filing.attorneys_of_record(), filing.mark) == ("signed", [dana], "SUNWAVE")
    assert Application.objects.count() == 1


def test_the_providers_return_sends_office_staff_back_with_the_sentence_and_writes_nothing(as_user, erin):
    # the provider's redirect back is a GET (OpenID Connect), not among the POSTs above
    client = as_user(erin)
    before = filer_rows()
    response = client.get("/accounts/identity/callback/?state=anything&code=anything")
    assert (response.status_code, response["Location"]) == (302, "/accounts/identity/")
    assert OFFICE_MESSAGE in client.get(response["Location"]).content.decode()
    assert filer_rows() == before


def test_the_paper_and_new_application_forms_are_not_shown_to_office_staff(as_user, dana, erin):
    filing = factories.draft(dana)
    client = as_user(erin)
    for url, lands in [
        ("/accounts/identity/paper/", "/accounts/identity/"),
        ("/accounts/bar/", "/accounts/identity/"),
        ("/filings/new/", "/filings/"),
        (f"/filings/{filing.pk}/edit/", f"/filings/{filing.pk}/"),
    ]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, lands), url
        assert OFFICE_MESSAGE in client.get(lands).content.decode(), url


def test_a_filer_still_reaches_the_forms(as_user, dana):
    filing = factories.draft(dana)
    client = as_user(dana)
    assert [client.get(url).status_code for url in ("/filings/new/", f"/filings/{filing.pk}/edit/")] == [200, 200]

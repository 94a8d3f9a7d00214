"""The filer pages: dashboard, application form, signing, signing links, submission,
receipts and representation, through the test client."""

import json
import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client

from applications import rules, services
from applications.models import Application, FilingState
from applications.receipts import check_receipt
from tests import factories
from tmverify import clock

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    """The application form as a browser posts it: Sunwave, class 9 from the ID Manual."""
    data = {
        "name": "Shenzhen Sunwave Co., Ltd.",
        "entity": "corporation",
        "citizenship": "CN",
        "email": "legal@sunwave.example",
        "street": "8 Keji Rd",
        "city": "Shenzhen",
        "region": "",
        "postal_code": "",
        "country": "CN",
        "mailing_address": "",
        "attorney_email": "dana@example.test",
        "mark": "SUNWAVE",
        "basis": "1b",
        "first_use": "",
        "goods-TOTAL_FORMS": "3",
        "goods-INITIAL_FORMS": "0",
        "goods-MIN_NUM_FORMS": "0",
        "goods-MAX_NUM_FORMS": "50",
        "goods-0-entry": "009-001",  # Portable solar chargers
        "goods-0-nice_class": "",
        "goods-0-text": "",
        "action": "save",
    }
    data.update(overrides)
    return data


# --- dashboard ------------------------------------------------------------------------------
def test_dashboard_lists_my_filings_with_state_fee_and_checklist(as_user, dana):
    factories.draft(dana)
    page = as_user(dana).get("/filings/").content.decode()
    assert "SUNWAVE" in page and 'data-state="draft"' in page and "$250" in page
    assert "signature_required" in page and "Sign the filing in the form" in page


def test_dashboard_shows_the_serial_of_a_submitted_filing(as_user, dana):
    application = factories.signed_by_attorney(dana)

    services.submit_filing(dana, application)
    application.refresh_from_db()
    page = as_user(dana).get("/filings/").content.decode()
    assert application.serial_number in page


def test_dashboard_shows_nothing_of_other_peoples_filings(as_user, dana, mallory):
    factories.draft(dana)
    page = as_user(mallory).get("/filings/").content.decode()
    assert "SUNWAVE" not in page


def test_dashboard_shows_filings_a_page_at_a_time(as_user, dana):
    from applications.views import DASHBOARD_PAGE_SIZE

    for n in range(DASHBOARD_PAGE_SIZE + 2):
        factories.draft(dana, mark=f"MARK{n:02d}")
    client = as_user(dana)
    first = client.get("/filings/").content.decode()
    second = client.get("/filings/?page=2").content.decode()
    assert first.count('class="card"') == DASHBOARD_PAGE_SIZE
    assert second.count('class="card"') == 2
    assert "MARK00" in second and "MARK00" not in first  # newest first
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert client.get("/filings/?page=junk").status_code == 200


# --- the application form -------------------------------------------------------------------
def test_attorney_creates_a_filing_for_a_chinese_company(as_user, dana):
    response = as_user(dana).post("/filings/new/", form_data())
    application = Application.objects.get()
    assert response["Location"] == f"/filings/{application.pk}/"
    assert application.attorneys_of_record() == [dana] and application.applicant.domicile_country == "CN"
    goods = application.goods.get()
    assert (goods.nice_class, goods.text, goods.id_manual) == (9, "Portable solar chargers", True)


def test_owner_files_in_their_own_name(as_user):
    owner = factories.person("olive", verified=True)
    data = form_data(applicant_is_me="on", name="", email="", attorney_email="", country="US", entity="")
    as_user(owner).post("/filings/new/", data)
    applicant = Application.objects.get().applicant
    assert (applicant.user, applicant.name, applicant.email, applicant.entity) == (
        owner,
        "Olive Tester",
        "olive@example.test",
        "individual",
    )


def test_the_new_form_prefills_the_attorney(as_user, dana, pat):
    assert as_user(dana).get("/filings/new/").context["form"].initial["attorney_email"] == "dana@example.test"
    assert as_user(pat).get("/filings/new/").context["form"].initial["attorney_email"] == "dana@example.test"


def test_free_text_costs_standard_fee_and_typed_id_manual_words_count_as_id_manual(as_user, dana):
    client = as_user(dana)
    client.post(
        "/filings/new/", form_data(**{"goods-0-entry": "", "goods-0-nice_class": "9", "goods-0-text": "Solar gadgets"})
    )
    assert Application.objects.get().goods.get().id_manual is False
    client.post(
        "/filings/new/",
        form_data(**{"goods-0-entry": "", "goods-0-nice_class": "25", "goods-0-text": "t-shirts"}),
    )
    assert Application.objects.order_by("pk").last().goods.get().id_manual is True


def test_recalculate_fee_shows_the_fee_without_saving(as_user, dana):
    extra = {"goods-1-nice_class": "25", "goods-1-text": "Clothing with sunny pictures", "action": "quote"}
    response = as_user(dana).post("/filings/new/", form_data(**extra))
    assert response.status_code == 200
    assert not Application.objects.exists()
    assert "Fee if submitted today: $700" in response.content.decode()  # TEAS Standard, 2 classes


def test_fee_lines_are_shown_in_chinese_and_received_in_english(as_user, dana):
    client = as_user(dana)
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    clock.set_today(date(2025, 2, 1))
    data = form_data(**{"goods-0-entry": "", "goods-0-nice_class": "9", "goods-0-text": "Solar gadgets"})
    page = client.post("/filings/fee-quote/", data).content.decode()
    assert "基本申请费，1 个类别 x $350: $350" in page and "Base application" not in page
    filing = factories.signed_by_attorney(dana)
    assert "基本申请费" in client.get(f"/filings/{filing.pk}/").content.decode()
    # what the office signs stays in one language, whatever the filer reads
    assert rules.fee_lines(filing)[0].label == "Base application, 1 class(es) x $350"


def test_fee_quote_fragment_follows_the_fee_schedule_of_the_day(as_user, dana):
    client = as_user(dana)
    data = form_data(**{"goods-0-entry": "", "goods-0-nice_class": "9", "goods-0-text": "Solar gadgets"})
    assert "$350" in client.post("/filings/fee-quote/", data).content.decode()
    clock.set_today(date(2025, 2, 1))
    # new fees: $350 base + $200 free-form text
    assert "$550" in client.post("/filings/fee-quote/", data).content.decode()
    assert client.get("/filings/fee-quote/").status_code == 405


@pytest.mark.parametrize(
    "overrides, where",
    [
        ({"goods-0-entry": "", "goods-0-text": "Solar gadgets"}, "nice_class"),
        ({"goods-0-text": "Solar gadgets"}, "__all__"),
        ({"goods-0-entry": "", "goods-0-nice_class": "46", "goods-0-text": "x"}, "nice_class"),
        ({"goods-0-entry": "999-999"}, "entry"),
    ],
)
def test_bad_goods_rows_are_errors_on_the_row(as_user, dana, overrides, where):
    response = as_user(dana).post("/filings/new/", form_data(**overrides))
    assert response.status_code == 400
    assert where in response.context["goods"].forms[0].errors
    assert not Application.objects.exists()


def test_an_unknown_attorney_email_is_an_error_on_its_field(as_user, dana):
    response = as_user(dana).post("/filings/new/", form_data(attorney_email="ghost@example.test"))
    assert response.context["form"].errors["attorney_email"]


def test_a_future_first_use_date_is_shown_not_a_500(as_user, dana):
    response = as_user(dana).post("/filings/new/", form_data(basis="1a", first_use="2099-01-01"))
    assert response.status_code == 400
    assert "The date of first use cannot be in the future." in response.content.decode()


def test_an_unverified_owner_after_the_mandatory_date_is_refused_with_the_reason(as_user, li):
    response = as_user(li).post("/filings/new/", form_data(attorney_email=""), follow=True)
    assert "identity_unverified" in response.content.decode()
    assert not Application.objects.exists()


def test_edit_updates_the_draft_and_a_signed_filing_returns_to_draft(as_user, dana):
    application = factories.signed_by_attorney(dana)
    client = as_user(dana)
    form = client.get(f"/filings/{application.pk}/edit/").context["form"]
    assert form.initial["mark"] == "SUNWAVE"
    data = form_data(mark="SUNWAVE PRO", **{"goods-INITIAL_FORMS": "1"})
    del data["attorney_email"]
    client.post(f"/filings/{application.pk}/edit/", data)
    application.refresh_from_db()
    assert (application.mark, application.state) == ("SUNWAVE PRO", FilingState.DRAFT)


def test_a_submitted_filing_cannot_be_edited(as_user, dana):

    application = services.submit_filing(dana, factories.signed_by_attorney(dana))
    response = as_user(dana).post(f"/filings/{application.pk}/edit/", form_data(mark="OTHER"), follow=True)
    assert "can no longer be changed" in response.content.decode()
    application.refresh_from_db()
    assert application.mark == "SUNWAVE"


# --- signing ------------------------------------------------------------------------------------
def test_attorney_signs_in_the_form(as_user, dana):
    application = factories.draft(dana)
    client = as_user(dana)
    page = client.get(f"/filings/{application.pk}/").content.decode()
    assert "18 U.S.C. 1001" in page
    client.post(
        f"/filings/{application.pk}/sign/", {"signature": "/Dana Kim/", "title": "Attorney", "declaration": "on"}
    )
    application.refresh_from_db()
    assert application.state == FilingState.SIGNED


def test_a_signature_without_slashes_is_refused_with_its_reason(as_user, dana):
    application = factories.draft(dana)
    response = as_user(dana).post(
        f"/filings/{application.pk}/sign/",
        {"signature": "Dana Kim", "title": "Attorney", "declaration": "on"},
        follow=True,
    )
    assert "signature_format" in response.content.decode()
    application.refresh_from_db()
    assert application.state == FilingState.DRAFT


def test_signing_without_accepting_the_declaration_is_an_error_on_the_field(as_user, dana):
    application = factories.draft(dana)
    response = as_user(dana).post(f"/filings/{application.pk}/sign/", {"signature": "/Dana Kim/", "title": "Attorney"})
    assert response.status_code == 400
    assert response.context["sign_form"].errors["declaration"]


def test_paralegal_gets_no_signing_form_and_is_refused_when_trying(as_user, dana, pat):
    application = factories.draft(dana, creator=pat)
    client = as_user(pat)
    page = client.get(f"/filings/{application.pk}/").content.decode()
    assert "Support staff never sign" in page
    response = client.post(
        f"/filings/{application.pk}/sign/",
        {"signature": "/Pat Lee/", "title": "Paralegal", "declaration": "on"},
        follow=True,
    )
    assert "signatory_not_authorized" in response.content.decode()


def test_the_employee_who_prepared_the_companys_filing_signs_it_in_the_form_with_a_title(as_user):
    # issue 20: Evan, an employee of Acme with the owner role, files for Acme himself (R14)
    evan = factories.person("evan", first_name="Evan", last_name="Moss", verified=True)
    acme = factories.sunwave(name="Acme Widgets Inc.", citizenship="US", street="100 Main St", country="US")
    application = services.create_application(evan, factories.filing_data(applicant=acme))
    client = as_user(evan)
    assert f'action="/filings/{application.pk}/sign/"' in client.get(f"/filings/{application.pk}/").content.decode()
    response = client.post(
        f"/filings/{application.pk}/sign/",
        {"signature": "/Evan Moss/", "title": "General Counsel", "declaration": "on"},
        follow=True,
    )
    assert "Signed. You can now submit the filing." in response.content.decode()
    assert "Evan Moss, General Counsel" in response.content.decode()


def test_pen_and_ink_upload(as_user, dana):
    application = factories.draft(dana)
    response = as_user(dana).post(
        f"/filings/{application.pk}/sign/upload/",
        {"page": factories.upload(), "title": "Attorney", "shows_declaration": "on", "declaration": "on"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == FilingState.SIGNED
    assert application.signatures.get().method == "upload"


def test_pen_and_ink_upload_of_a_wrong_file_type_is_an_error_on_the_field(as_user, dana):
    application = factories.draft(dana)
    response = as_user(dana).post(
        f"/filings/{application.pk}/sign/upload/",
        {
            "page": factories.upload(b"GIF89a...", "x.pdf"),
            "title": "Attorney",
            "shows_declaration": "on",
            "declaration": "on",
        },
    )
    assert response.status_code == 400
    assert "Upload a PDF, PNG or JPEG file." in response.context["upload_form"].errors["page"]
    application.refresh_from_db()
    assert application.state == FilingState.DRAFT


# --- signing by link ----------------------------------------------------------------------------
def link_from_mail() -> tuple[str, str]:
    """The link's path and the code in its fragment."""
    found = re.search(r"https?://[^/\s]+(/filings/sign/)#(\S+)", mail.outbox[-1].body)
    return found.group(1), found.group(2)


def test_client_signs_through_the_emailed_link_without_an_account_session_or_javascript(
    client, dana, li, django_capture_on_commit_callbacks
):
    application = factories.draft(dana)
    client.force_login(dana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/filings/{application.pk}/request-signature/", {"name": "Li Wei", "email": "li@example.test"})
    assert mail.outbox[-1].to == ["li@example.test"]
    url, code = link_from_mail()
    client.logout()
    # what a browser without JavaScript asks for: the page, then the pasted code, posted
    entry = client.get(url)
    assert entry.status_code == 200 and 'name="code"' in entry.content.decode()
    page = client.post(url, {"code": code})
    assert page.status_code == 200
    html = page.content.decode()
    assert "SUNWAVE" in html and "Portable solar chargers" in html and "18 U.S.C. 1001" in html
    signing = {"code": code, "step": "sign", "signature": "/Li Wei/", "title": "CEO", "declaration": "on"}
    wrong = client.post(url, {**signing, "name": "Someone Else"})
    assert wrong.status_code == 400 and wrong.context["form"].errors["name"]
    done = client.post(url, {**signing, "name": "li wei"})
    assert "your signature is recorded" in done.content.decode()
    application.refresh_from_db()
    assert application.state == FilingState.SIGNED
    # single use
    again = client.post(url, {"code": code})
    assert again.status_code == 404 and "signature_link_invalid" in again.content.decode()


def test_a_made_up_signing_code_is_not_valid(client):
    response = client.post("/filings/sign/", {"code": "made-up-token"})
    assert response.status_code == 404
    assert "signature_link_invalid" in response.content.decode()


def test_a_link_mailed_before_the_code_left_the_path_still_opens_the_page(client, dana, li):
    token = services.request_signature(dana, factories.draft(dana), li).token
    entry = client.get(f"/filings/sign/{token}/")
    assert entry.status_code == 200
    assert f'value="{token}"' in entry.content.decode()  # the form filled in, nothing shown yet
    assert "SUNWAVE" not in entry.content.decode()


def request_signature(client, application, **fields):
    return client.post(f"/filings/{application.pk}/request-signature/", fields, follow=True)


def test_a_signer_without_an_account_gets_the_link_and_signs(client, dana, django_capture_on_commit_callbacks):
    # issue 22: Sunwave's CFO has no account here, and needs none (R8, R9, R14)
    application = factories.draft(dana)
    client.force_login(dana)
    with django_capture_on_commit_callbacks(execute=True):
        response = request_signature(client, application, name="Chen Hua", email="chen.hua@sunwave.example")
    assert response.status_code == 200
    assert "A signing link was emailed to Chen Hua at chen.hua@sunwave.example." in response.content.decode()
    assert mail.outbox[-1].to == ["chen.hua@sunwave.example"]
    assert mail.outbox[-1].body.startswith("Dear Chen Hua,")
    client.logout()

    url, code = link_from_mail()
    page = client.post(url, {"code": code}).content.decode()
    assert "Signature requested from Chen Hua" in page and "You do not need an account" in page
    signing = {"code": code, "step": "sign", "signature": "/Chen Hua/", "name": "Chen Hua", "title": "CFO"}
    done = client.post(url, {**signing, "declaration": "on"})
    assert "your signature is recorded" in done.content.decode()
    application.refresh_from_db()
    assert application.state == FilingState.SIGNED
    assert application.signatures.get().signer_name == "Chen Hua"


def test_a_signature_request_shows_and_mails_the_name_typed_never_the_accounts_name(
    as_user, dana, mallory, django_capture_on_commit_callbacks
):
    # issue 19: typing Mallory's address must not tell Dana that it is Mallory Stone's
    application = factories.draft(dana)
    with django_capture_on_commit_callbacks(execute=True):
        response = request_signature(as_user(dana), application, name="Someone Typed", email="mallory@example.test")
    page = response.content.decode()
    assert "A signing link was emailed to Someone Typed at mallory@example.test." in page
    assert "Mallory" not in page
    assert mail.outbox[-1].body.startswith("Dear Someone Typed,") and "Mallory" not in mail.outbox[-1].body
    url, code = link_from_mail()
    signing_page = Client().post(url, {"code": code}).content.decode()
    assert "Someone Typed" in signing_page and "Mallory" not in signing_page


def test_a_request_reads_the_same_whether_or_not_an_account_holds_the_address(
    as_user, dana, mallory, django_capture_on_commit_callbacks
):
    application = factories.draft(dana)
    client = as_user(dana)
    with django_capture_on_commit_callbacks(execute=True):
        held = request_signature(client, application, name="Ann Other", email="mallory@example.test")
        free = request_signature(client, application, name="Ann Other", email="nobody@example.test")
    assert held.status_code == free.status_code == 200
    assert [str(m) for m in held.context["messages"]] == [
        "A signing link was emailed to Ann Other at mallory@example.test."
    ]
    assert [str(m) for m in free.context["messages"]] == [
        "A signing link was emailed to Ann Other at nobody@example.test."
    ]
    assert [m.to for m in mail.outbox] == [["mallory@example.test"], ["nobody@example.test"]]


def test_the_request_form_says_the_signer_needs_no_account(as_user, dana):
    application = factories.draft(dana)
    page = as_user(dana).get(f"/filings/{application.pk}/").content.decode()
    assert "They need an account" not in page
    assert "The signer needs no account" in page
    assert 'id="signer_name"' in page and 'id="signer_email"' in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"name": "", "email": "chen@sunwave.example"}, "name"), ({"name": "Chen Hua", "email": "chen@"}, "email")],
)
def test_a_request_without_a_name_or_with_a_bad_email_is_an_error_on_the_field(as_user, dana, fields, field):
    application = factories.draft(dana)
    response = as_user(dana).post(f"/filings/{application.pk}/request-signature/", fields)
    assert response.status_code == 400
    assert response.context["signer_form"].errors[field]
    assert not mail.outbox
    application.refresh_from_db()
    assert (application.state, application.signature_links.count()) == ("draft", 0)


# --- submission and receipts --------------------------------------------------------------------
def test_a_blocked_submission_shows_its_reasons_and_changes_nothing(as_user, dana):
    application = factories.draft(dana, applicant=factories.sunwave(street=""))
    client = as_user(dana)
    page = client.get(f"/filings/{application.pk}/submit/").content.decode()
    assert "signature_required" in page and "domicile_required" in page
    assert "Submit the application" not in page
    response = client.post(f"/filings/{application.pk}/submit/", follow=True)
    assert "signature_required" in response.content.decode()
    application.refresh_from_db()
    assert application.state == FilingState.DRAFT and application.serial_number is None


def test_submit_gives_a_receipt_with_serial_date_fee_and_a_signed_download(as_user, dana):
    application = factories.signed_by_attorney(dana)
    client = as_user(dana)
    assert "Submit the application" in client.get(f"/filings/{application.pk}/submit/").content.decode()
    response = client.post(f"/filings/{application.pk}/submit/")
    assert response["Location"] == f"/filings/{application.pk}/receipt/"
    application.refresh_from_db()
    page = client.get(response["Location"]).content.decode()
    assert application.serial_number in page and "2023-06-01" in page and "$250" in page
    download = client.get(f"/filings/{application.pk}/receipt/download/")
    assert download["Content-Disposition"].startswith("attachment")
    document = json.loads(download.content)
    assert check_receipt(document).valid
    assert document["receipt"]["serial_number"] == application.serial_number
    # a second submission is not possible; the page goes to the receipt
    assert client.get(f"/filings/{application.pk}/submit/")["Location"].endswith("/receipt/")


def test_a_draft_has_no_receipt(as_user, dana):
    application = factories.draft(dana)
    assert as_user(dana).get(f"/filings/{application.pk}/receipt/").status_code == 404


# --- representation -----------------------------------------------------------------------------
def test_attorney_withdraws_and_the_owner_appoints_a_new_one_who_accepts(as_user, dana):
    owner = factories.person("olive", verified=True)
    application = factories.draft(dana, creator=owner)
    as_user(dana).post(f"/filings/{application.pk}/accept/")  # R24: named by Olive, of record once she accepts
    application.refresh_from_db()
    assert application.attorneys_of_record() == [dana]
    as_user(dana).post(f"/filings/{application.pk}/withdraw/")
    application.refresh_from_db()
    assert application.attorneys_of_record() == []
    second = factories.person("sid", role="us_attorney", verified=True)
    as_user(owner).post(f"/filings/{application.pk}/appoint/", {"email": "sid@example.test"})
    application.refresh_from_db()
    assert (application.attorneys_of_record(), application.pending_attorneys()) == ([], [second])
    as_user(second).post(f"/filings/{application.pk}/accept/")
    application.refresh_from_db()
    assert application.attorneys_of_record() == [second]


def test_only_the_attorney_of_record_can_withdraw(as_user, dana, pat):
    application = factories.draft(dana, creator=pat)
    response = as_user(pat).post(f"/filings/{application.pk}/withdraw/", follow=True)
    assert "role_not_permitted" in response.content.decode()
    application.refresh_from_db()
    assert application.attorneys_of_record() == [dana]


# --- access -------------------------------------------------------------------------------------
def test_access_matrix(client, dana, pat, mallory):
    """URL x persona: what is not yours is a 404; state changes are POST-only."""
    application = factories.draft(dana)
    pk = application.pk
    pages = [f"/filings/{pk}/", f"/filings/{pk}/edit/", f"/filings/{pk}/submit/"]
    actions = [
        f"/filings/{pk}/sign/",
        f"/filings/{pk}/sign/upload/",
        f"/filings/{pk}/request-signature/",
        f"/filings/{pk}/withdraw/",
        f"/filings/{pk}/appoint/",
        f"/filings/{pk}/submit/",
    ]
    for person, expected in ((dana, 200), (pat, 200), (mallory, 404)):
        client.force_login(person)
        for url in pages:
            assert client.get(url).status_code == expected, (person, url)
    client.force_login(mallory)
    for url in actions:
        assert client.post(url).status_code == 404, url
    client.force_login(dana)
    for url in actions[:-1]:
        assert client.get(url).status_code == 405, url
    client.logout()
    for url in pages:
        assert client.get(url).status_code == 302, url
    for url in actions:
        assert client.post(url).status_code == 302, url
    application.refresh_from_db()
    assert application.state == FilingState.DRAFT


def test_no_personal_data_in_the_urls_of_a_journey(as_user, dana):
    client = as_user(dana)
    response = client.post("/filings/new/", form_data())
    assert "sunwave" not in response["Location"].lower() and "@" not in response["Location"]


def test_csrf_is_enforced_on_state_changes(dana):
    from django.test import Client

    application = factories.draft(dana)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(dana)
    response = strict.post(
        f"/filings/{application.pk}/sign/", {"signature": "/Dana Kim/", "title": "Attorney", "declaration": "on"}
    )
    assert response.status_code == 403


# --- ID Manual ------------------------------------------------------------------------------------
def test_id_manual_search(client):
    page = client.get("/filings/id-manual/?q=shirt&class=25").content.decode()
    assert "T-shirts" in page
    assert "Hooded sweatshirts" in page
    assert client.get("/filings/id-manual/?class=abc").status_code == 200


def test_the_id_manual_has_a_few_hundred_entries_across_the_common_classes():
    from applications import id_manual

    assert len(id_manual.entries()) >= 300
    assert {9, 25, 35, 41, 42}.issubset(set(id_manual.classes()))
    assert len({e["id"] for e in id_manual.entries()}) == len(id_manual.entries())

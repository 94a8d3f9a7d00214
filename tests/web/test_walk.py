"""Issue 22, a newcomer's walk: what the pages say and where they lead, through the test
client. The journeys themselves are walked in Chromium in tests/browser/test_walk_journeys.py."""

import re

import pytest

from applications.models import Application
from tests import factories
from tests.web.test_web_filings import form_data

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def in_chinese(client):
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    return client


# --- the site's own 404 and 403 pages, with or without DJANGO_DEBUG ---------------------------
@pytest.mark.parametrize("debug", [False, True])
def test_someone_elses_filing_is_the_sites_not_found_page_in_english_and_chinese(
    as_user, dana, mallory, settings, debug
):
    settings.DEBUG = debug
    filing = factories.draft(dana)
    client = as_user(mallory)

    response = client.get(f"/filings/{filing.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing here for you" in page and 'id="not-found"' in page
    assert "SUNWAVE" not in page and "URLconf" not in page  # nothing of the filing, no Django debug page

    page = in_chinese(client).get(f"/filings/{filing.pk}/").content.decode()
    assert '<html lang="zh-hans">' in page and "这里没有您可以查看的内容" in page


@pytest.mark.parametrize("path", ["/no/such/page/", "/filings/sign/%00/", "/provider/check/%00/"])
def test_under_debug_a_missing_page_is_still_the_sites_page(client, settings, path):
    settings.DEBUG = True
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing here for you" in page and "URLconf" not in page and "Traceback" not in page


def test_under_debug_a_path_without_its_slash_still_redirects(client, settings):
    settings.DEBUG = True
    response = client.get("/rules")
    assert response.status_code == 301 and response["Location"] == "/rules/"


@pytest.mark.parametrize("debug", [False, True])
def test_a_filer_opening_the_console_gets_the_sites_forbidden_page(client, li, settings, debug):
    settings.DEBUG = debug
    client.force_login(li)

    response = client.get("/console/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not for your account" in page and "review console is for the office" in page

    page = in_chinese(client).get("/console/").content.decode()
    assert "您的账户不能打开此页面" in page


# --- sign-in lands where the person's work is -----------------------------------------------
def test_signing_in_lands_a_filer_on_their_filings(client, li):
    response = client.post("/accounts/login/", {"username": "li@example.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/filings/"


def test_signing_in_lands_an_office_account_on_the_console(client):
    factories.examiner()
    response = client.post("/accounts/login/", {"username": "erin@example.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/console/"


def test_signing_in_still_goes_where_next_says(client, li):
    response = client.post(
        "/accounts/login/?next=/accounts/identity/", {"username": "li@example.test", "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/identity/"


# --- an empty form is a form error, not a blank draft ----------------------------------------
EMPTY = {
    "goods-TOTAL_FORMS": "3",
    "goods-INITIAL_FORMS": "0",
    "goods-MIN_NUM_FORMS": "0",
    "goods-MAX_NUM_FORMS": "50",
    "action": "save",
}


def test_an_empty_application_form_is_a_form_error_and_saves_nothing(as_user, dana):
    response = as_user(dana).post("/filings/new/", EMPTY)
    assert response.status_code == 400
    assert "The form is empty" in response.content.decode()
    assert not Application.objects.exists()


def test_emptying_a_draft_is_a_form_error_and_keeps_the_draft(as_user, dana):
    filing = factories.draft(dana)
    response = as_user(dana).post(f"/filings/{filing.pk}/edit/", EMPTY)
    assert response.status_code == 400
    filing.refresh_from_db()
    assert filing.mark == "SUNWAVE"


def test_a_form_with_only_the_mark_saves_a_draft(as_user, dana):
    as_user(dana).post("/filings/new/", {**EMPTY, "mark": "SUNWAVE"})
    assert Application.objects.get().mark == "SUNWAVE"


# --- rule numbers and codes are links, never words of a sentence ------------------------------
def visible_text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page)


def test_a_refusal_message_links_its_rule_and_prints_no_code(as_user):
    li = factories.li()
    page = as_user(li).post("/filings/new/", form_data(attorney_email=""), follow=True).content.decode()
    messages = re.search(r'<div class="messages">(.*?)</div>', page, re.S).group(1)
    assert '<a class="rule-link" href="/rules/#R2"' in messages
    assert "[identity_unverified]" not in messages and "identity_unverified" not in visible_text(messages)


def test_the_appointment_and_representation_texts_link_r24_instead_of_printing_it(as_user, dana):
    olga = factories.person("olga", verified=True)
    client = as_user(olga)
    client.post("/filings/new/", form_data(attorney_email="dana@example.test"))
    filing = Application.objects.get()
    page = as_user(dana).get("/filings/").content.decode()
    assert "(R24)" not in page and 'href="/rules/#R24"' in page
    page = as_user(dana).get(f"/filings/{filing.pk}/").content.decode()
    assert "(R24)" not in visible_text(page) and 'href="/rules/#R24"' in page


def test_the_console_links_rules_instead_of_printing_them(client):
    factories.supervisor()
    client.force_login(factories.User.objects.get(email="sam@example.test"))
    for path in ("/console/", "/console/signals/", "/console/signals/signature_entered_by_other/"):
        page = client.get(path).content.decode()
        assert not re.search(r"\(R\d+\)", visible_text(page)), path
        assert 'href="/rules/#R' in page, path


def test_the_suspension_mail_links_its_rule_instead_of_printing_it(mailoutbox, django_capture_on_commit_callbacks):
    from accounts.emails import send_account_suspended

    send_account_suspended(to="li@example.test", name="Li Wei", note="filing mill")
    body = mailoutbox[-1].body
    assert "(R23)" not in body and "http://127.0.0.1:8000/rules/#R23" in body


# --- point 1: filing in one's own name is an explicit choice -----------------------------------
def test_the_new_form_ticks_nothing_for_an_owner_and_fills_in_no_applicant(as_user):
    olive = factories.person("olive", verified=True)  # an owner
    form = as_user(olive).get("/filings/new/").context["form"]
    assert not form.initial.get("applicant_is_me") and not form.initial.get("name")
    assert 'name="applicant_is_me"' in form.as_div() and "checked" not in str(form["applicant_is_me"])


def test_a_company_typed_under_the_own_name_box_is_a_form_error_and_saves_nothing(as_user):
    olive = factories.person("olive", verified=True)
    data = form_data(applicant_is_me="on", name="Shenzhen Brightway Co., Ltd.", entity="corporation", attorney_email="")
    response = as_user(olive).post("/filings/new/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "entity" in errors and "name" in errors
    assert "Untick the box to file for a company" in response.content.decode()
    assert not Application.objects.exists()


def test_the_conflict_is_said_in_chinese_too(as_user):
    olive = factories.person("olive", verified=True)
    client = in_chinese(as_user(olive))
    data = form_data(applicant_is_me="on", name="", entity="corporation", attorney_email="")
    page = client.post("/filings/new/", data).content.decode()
    assert "您勾选了以个人身份用自己的名义申请" in page


def test_the_box_with_my_own_name_or_none_files_as_me(as_user):
    olive = factories.person("olive", verified=True)
    data = form_data(applicant_is_me="on", name="olive  tester", entity="individual", email="", attorney_email="")
    as_user(olive).post("/filings/new/", data)
    applicant = Application.objects.get().applicant
    assert (applicant.user, applicant.entity) == (olive, "individual")


def test_without_the_box_the_company_is_the_applicant_as_typed(as_user):
    olive = factories.person("olive", verified=True)
    as_user(olive).post("/filings/new/", form_data(attorney_email=""))
    applicant = Application.objects.get().applicant
    assert (applicant.user, applicant.name, applicant.entity) == (None, "Shenzhen Sunwave Co., Ltd.", "corporation")


# --- point 6: one sentence for where a person's identity stands --------------------------------
def standing(page: str) -> str:
    status, sentence = re.search(
        r'<p class="notice \w+" id="identity-standing" data-status="(\w+)">([^<]*)', page
    ).groups()
    return status, sentence.strip()


def test_a_pending_paper_form_reads_the_same_on_the_dashboard_and_the_identity_page(as_user, li, tmp_path, settings):
    from accounts import services as accounts

    settings.PRIVATE_UPLOAD_ROOT = tmp_path
    accounts.file_paper_verification(
        li, role="owner", document_country="CN", document_number="E1234567", scan=factories.upload()
    )
    client = as_user(li)
    on_dashboard = standing(client.get("/filings/").content.decode())
    on_identity = standing(client.get("/accounts/identity/").content.decode())
    assert on_dashboard == on_identity
    assert on_dashboard[0] == "pending_review" and "pending review by the office" in on_dashboard[1]
    assert "not verified" not in on_dashboard[1]

    in_chinese(client)
    assert standing(client.get("/filings/").content.decode()) == standing(
        client.get("/accounts/identity/").content.decode()
    )
    assert "正在等待商标局审核" in standing(client.get("/filings/").content.decode())[1]


def test_an_unverified_owner_reads_the_same_sentence_everywhere_with_the_step_to_take(as_user, li):
    client = as_user(li)
    dashboard = client.get("/filings/").content.decode()
    identity = client.get("/accounts/identity/").content.decode()
    assert standing(dashboard) == standing(identity) and standing(dashboard)[0] == "unverified"
    assert 'href="/accounts/identity/">Verify my identity</a>' in dashboard


def test_a_locked_account_reads_until_when_and_is_offered_the_paper_form(as_user):
    lou = factories.person("lou")
    for _ in range(5):
        with pytest.raises(factories.Refused):
            factories.verify(lou, passed=False)
    lou.refresh_from_db()
    client = as_user(lou)
    status, sentence = standing(client.get("/filings/").content.decode())
    assert status == "locked" and lou.idv_locked_until.strftime("%Y-%m-%d %H:%M") in sentence
    assert standing(client.get("/accounts/identity/").content.decode()) == (status, sentence)
    assert (
        'href="/accounts/identity/paper/">Use the notarized paper form</a>' in client.get("/filings/").content.decode()
    )


# --- point 3: the form says first what the person still needs ----------------------------------
def test_an_unverified_owner_is_told_before_typing_what_to_do_with_the_link(as_user, li):
    page = as_user(li).get("/filings/new/").content.decode()
    notice = re.search(r'<section class="notice warn" id="before-saving".*?</section>', page, re.S).group(0)
    assert "Before you can save this application" in notice
    assert 'data-code="identity_unverified"' in notice and 'href="/accounts/identity/">Fix this</a>' in notice
    assert "You can save a draft at any time" not in page


def test_unsponsored_staff_are_told_they_need_a_sponsor_in_chinese(as_user):
    pat = factories.pat()  # support staff, no sponsor (and, on the tests' date, R11 not open yet)
    page = in_chinese(as_user(pat)).get("/filings/new/").content.decode()
    assert 'id="before-saving"' in page and 'data-code="sponsorship_required"' in page
    assert "保存此申请之前" in page and 'href="/accounts/sponsorships/"' in page


def test_a_verified_attorney_sees_no_such_notice(as_user, dana):
    page = as_user(dana).get("/filings/new/").content.decode()
    assert 'id="before-saving"' not in page and "You can save a draft at any time" in page


# --- point 4: R16 explained where it bites -------------------------------------------------------
def test_a_foreign_owner_verified_is_told_about_the_us_attorney_in_both_languages(as_user):
    li = factories.li(verified=True)  # Chinese seller, just verified
    client = as_user(li)
    page = client.get("/accounts/identity/").content.decode()
    counsel = re.search(r'<section class="card" id="us-counsel".*?</section>', page, re.S).group(0)
    assert "must be represented by an attorney licensed in a US state" in counsel
    assert "bar admission" in counsel and "must accept the appointment" in counsel
    assert 'href="/rules/#R16"' in counsel and 'href="/rules/#R24"' in counsel
    page = in_chinese(client).get("/accounts/identity/").content.decode()
    assert "需要美国律师" in page and "必须接受委任" in page


def test_a_us_owner_is_not_told_to_find_a_us_attorney(as_user):
    olive = factories.person("olive", verified=True)
    assert 'id="us-counsel"' not in as_user(olive).get("/accounts/identity/").content.decode()


def test_the_filing_page_explains_r16_when_the_checklist_asks_for_a_us_attorney(as_user):
    li = factories.li(verified=True)
    client = as_user(li)
    client.post("/filings/new/", form_data(attorney_email=""))
    filing = Application.objects.get()
    page = client.get(f"/filings/{filing.pk}/").content.decode()
    assert 'data-code="us_counsel_required"' in page and 'id="us-counsel"' in page
    assert "ask them to create one and verify it" in page  # what the attorney's email field wants


# --- point 9: Chinese where the walk met English -------------------------------------------------
def test_the_password_rules_are_all_in_chinese(client):
    in_chinese(client)
    data = {"first_name": "Li", "last_name": "Wei", "email": "wei@example.test", "country": "CN"}
    page = client.post("/accounts/signup/", {**data, "password1": "12345", "password2": "12345"}).content.decode()
    assert "密码太短：至少需要 12 个字符。" in page and "This password is too short" not in page
    page = client.post(
        "/accounts/signup/", {**data, "password1": "wei@example.test", "password2": "wei@example.test"}
    ).content.decode()
    assert "密码跟 电子邮箱 太相似了。" in page


def test_a_signature_request_made_in_chinese_mails_in_chinese_and_opens_the_page_in_chinese(
    as_user, dana, mailoutbox, django_capture_on_commit_callbacks
):
    filing = factories.draft(dana)
    client = in_chinese(as_user(dana))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/filings/{filing.pk}/request-signature/", {"name": "Chen Hua", "email": "chen@sunwave.example"})
    mail = mailoutbox[-1]
    assert mail.subject == "请求签名：SUNWAVE" and mail.body.startswith("Chen Hua，您好：")
    path, code = re.search(r"https?://[^/\s]+(/filings/sign/\?lang=zh-hans)#(\S+)", mail.body).groups()

    from django.test import Client

    chen = Client()  # her own browser, no language chosen
    response = chen.get(path)
    assert '<html lang="zh-hans">' in response.content.decode()
    page = chen.post("/filings/sign/", {"code": code}).content.decode()  # the page's script posts the code
    assert '<html lang="zh-hans">' in page and "Chen Hua" in page
    # the switcher on the signing page keeps the application open, in English
    page = chen.post("/filings/sign/", {"code": code, "step": "language", "language": "en"}).content.decode()
    assert '<html lang="en">' in page and "Signature requested from Chen Hua" in page


def test_a_signature_request_in_english_keeps_the_plain_link(
    as_user, dana, mailoutbox, django_capture_on_commit_callbacks
):
    filing = factories.draft(dana)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(dana).post(
            f"/filings/{filing.pk}/request-signature/", {"name": "Chen Hua", "email": "chen@sunwave.example"}
        )
    assert re.search(r"/filings/sign/#\S+", mailoutbox[-1].body) and "?lang=" not in mailoutbox[-1].body


def test_signed_through_the_link_reads_in_chinese_and_the_id_manual_says_it_stays_english(as_user, dana, li):
    from applications import services as filings

    filing = factories.draft(dana)
    link = filings.request_signature(dana, filing, li)
    filings.sign_by_link(link.token, signature="/Li Wei/", title="CEO")
    client = in_chinese(as_user(dana))
    page = client.get(f"/filings/{filing.pk}/").content.decode()
    assert "(通过电子邮件链接签名)" in page
    page = client.get("/filings/id-manual/").content.decode()
    assert 'id="id-manual-english"' in page and "条目保持英文" in page


def test_the_forms_reason_says_the_same_sentence_as_the_dashboard(as_user, li, tmp_path, settings):
    from accounts import services as accounts

    settings.PRIVATE_UPLOAD_ROOT = tmp_path
    accounts.file_paper_verification(
        li, role="owner", document_country="CN", document_number="E1234567", scan=factories.upload()
    )
    client = as_user(li)
    _, sentence = standing(client.get("/filings/").content.decode())
    form = client.get("/filings/new/").content.decode()
    reason = re.search(r'<li data-code="identity_unverified"><span>([^<]*)</span>', form).group(1)
    assert reason == sentence

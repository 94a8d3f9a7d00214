"""Sign-up, sign-in, identity verification through the provider's pages, paper forms,
bar admissions and sponsorships, through the test client."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts import services as accounts
from accounts.models import PatentIdentity, Sponsorship, User, VerificationRequest
from tests import factories
from tmverify import clock

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-enough-passphrase-77"


def signup_data(**overrides):
    data = {
        "first_name": "Li",
        "last_name": "Wei",
        "email": "Li@Example.test",
        "country": "CN",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


# --- sign up, sign in, sign out ------------------------------------------------------------
def test_sign_up_creates_the_account_signs_in_and_asks_to_verify(client):
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/identity/"
    user = User.objects.get(email="li@example.test")
    assert (user.first_name, user.last_name, user.country) == ("Li", "Wei", "CN")
    assert client.get("/filings/").status_code == 200


def test_sign_up_password_is_hashed_with_argon2_in_production(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    client.post("/accounts/signup/", signup_data())
    assert User.objects.get(email="li@example.test").password.startswith("argon2")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"password1": "short-pw", "password2": "short-pw"}, "password1"),
        ({"password1": "123456789012345", "password2": "123456789012345"}, "password1"),
        ({"password2": "something-else-entirely"}, "password2"),
        # too like the person's own name (found by the form fuzz test: this once crashed)
        ({"last_name": "Weiwei-Linberg", "password1": "weiwei-linberg", "password2": "weiwei-linberg"}, "password1"),
        ({"email": "not-an-email"}, "email"),
        ({"first_name": ""}, "first_name"),
        ({"country": "XX"}, "country"),
    ],
)
def test_sign_up_bad_input_is_shown_on_its_field(client, overrides, field):
    response = client.post("/accounts/signup/", signup_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    # the error is tied to its field for screen readers
    assert f'id="id_{field}_error"' in html
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error', html)
    assert not User.objects.exists()


def test_sign_up_with_a_taken_email_says_so(client, li):
    response = client.post("/accounts/signup/", signup_data(email="li@example.test"))
    assert "An account with this email already exists." in response.context["form"].errors["email"]
    assert User.objects.count() == 1


def test_sign_in_and_sign_out(client, li):
    response = client.post(
        "/accounts/login/", {"username": "li@example.test", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get("/filings/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # sign-out is POST-only
    client.post("/accounts/logout/")
    assert client.get("/filings/").status_code == 302


def test_sign_in_with_a_wrong_password_shows_an_error(client, li):
    response = client.post("/accounts/login/", {"username": "li@example.test", "password": "wrong"})
    assert response.status_code == 200
    assert "The email or password is wrong" in response.content.decode()


def test_pages_carry_the_idle_warning_timings(as_user, li):
    html = as_user(li).get("/filings/").content.decode()
    assert 'data-session-warn="1500"' in html and 'data-session-end="1800"' in html
    assert 'id="session-warning"' in html


def test_keepalive_is_post_only_and_stays_on_this_site(as_user, li):
    client = as_user(li)
    assert client.get("/accounts/keepalive/").status_code == 405
    assert client.post("/accounts/keepalive/", {"next": "/accounts/identity/"})["Location"] == "/accounts/identity/"
    assert client.post("/accounts/keepalive/", {"next": "https://evil.example/"})["Location"] == "/filings/"


def test_pages_that_need_an_account_send_visitors_to_sign_in(client):
    for url in ["/filings/", "/accounts/identity/", "/accounts/sponsorships/", "/filings/new/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- verification through the provider ---------------------------------------------------------
def start(client, method="online", role="owner"):
    """Start a check; the app's signed request for the provider, from the hand-over page."""
    response = client.post("/accounts/identity/start/", {"role": role, "method": method})
    assert response.status_code == 200, response.content
    return response.context["signed_request"]


def open_check(client, signed):
    return client.post("/provider/check/", {"request": signed})


def provider_round(client, signed, outcome="pass", number="E1234567", country="CN"):
    fields = {"request": signed, "document_country": country, "document_number": number, "outcome": outcome}
    page = client.post("/provider/check/", fields)
    assert page.status_code == 200
    token = page.context["token"]
    # the signed result is posted back, never carried in a URL
    assert token not in page.request["PATH_INFO"]
    return client.post("/accounts/identity/callback/", {"result": token})


def test_online_verification_goes_through_the_provider_pages_and_back(as_user, li):
    client = as_user(li)
    signed = start(client)
    page = open_check(client, signed)
    assert "SimID" in page.content.decode() and "Li Wei" in page.content.decode()
    response = provider_round(client, signed)
    assert response["Location"] == "/accounts/identity/"
    li.refresh_from_db()
    assert (li.identity_state, li.identity_method, li.role) == ("verified", "online", "owner")
    assert "Your identity is verified" in client.get("/accounts/identity/").content.decode()


def test_the_app_hands_its_request_to_the_provider_in_a_posted_form_never_a_url(as_user, li):
    client = as_user(li)
    response = client.post("/accounts/identity/start/", {"role": "owner", "method": "online"})
    html = response.content.decode()
    signed = response.context["signed_request"]
    # a page with a form the browser posts (its script at once, else the person's click),
    # not a redirect: the request and its nonce stay out of every URL and access log
    assert response.status_code == 200 and "Location" not in response
    assert 'action="/provider/check/"' in html and f'name="request" value="{signed}"' in html
    assert 'src="/static/js/autosubmit.js"' in html
    assert client.get("/provider/check/").status_code == 405
    page = open_check(client, signed)
    assert page.status_code == 200 and page.request["PATH_INFO"] == "/provider/check/"
    assert f'name="request" value="{signed}"' in page.content.decode()  # carried on in the check's own form


def test_the_providers_own_form_keeps_its_csrf_check(li):
    client = Client(enforce_csrf_checks=True)
    client.force_login(li)
    csrf = client.get("/accounts/identity/").cookies["csrftoken"].value
    response = client.post(
        "/accounts/identity/start/", {"role": "owner", "method": "online", "csrfmiddlewaretoken": csrf}
    )
    signed = response.context["signed_request"]
    assert client.post("/provider/check/", {"request": signed}).status_code == 200  # the hand-over needs no token
    finish = {"request": signed, "document_country": "CN", "document_number": "E1", "outcome": "pass"}
    assert client.post("/provider/check/", finish).status_code == 403
    assert client.post("/provider/check/", {**finish, "csrfmiddlewaretoken": csrf}).status_code == 200


def test_video_verification_shows_the_agent_page(as_user, li):
    client = as_user(li)
    signed = start(client, method="video")
    assert "Video call with an agent" in open_check(client, signed).content.decode()
    provider_round(client, signed)
    li.refresh_from_db()
    assert li.identity_method == "video"


def test_a_failed_check_is_refused_with_its_reason(as_user, li):
    client = as_user(li)
    response = provider_round(client, start(client), outcome="fail")
    page = client.get(response["Location"])
    assert "verification_failed" in page.content.decode()
    li.refresh_from_db()
    assert li.identity_state == "unverified"


def test_a_forged_or_replayed_result_is_refused(as_user, li):
    client = as_user(li)
    client.post("/accounts/identity/callback/", {"result": "forged.result"})
    signed = start(client)
    page = client.post(
        "/provider/check/", {"request": signed, "document_country": "CN", "document_number": "E1", "outcome": "pass"}
    )
    token = page.context["token"]
    client.post("/accounts/identity/callback/", {"result": token})
    response = client.post("/accounts/identity/callback/", {"result": token}, follow=True)
    assert "verification_failed" in response.content.decode() or "already_verified" in response.content.decode()
    assert client.get("/accounts/identity/callback/").status_code == 405


def test_five_failures_lock_and_a_locked_attempt_never_reaches_the_provider(as_user, li):
    client = as_user(li)
    for _ in range(5):
        provider_round(client, start(client), outcome="fail")
    page = client.get("/accounts/identity/").content.decode()
    assert 'data-status="locked"' in page
    assert "notarized paper form" in page
    requests_before = VerificationRequest.objects.count()
    response = client.post("/accounts/identity/start/", {"role": "owner", "method": "online"}, follow=True)
    assert "verification_locked" in response.content.decode()
    assert VerificationRequest.objects.count() == requests_before


def test_the_provider_page_names_the_person_only_to_them(as_user, li):
    signed = start(as_user(li))
    anonymous = open_check(Client(), signed).content.decode()
    assert "Li Wei" not in anonymous and "the person who started this check" in anonymous
    other = Client()
    other.force_login(factories.person("olga"))
    assert "Li Wei" not in open_check(other, signed).content.decode()


def test_the_provider_page_of_an_unknown_request_is_not_found(client):
    response = client.post("/provider/check/", {"request": "no-such-nonce"})
    assert response.status_code == 404
    assert "not open" in response.content.decode()


def test_the_start_form_needs_a_role_and_a_method(as_user, li):
    response = as_user(li).post("/accounts/identity/start/", {"method": "online"})
    assert response.status_code == 400
    assert "role" in response.context["start_form"].errors


def test_a_company_name_cannot_be_verified(as_user):
    desk = factories.person("desk", first_name="Admin", last_name="Support")
    response = as_user(desk).post("/accounts/identity/start/", {"role": "owner", "method": "online"}, follow=True)
    assert "not_a_natural_person" in response.content.decode()


# --- paper -------------------------------------------------------------------------------------
def test_paper_route_shows_a_printable_form_prefilled_with_name_and_role(as_user, li):
    client = as_user(li)
    location = client.post("/accounts/identity/start/", {"role": "owner", "method": "paper"})["Location"]
    assert location == "/accounts/identity/paper/?role=owner"
    page = client.get(location).content.decode()
    assert "Li Wei" in page and "Owner" in page and "18 U.S.C. 1001" in page


def test_uploading_the_notarized_scan_puts_the_account_in_review(as_user, li):
    client = as_user(li)
    scan = SimpleUploadedFile("form.pdf", factories.PDF_PAGE, content_type="application/pdf")
    response = client.post(
        "/accounts/identity/paper/",
        {"role": "owner", "document_country": "CN", "document_number": "E7654321", "scan": scan},
    )
    assert response.status_code == 302
    li.refresh_from_db()
    assert li.identity_state == "pending_review"
    assert "pending review" in client.get("/accounts/identity/").content.decode()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_by_its_content(as_user, li):
    client = as_user(li)
    fake = SimpleUploadedFile("form.pdf", b"MZ this is a program", content_type="application/pdf")
    response = client.post(
        "/accounts/identity/paper/",
        {"role": "owner", "document_country": "CN", "document_number": "E7654321", "scan": fake},
    )
    assert response.status_code == 200
    assert "Upload a PDF, PNG or JPEG file." in response.context["form"].errors["scan"]
    li.refresh_from_db()
    assert li.identity_state == "unverified"


def test_a_scan_over_the_size_limit_is_refused(as_user, li, settings):
    settings.UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("form.pdf", factories.PDF_PAGE + b"x" * 200, content_type="application/pdf")
    response = as_user(li).post(
        "/accounts/identity/paper/",
        {"role": "owner", "document_country": "CN", "document_number": "E1", "scan": big},
    )
    assert response.context["form"].errors["scan"]
    li.refresh_from_db()
    assert li.identity_state == "unverified"


# --- other states ----------------------------------------------------------------------------
def test_patent_verified_person_is_told_so_and_chooses_a_role(client):
    PatentIdentity.objects.create(
        email="ada@example.test", first_name="Ada", last_name="Lovelace", role="", verified_on=date(2022, 3, 1)
    )
    client.post("/accounts/signup/", signup_data(first_name="Ada", last_name="Lovelace", email="ada@example.test"))
    page = client.get("/accounts/identity/").content.decode()
    assert "verified through the patent side" in page and "Choose your trademark role" in page
    client.post("/accounts/identity/role/", {"role": "owner"})
    ada = User.objects.get(email="ada@example.test")
    assert ada.role == "owner"
    # once chosen it is locked
    response = client.post("/accounts/identity/role/", {"role": "us_attorney"}, follow=True)
    assert "invalid_state" in response.content.decode()
    ada.refresh_from_db()
    assert ada.role == "owner"


def test_fraud_hold_and_rejection_say_what_happens_next(as_user):
    first = factories.person("first", verified=True, document="SAME-1")
    second = factories.person("second")
    client = as_user(second)
    response = provider_round(client, start(client), number="SAME-1", country="US")
    response = client.get(response["Location"])
    assert "duplicate_identity" in response.content.decode()
    assert "office decides within 30 days" in response.content.decode()
    assert first.pk != second.pk
    accounts.review_fraud_hold(factories.supervisor(), second, passed=False)
    assert "Only the office can reopen it" in client.get("/accounts/identity/").content.decode()


# --- bar admissions ----------------------------------------------------------------------------
def test_attorney_adds_a_bar_admission(as_user):
    lawyer = factories.person("lawyer", role="us_attorney", verified=True)
    client = as_user(lawyer)
    response = client.post(
        "/accounts/bar/", {"jurisdiction": "CA", "number": "123", "admitted": "2010-05-01", "good_standing": "on"}
    )
    assert response.status_code == 302
    assert lawyer.bar_admissions.get().jurisdiction == "CA"


def test_a_future_admission_date_is_an_error_on_its_field(as_user, dana):
    future = (clock.today() + timedelta(days=3)).isoformat()
    response = as_user(dana).post("/accounts/bar/", {"jurisdiction": "CA", "admitted": future})
    assert response.context["form"].errors["admitted"]
    assert dana.bar_admissions.count() == 1


# --- sponsorships ------------------------------------------------------------------------------
def test_attorney_sponsors_staff_by_email(as_user, dana):
    staff = factories.pat()
    response = as_user(dana).post("/accounts/sponsorships/sponsor/", {"sponsor-email": "PAT@example.test"})
    assert response.status_code == 302
    assert Sponsorship.objects.get(attorney=dana, staff=staff).state == "active"


def test_sponsoring_an_unknown_email_is_an_error_on_the_field(as_user, dana):
    response = as_user(dana).post("/accounts/sponsorships/sponsor/", {"sponsor-email": "nobody@example.test"})
    assert response.status_code == 400
    assert response.context["sponsor_form"].errors["email"]


def test_an_owner_cannot_sponsor(as_user, mallory):
    factories.pat()
    response = as_user(mallory).post(
        "/accounts/sponsorships/sponsor/", {"sponsor-email": "pat@example.test"}, follow=True
    )
    assert "role_not_permitted" in response.content.decode()
    assert not Sponsorship.objects.exists()


def test_staff_request_and_attorney_approves_denies_or_ends(client, dana):
    staff = factories.pat()
    client.force_login(staff)
    client.post("/accounts/sponsorships/request/", {"request-email": "dana@example.test"})
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.state == "requested"
    client.force_login(dana)
    assert f"Approve {staff.full_name}" in client.get("/accounts/sponsorships/").content.decode()
    assert client.get(f"/accounts/sponsorships/{sponsorship.pk}/approve/").status_code == 405
    client.post(f"/accounts/sponsorships/{sponsorship.pk}/approve/")
    sponsorship.refresh_from_db()
    assert sponsorship.state == "active"
    client.force_login(staff)
    client.post(f"/accounts/sponsorships/{sponsorship.pk}/end/")
    sponsorship.refresh_from_db()
    assert sponsorship.state == "ended"
    client.post("/accounts/sponsorships/request/", {"request-email": "dana@example.test"})
    second = Sponsorship.objects.exclude(pk=sponsorship.pk).get()
    client.force_login(dana)
    client.post(f"/accounts/sponsorships/{second.pk}/deny/")
    second.refresh_from_db()
    assert second.state == "denied"


def test_someone_elses_sponsorship_is_not_found(as_user, pat, mallory):
    sponsorship = Sponsorship.objects.get(staff=pat)
    for action in ("approve", "deny", "end"):
        assert as_user(mallory).post(f"/accounts/sponsorships/{sponsorship.pk}/{action}/").status_code == 404
    sponsorship.refresh_from_db()
    assert sponsorship.state == "active"


# --- language -------------------------------------------------------------------------------------
def test_the_language_switcher_shows_the_pages_in_chinese(client, li):
    client.force_login(li)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/identity/"})
    assert response["Location"] == "/accounts/identity/"
    page = client.get("/accounts/identity/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "核验您的身份" in page and "退出登录" in page


def test_refusal_reasons_are_shown_in_chinese_with_their_code(client, li):
    client.force_login(li)
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    response = client.post("/filings/new/", {"goods-TOTAL_FORMS": "0", "goods-INITIAL_FORMS": "0"}, follow=True)
    page = response.content.decode()
    assert "进行此操作前，请先核验您的身份" in page and "[identity_unverified]" in page

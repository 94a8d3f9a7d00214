"""The second factor at sign-in (issue 23): who must give one, enrolment, signing in with an
authenticator code or a recovery code, the sign-in limits, removal, and the office's
reset of a lost factor. Security keys are driven through Chromium in
tests/browser/test_second_factor_journeys.py."""

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.models import SignInFailure
from tests.factories import examiner, mallory, person, supervisor
from tmverify.models import AuditEvent
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows (now, or a step of 30 s later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def signed_in(user, client=None) -> Client:
    """Through the sign-in page, with the password only."""
    client = client or Client()
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def enrolled(user) -> TOTPDevice:
    """An account that added an authenticator app (one code from it used up)."""
    client = signed_in(user)
    client.get("/accounts/security/authenticator/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accounts/security/authenticator/", {"code": code_of(device), "name": "Phone"})
    assert response.status_code == 200, response.content  # the recovery codes, shown once
    device.refresh_from_db()
    return device


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="user", subject_id=str(user.pk)).values_list("action", flat=True)
    )


def test_a_filer_without_a_factor_signs_in_with_the_password_alone_when_none_is_required():
    ada = person("ada")  # the demo's people, as `make run` serves them
    client = signed_in(ada)
    assert client.get("/filings/").status_code == 200


def test_when_required_sign_in_leads_to_enrolment_before_anything_else(settings):
    settings.TMVERIFY_REQUIRE_MFA = True
    ada = person("ada")
    client = signed_in(ada)
    response = client.get("/filings/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/security/?next=%2Ffilings%2F"
    page = client.get(response["Location"])
    assert "needs a second factor" in page.content.decode()
    # any other page, GET or POST, sends it back
    assert client.get("/accounts/identity/")["Location"].startswith("/accounts/security/")
    assert client.post("/accounts/sponsorships/sponsor/", {"email": "x@example.test"})["Location"] == (
        "/accounts/security/"
    )

    client.get("/accounts/security/authenticator/?next=/filings/")
    device = TOTPDevice.objects.get(user=ada, confirmed=False)
    response = client.post(
        "/accounts/security/authenticator/", {"code": code_of(device), "name": "Phone", "next": "/filings/"}
    )
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/filings/").status_code == 200
    assert {"account.second_factor_added", "account.recovery_codes_made"} <= set(actions(ada))


def test_office_staff_must_enrol_even_when_filers_need_not():
    erin = examiner()
    client = signed_in(erin)
    response = client.get("/console/")
    assert response["Location"] == "/accounts/security/?next=%2Fconsole%2F"
    # the console's own sign-in page leads to the same place
    other = Client()
    other.post("/console/login/?next=/console/", {"username": erin.email, "password": PASSWORD})
    assert other.get("/console/")["Location"] == "/accounts/security/?next=%2Fconsole%2F"


def test_a_wrong_code_at_enrolment_is_refused_with_a_clear_message_and_adds_nothing():
    ada = person("ada")
    client = signed_in(ada)
    client.get("/accounts/security/authenticator/")
    response = client.post("/accounts/security/authenticator/", {"code": "12345x"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=ada, confirmed=True).exists()
    assert SignInFailure.objects.filter(email=ada.email).count() == 1


def test_an_enrolled_account_gives_its_code_after_the_password_and_a_code_works_once():
    ada = person("ada")
    device = enrolled(ada)
    client = signed_in(ada)
    response = client.get("/filings/")
    assert response["Location"] == "/accounts/second-factor/?next=%2Ffilings%2F"

    wrong = client.post("/accounts/second-factor/", {"code": "000000", "next": "/filings/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/filings/").status_code == 302

    code = code_of(device, steps_ahead=1)
    right = client.post("/accounts/second-factor/", {"code": code, "next": "/filings/"})
    assert right["Location"] == "/filings/"
    assert client.get("/filings/").status_code == 200
    assert "account.second_factor_passed" in actions(ada)
    # the wrong code stays counted, the right one not
    assert SignInFailure.objects.filter(email=ada.email).count() == 1

    # the same code again, in another sign-in, is refused: each code works once
    again = signed_in(ada)
    assert again.post("/accounts/second-factor/", {"code": code}).status_code == 400


def test_a_recovery_code_works_once_is_audited_and_is_kept_only_as_a_digest():
    ada = person("ada")
    client = signed_in(ada)
    client.get("/accounts/security/authenticator/")
    device = TOTPDevice.objects.get(user=ada)
    codes = client.post("/accounts/security/authenticator/", {"code": code_of(device)}).context["codes"]
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & {c for c in codes} and not stored & {c.replace("-", "") for c in codes}

    client = signed_in(ada)
    response = client.post("/accounts/second-factor/", {"code": codes[3].upper(), "next": "/filings/"})
    assert response["Location"] == "/filings/"
    assert second_factor.recovery_codes_left(ada) == 9
    event = AuditEvent.objects.filter(action="account.recovery_code_used").get()
    assert event.data == {"left": 9}

    again = signed_in(ada)
    assert again.post("/accounts/second-factor/", {"code": codes[3]}).status_code == 400


def test_second_factor_failures_count_toward_the_sign_in_limit(settings):
    ada = person("ada")
    device = enrolled(ada)
    client = signed_in(ada)
    for _ in range(settings.SIGNIN_MAX_FAILURES):
        assert client.post("/accounts/second-factor/", {"code": "000000"}).status_code == 400
    assert "account.sign_in_locked" in actions(ada)
    # paused now: the right code is refused unchecked, and so is the right password
    response = client.post("/accounts/second-factor/", {"code": code_of(device, steps_ahead=1)})
    assert response.status_code == 400
    assert "Sign-in is paused" in response.content.decode()
    refused = Client().post("/accounts/login/", {"username": ada.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_a_factor_is_removed_by_its_owner_but_never_the_last_one_that_is_required(settings):
    ada = person("ada")
    device = enrolled(ada)
    second = TOTPDevice.objects.create(user=ada, name="Tablet")
    client = Client()
    client.force_login(ada)  # with her second factor
    response = client.post(f"/accounts/security/authenticator/{second.pk}/remove/")
    assert response["Location"] == "/accounts/security/"
    assert not TOTPDevice.objects.filter(pk=second.pk).exists()
    assert AuditEvent.objects.filter(action="account.second_factor_removed").get().data == {
        "kind": "authenticator",
        "name": "Tablet",
    }

    settings.TMVERIFY_REQUIRE_MFA = True
    client.post(f"/accounts/security/authenticator/{device.pk}/remove/")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # someone else's factor is no factor of hers
    mallorys = TOTPDevice.objects.create(user=mallory(), name="Mallory's phone")
    client.post(f"/accounts/security/authenticator/{mallorys.pk}/remove/")
    assert TOTPDevice.objects.filter(pk=mallorys.pk).exists()


def test_a_lost_factor_is_removed_by_office_staff_with_a_reason_and_the_accounts_sessions_end():
    ada = person("ada")
    enrolled(ada)
    session = signed_in(ada)
    sam = supervisor()
    office = Client()
    office.force_login(sam)
    url = f"/console/accounts/user/{ada.pk}/second-factor/reset/"
    assert "Remove lost second factor" in office.get(f"/console/accounts/user/{ada.pk}/change/").content.decode()
    assert office.get(url).status_code == 200
    response = office.post(url, {"note": "Phone lost; identity checked by video call"})
    assert response.status_code == 302
    assert not second_factor.factors(ada) and second_factor.recovery_codes_left(ada) == 0
    event = AuditEvent.objects.filter(action="account.second_factor_reset").get()
    assert (event.actor_id, event.data["note"], event.data["removed"]) == (
        sam.pk,
        "Phone lost; identity checked by video call",
        ["authenticator"],
    )
    assert session.get("/filings/")["Location"].startswith("/accounts/login/")


def test_an_examiner_cannot_remove_a_factor_and_nobody_their_own():
    ada = person("ada")
    enrolled(ada)
    with pytest.raises(Refused) as refused:
        second_factor.reset_second_factor(examiner(), ada, note="asked by phone")
    assert [r.code for r in refused.value.reasons] == ["role_not_permitted"]
    sam = supervisor()
    with pytest.raises(Refused):
        second_factor.reset_second_factor(sam, sam, note="mine")
    assert second_factor.factors(ada)
    assert AuditEvent.objects.filter(action="account.second_factor_reset.refused").count() == 2


def test_the_second_factor_page_speaks_chinese():
    ada = person("ada")
    enrolled(ada)
    client = signed_in(ada)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/accounts/second-factor/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "第二重验证" in page
    wrong = client.post("/accounts/second-factor/", {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "验证码不正确" in wrong.content.decode()
    signed = Client()
    signed.force_login(ada)
    signed.cookies["django_language"] = "zh-hans"
    page = signed.get("/accounts/security/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "您还有 10 个未使用的恢复码" in page and "添加安全密钥" in page
    assert "二维码" in signed.get("/accounts/security/authenticator/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_a_security_key_is_offered_only_at_the_sites_own_host(settings):
    settings.TMVERIFY_WEBAUTHN_RP_ID = "tmverify.example"
    ada = person("ada")
    client = signed_in(ada)
    page = client.get("/accounts/security/key/").content.decode()
    assert "only at its own address, tmverify.example" in page
    assert 'id="webauthn-options"' not in page
    response = client.post("/accounts/security/key/", {"credential": '{"id": "x"}'})
    assert response.status_code == 400
    assert not second_factor.factors(ada)


def test_a_made_up_security_key_answer_is_refused_and_counted():
    ada = person("ada")
    enrolled(ada)
    client = signed_in(ada, Client(SERVER_NAME="localhost"))
    client.get("/accounts/second-factor/")
    response = client.post("/accounts/second-factor/", {"credential": '{"id": "AAAA", "response": {}}'})
    assert response.status_code == 400
    assert SignInFailure.objects.filter(email=ada.email).count() == 1


def test_the_relying_party_id_is_the_site_hosts_name_or_localhost():
    from tmverify.settings import rp_id_of

    assert rp_id_of("https://tmverify.example") == "tmverify.example"
    assert rp_id_of("http://127.0.0.1:8000") == "localhost"
    assert rp_id_of("") == "localhost"


def test_the_demo_filers_sign_in_as_before_and_its_office_staff_are_shown_enrolment(capsys):
    from django.core.management import call_command

    call_command("load_demo")
    assert "Erin and Sam add a second factor" in capsys.readouterr().out
    dana = Client()
    dana.post("/accounts/login/", {"username": "dana@demo.example", "password": "demo-password-2026"})
    assert dana.get("/filings/").status_code == 200
    sam = Client()
    sam.post("/accounts/login/", {"username": "sam@demo.example", "password": "demo-password-2026"})
    assert sam.get("/console/")["Location"] == "/accounts/security/?next=%2Fconsole%2F"


def test_adding_the_first_factor_ends_the_sessions_opened_with_the_password_alone():
    ada = person("ada")
    elsewhere = signed_in(ada)  # say, whoever else learnt her password
    assert elsewhere.get("/filings/").status_code == 200
    enrolled(ada)
    assert elsewhere.get("/filings/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "code", ["", "   ", "\x00", "１２３４５６", "٣٣٣٣٣٣", "-" * 40, "9" * 30, "a" * 10_000, "0000-0000", "<script>"]
)
def test_any_code_gets_a_message_never_a_500_and_lets_no_one_in(code):
    ada = person("ada")
    enrolled(ada)
    client = signed_in(ada, Client(raise_request_exception=False))
    response = client.post("/accounts/second-factor/", {"code": code, "next": "/filings/"})
    assert response.status_code == 400
    assert client.get("/filings/").status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_code_given_in_eight_sessions_at_once_lets_one_in():
    import threading

    from django.db import connections

    ada = person("ada")
    device = enrolled(ada)
    clients = [signed_in(ada) for _ in range(8)]
    code = code_of(device, steps_ahead=1)
    barrier = threading.Barrier(len(clients))
    answers, crashes = [], []

    def give(client):
        try:
            barrier.wait()
            answers.append(client.post("/accounts/second-factor/", {"code": code}).status_code)
        except Exception as exc:
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=give, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not crashes, crashes
    assert sorted(answers) == [302] + [400] * 7


def test_a_session_from_before_the_account_needed_a_factor_is_taken_to_enrolment(settings):
    ada = person("ada")
    client = signed_in(ada)
    assert client.get("/filings/").status_code == 200
    settings.TMVERIFY_REQUIRE_MFA = True  # turned on while she is signed in
    assert client.get("/filings/")["Location"] == "/accounts/security/?next=%2Ffilings%2F"

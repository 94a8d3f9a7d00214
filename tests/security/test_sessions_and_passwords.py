"""Session cookies, session fixation, suspension ending sessions, and common passwords
refused at sign-up: through the pages, and with the production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
ROOT = Path(__file__).resolve().parents[2]


def sign_in(client, email="li@example.test"):
    response = client.post("/accounts/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


def production_settings(*names):
    """The named settings as `DJANGO_DEBUG=False` loads them, read in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TMVERIFY_"))}
    env["DJANGO_SETTINGS_MODULE"] = "tmverify.settings"
    keys = subprocess.run(
        [sys.executable, "manage.py", "generate_keys"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    for line in keys.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value.strip("'")
    env.update(DJANGO_DEBUG="False", DJANGO_ALLOWED_HOSTS="tmverify.example")
    code = f"from django.conf import settings; print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    shell = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "import json; " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(shell.stdout.strip().splitlines()[-1])  # after the shell's own notice


def test_production_cookies_are_secure_http_only_and_same_site():
    names = (
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_AGE",
    )
    assert production_settings(*names) == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_AGE": 30 * 60,
    }


def test_the_session_cookie_set_at_sign_in_carries_its_flags(client, settings):
    factories.li()
    settings.SESSION_COOKIE_SECURE = True  # as production sets it (checked above)
    cookie = sign_in(client).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True


def test_sign_in_gives_a_new_session_key_and_drops_a_planted_one(client):
    factories.li()
    # an attacker plants a session id in the victim's browser before she signs in
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    new_key = sign_in(client).cookies[settings.SESSION_COOKIE_NAME].value

    assert new_key and new_key != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert client.get("/filings/").status_code == 200


def test_suspension_ends_open_sessions_even_after_reinstatement(client):
    li = factories.li()
    sam = factories.supervisor()
    sign_in(client)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value  # say someone copied it
    assert client.get("/filings/").status_code == 200

    office = type(client)()
    office.force_login(sam)
    suspend = office.post(f"/console/accounts/user/{li.pk}/transition/suspend/", {"note": "filing mill"})
    assert suspend.status_code == 302
    li.refresh_from_db()
    assert li.identity_state == "suspended"

    response = client.get("/filings/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # the old session is gone for good: reinstating the account does not bring it back
    office.post(f"/console/accounts/user/{li.pk}/transition/reinstate/", {"note": "cleared"})
    li.refresh_from_db()
    assert li.identity_state != "suspended"
    thief = type(client)()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert thief.get("/filings/").status_code == 302


def test_a_suspended_account_cannot_sign_in_through_the_page(client):
    li = factories.li()
    from accounts import services

    services.suspend_account(factories.supervisor(), li, note="filing mill")
    response = client.post("/accounts/login/", {"username": "li@example.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("common", ["qwerty123456", "1qaz2wsx3edc", "Q1w2e3r4t5y6"])
def test_sign_up_refuses_a_common_password(client, common):
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Li",
            "last_name": "Wei",
            "email": "li@example.test",
            "country": "CN",
            "password1": common,
            "password2": common,
        },
    )
    assert response.status_code == 200
    assert "This password is too common." in response.context["form"].errors["password1"]
    assert not User.objects.exists()

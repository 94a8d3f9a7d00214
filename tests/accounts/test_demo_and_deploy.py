"""`load_demo` gives the demo people once, however often it runs; production settings pass
`check --deploy` and refuse to start without their secrets."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import BarAdmission, PatentIdentity, Sponsorship, User
from tmverify import clock
from tmverify.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "pat_state"), [(date(2023, 6, 1), "unverified"), (date(2024, 2, 1), "verified")])
def test_load_demo_creates_the_demo_people_once(capsys, today, pat_state):
    clock.set_today(today)  # before and after support staff can verify (R11)
    call_command("load_demo")
    first = capsys.readouterr().out
    counts = [m.objects.count() for m in (User, BarAdmission, Sponsorship, PatentIdentity, AuditEvent)]

    call_command("load_demo")
    second = capsys.readouterr().out

    assert [m.objects.count() for m in (User, BarAdmission, Sponsorship, PatentIdentity, AuditEvent)] == counts
    assert "created demo people" in first and "created demo people" not in second
    people = {u.email.split("@")[0]: u for u in User.objects.all()}
    assert set(people) == {"dana", "pat", "li", "ada", "erin", "sam"}
    assert (people["dana"].identity_state, people["dana"].role) == ("verified", "us_attorney")
    assert BarAdmission.objects.get(attorney=people["dana"]).is_complete
    assert Sponsorship.objects.get(attorney=people["dana"], staff=people["pat"]).state == "active"
    assert people["pat"].identity_state == pat_state
    assert (people["li"].identity_state, people["li"].role, people["li"].country) == ("unverified", "owner", "CN")
    assert (people["ada"].identity_method, people["ada"].role) == ("patent", "")
    assert people["erin"].is_office_staff() and not people["erin"].is_supervisor()
    assert people["sam"].is_supervisor()
    for email in ("dana@demo.example", "li@demo.example", "sam@demo.example"):
        assert email in second  # logins printed every time
    # issue 22: each login with its state on this date and what to try first with it
    assert f"Pat Lee: Dana's paralegal, sponsored by her ({pat_state})" in second
    assert second.count("try first: ") == 6 and "R11 opens" not in second


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TMVERIFY_"))}
    env.update(extra)
    return env


# what production needs beside its keys: a mail server and the site's own address
PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_ALLOWED_HOSTS": "tmverify.example",
    "DJANGO_EMAIL_HOST": "smtp.tmverify.example",
    "TMVERIFY_SITE_URL": "https://tmverify.example",
}


def _with_keys(**settings):
    keys = _manage("generate_keys", env=_production_env())
    assert keys.returncode == 0, keys.stderr
    env = _production_env(**settings)
    for line in keys.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value.strip("'")
    assert {"DJANGO_SECRET_KEY", "TMVERIFY_EVIDENCE_KEYS", "TMVERIFY_OFFICE_SIGNING_KEY"} <= set(env)
    return env


def test_check_deploy_passes_with_production_settings():
    check = _manage("check", "--deploy", "--fail-level", "WARNING", env=_with_keys(**PRODUCTION))

    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "tmverify.E001"),
        ({"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "tmverify.E001"),
        ({"DJANGO_EMAIL_BACKEND": "tmverify.outbox.OutboxBackend"}, "tmverify.E001"),
        ({"DJANGO_EMAIL_HOST": ""}, "tmverify.E002"),
        ({"TMVERIFY_SITE_URL": ""}, "tmverify.E003"),
        ({"TMVERIFY_SITE_URL": "http://tmverify.example"}, "tmverify.E003"),
        ({"TMVERIFY_OIDC_ISSUER": "http://idp.example"}, "tmverify.E004"),
        ({"TMVERIFY_OIDC_REDIRECT_URI": "http://tmverify.example/accounts/identity/callback/"}, "tmverify.E004"),
        ({"TMVERIFY_OIDC_CLIENT_SECRET": ""}, "TMVERIFY_OIDC_CLIENT_SECRET is required"),
    ],
)
def test_check_deploy_fails_without_a_mail_server_or_the_sites_address(change, says):
    env = _with_keys(**PRODUCTION)
    for name, value in change.items():
        if value:
            env[name] = value
        else:
            env.pop(name)
    check = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert check.returncode != 0
    assert says in check.stdout + check.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", env=_production_env(DJANGO_DEBUG="False", DJANGO_ALLOWED_HOSTS="tmverify.example"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr

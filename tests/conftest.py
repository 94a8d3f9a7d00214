"""Shared personas and fixtures. Time is always set: nothing depends on today's date."""

import io
from datetime import date
from urllib.parse import urlsplit

import pytest
import requests
import urllib3
from django.conf import settings as django_settings
from django.test import Client

from tmverify import clock, policy


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.postgres` tests need row locks between threads: skip them on SQLite."""
    if "postgresql" in django_settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (row locks between threads); run with "
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fixed_clock(settings, tmp_path):
    """Every test starts on 2023-06-01 (the simulator's default) under the enacted policy."""
    clock.set_today(date(2023, 6, 1))
    policy.deactivate()
    settings.PRIVATE_UPLOAD_ROOT = tmp_path / "uploads"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Argon2 is the production hasher (tests/security checks it); tests hash fast
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    clock.reset()
    policy.deactivate()


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a finished sign-in: for an account that needs
    a second factor (office staff; everyone under TMVERIFY_REQUIRE_MFA) that includes it,
    so the session is given an authenticator app the account has, or one made for it.
    Tests of the second factor itself sign in through the pages, or with `password_only`."""
    original = Client.force_login

    def force_login(self, user, backend=None, password_only=False):
        original(self, user, backend)
        if password_only:
            return
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts import second_factor
        from accounts.models import User

        account = User.objects.get(pk=user.pk)
        if not second_factor.is_required(account) and not second_factor.has_factor(account):
            return
        device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=account, name="test phone")
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.pop(second_factor.PENDING_SESSION_KEY, None)
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


class InProcessAdapter(requests.adapters.BaseAdapter):
    """Answers the relying party's HTTP calls to this site (the built-in provider's
    discovery, JWKS and token endpoints) from Django in this process, through the test
    client, as a server would: no server needed for the page tests."""

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        answer = Client().generic(
            request.method,
            f"{url.path}?{url.query}" if url.query else url.path,
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
            headers={k: v for k, v in request.headers.items() if k.lower() not in {"content-type", "content-length"}},
            HTTP_HOST=url.netloc,
        )
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(answer.content),
            headers=dict(answer.headers.items()),
            status=answer.status_code,
            preload_content=False,
        )
        return requests.adapters.HTTPAdapter().build_response(request, raw)

    def close(self):
        pass


@pytest.fixture(autouse=True)
def builtin_provider(monkeypatch):
    """The built-in provider reachable at its configured address (TMVERIFY_OIDC_ISSUER),
    in this process, in every test (never whatever else listens there on this machine);
    the relying party's cached discovery and keys forgotten (only they: with REDIS_URL
    the cache is a Redis others may use)."""
    from accounts import oidc

    oidc.forget_provider()
    site = urlsplit(django_settings.TMVERIFY_OIDC_ISSUER)
    monkeypatch.setitem(oidc.ADAPTERS, f"{site.scheme}://{site.netloc}/", InProcessAdapter())
    yield
    oidc.forget_provider()

"""Sign-in limits beyond one account (issue 19, point 5): each attempt is counted before its
password is hashed, so simultaneous guesses cannot overrun the limit; failures are also
limited per client address and overall, so spraying one password over many accounts is
bounded; and a suspended account that gives its right password is told it is suspended
and how to appeal, and was mailed when it was suspended."""

import threading

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.db import connections
from django.test import Client

from accounts import services
from accounts.models import SignInFailure, User
from tests import factories

PASSWORD = "correct horse battery staple"


def account(key: str) -> User:
    return factories.person(key)


def sign_in(client, key: str, password: str, address: str = "198.51.100.7"):
    return client.post(
        "/accounts/login/", {"username": f"{key}@example.test", "password": password}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def counted_hashes(monkeypatch):
    """How many times a password was actually checked against its hash."""
    checked = []
    lock = threading.Lock()
    original = User.check_password

    def check(self, raw):
        with lock:
            checked.append(self.pk)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", check)
    return checked


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_forty_simultaneous_wrong_passwords_get_at_most_ten_checked(counted_hashes):
    account("li")
    barrier = threading.Barrier(40)
    crashes = []

    def guess():
        try:
            barrier.wait()
            assert authenticate(username="li@example.test", password="wrong-guess-123") is None
        except Exception as exc:
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not crashes, crashes
    assert 1 <= len(counted_hashes) <= 10
    # every guess that was checked stays counted; the ones refused unchecked do not
    assert SignInFailure.objects.filter(email="li@example.test").count() == len(counted_hashes)


@pytest.mark.django_db
def test_spraying_one_password_over_many_accounts_from_one_address_is_bounded(settings, counted_hashes):
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 5
    client = Client()
    for n in range(8):
        account(f"user{n}")
    for n in range(8):
        sign_in(client, f"user{n}", "Spring2026!Spring")
    assert len(counted_hashes) == 5
    assert not signed_in(client)
    # the address is paused, even for a right password; another address is not
    assert not signed_in(sign_in_client := Client()) and sign_in(sign_in_client, "user7", PASSWORD).status_code == 200
    assert not signed_in(sign_in_client)
    other = Client()
    sign_in(other, "user7", PASSWORD, address="203.0.113.9")
    assert signed_in(other)


@pytest.mark.django_db
def test_spraying_from_many_addresses_is_bounded_overall(settings, counted_hashes):
    settings.SIGNIN_MAX_FAILURES_OVERALL = 6
    for n in range(10):
        account(f"user{n}")
    for n in range(10):
        sign_in(Client(), f"user{n}", "Spring2026!Spring", address=f"192.0.2.{n}")
    assert len(counted_hashes) == 6
    late = Client()
    response = sign_in(late, "user9", PASSWORD, address="203.0.113.9")
    assert not signed_in(late)
    assert "too many" in response.content.decode()


@pytest.mark.django_db
def test_a_right_password_does_not_count_toward_any_limit(settings):
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 3
    settings.SIGNIN_MAX_FAILURES_OVERALL = 3
    account("li")
    for _ in range(6):
        client = Client()
        sign_in(client, "li", PASSWORD)
        assert signed_in(client)


@pytest.mark.django_db
def test_a_suspended_account_with_its_right_password_is_told_it_is_suspended_and_how_to_appeal(client, settings):
    li = account("li")
    services.suspend_account(factories.supervisor(), li, note="filing mill")
    response = sign_in(client, "li", PASSWORD)
    text = response.content.decode()
    assert not signed_in(client)
    assert "suspended" in text and settings.TMVERIFY_APPEALS_EMAIL in text
    assert "email or password is wrong" not in text


@pytest.mark.django_db
def test_a_suspended_account_with_a_wrong_password_learns_nothing_of_the_suspension(client):
    li = account("li")
    services.suspend_account(factories.supervisor(), li, note="filing mill")
    text = sign_in(client, "li", "wrong-guess-123").content.decode()
    assert "suspended" not in text and "email or password is wrong" in text


@pytest.mark.django_db(transaction=True)
def test_a_suspension_mails_its_owner_with_the_reason_and_how_to_appeal(settings):
    li = account("li")
    mail.outbox.clear()
    services.suspend_account(factories.supervisor(), li, note="filing mill")
    sent = [m for m in mail.outbox if m.to == ["li@example.test"]]
    assert len(sent) == 1
    assert "suspended" in sent[0].subject.lower()
    assert "filing mill" in sent[0].body and settings.TMVERIFY_APPEALS_EMAIL in sent[0].body


@pytest.mark.django_db
def test_the_limits_are_settings_with_defaults():
    from django.conf import settings

    assert settings.SIGNIN_MAX_FAILURES == 10
    assert settings.SIGNIN_MAX_FAILURES_PER_ADDRESS == 50
    assert settings.SIGNIN_MAX_FAILURES_OVERALL == 1000


@pytest.fixture
def redis_limits(settings):
    """The limiter on Django's cache in Redis, as with REDIS_URL set."""
    try:
        import redis
    except ImportError:
        pytest.skip("the redis package is not installed")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379: the Redis limiter is not tested here")
    settings.CACHES = {
        **settings.CACHES,
        "signin": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }
    settings.SIGNIN_LIMITS_CACHE = "signin"
    yield
    redis.Redis.from_url(url).flushdb()


@pytest.mark.django_db
def test_on_redis_ten_failures_lock_the_account_and_a_right_password_is_not_counted(redis_limits, counted_hashes):
    account("li")
    for _ in range(3):
        assert authenticate(username="li@example.test", password=PASSWORD) is not None
    for _ in range(12):
        assert authenticate(username="li@example.test", password="wrong-guess-123") is None
    assert authenticate(username="li@example.test", password=PASSWORD) is None
    assert len(counted_hashes) == 3 + 10


@pytest.mark.django_db
def test_on_redis_an_address_is_bounded_across_accounts(redis_limits, settings, counted_hashes):
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 4
    for n in range(6):
        account(f"user{n}")
    for n in range(6):
        sign_in(Client(), f"user{n}", "Spring2026!Spring")
    assert len(counted_hashes) == 4

"""Sign-in brute force: 10 failures within 15 minutes refuse sign-in for 15 minutes,
whatever the password, and the lock is audited."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate

from accounts import services
from tmverify import audit, clock

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def li():
    # Li: Chinese seller whose password someone is guessing
    return services.register_user(
        email="li@example.test", first_name="Li", last_name="Wei", password=PASSWORD, role="owner", country="CN"
    )


def fail(times):
    for _ in range(times):
        assert authenticate(username="li@example.test", password="wrong-guess-123") is None


def test_nine_failures_still_let_the_right_password_in(li):
    fail(9)
    assert authenticate(username="li@example.test", password=PASSWORD) == li


def test_ten_failures_refuse_even_the_right_password_and_are_audited(li):
    fail(10)
    assert authenticate(username="LI@example.test", password=PASSWORD) is None
    assert [e.action for e in audit.trail(li)].count("account.sign_in_locked") == 1


def test_the_lock_ends_after_fifteen_minutes(li):
    fail(10)
    clock.advance(timedelta(minutes=14))
    assert authenticate(username="li@example.test", password=PASSWORD) is None
    clock.advance(timedelta(minutes=2))
    assert authenticate(username="li@example.test", password=PASSWORD) == li


def test_failures_spread_beyond_the_window_do_not_lock(li):
    for _ in range(5):
        fail(2)
        clock.advance(timedelta(minutes=4))
    assert authenticate(username="li@example.test", password=PASSWORD) == li


def test_a_suspended_account_cannot_sign_in(li):
    from accounts.office import make_office_staff

    sam = services.register_user(email="sam@example.test", first_name="Sam", last_name="Okafor")
    make_office_staff(sam, "supervisor")
    services.suspend_account(sam, li, note="filing mill")
    assert authenticate(username="li@example.test", password=PASSWORD) is None


def test_production_passwords_are_hashed_with_argon2_and_need_twelve_characters():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from tmverify import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    for weak in ("short-pw", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)

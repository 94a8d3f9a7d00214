"""Shared personas and fixtures. Time is always set: nothing depends on today's date."""

from datetime import date

import pytest

from tmverify import clock, policy


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

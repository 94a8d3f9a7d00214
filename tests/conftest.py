"""Shared personas and fixtures. Time is always set: nothing depends on today's date."""

from datetime import date

import pytest
from django.conf import settings as django_settings

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

"""A stale copy of an account can still record a sign-in: saving named non-state fields
never undoes, or trips over, a transition made meanwhile."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import IdentityState
from tests.factories import li, verify

pytestmark = pytest.mark.django_db


def test_signing_in_with_a_copy_taken_before_verification_keeps_the_account_verified():
    stale = li()  # Chinese seller, loaded before she verifies
    verify(get_user_model().objects.get(pk=stale.pk), role="owner")

    Client().force_login(stale)  # saves last_login from the stale copy

    fresh = get_user_model().objects.get(pk=stale.pk)
    assert fresh.identity_state == IdentityState.VERIFIED
    assert fresh.last_login is not None


def test_a_stale_copy_still_cannot_overwrite_the_identity_state():
    from django_fsm import ConcurrentTransition

    stale = li()
    verify(get_user_model().objects.get(pk=stale.pk), role="owner")
    stale.first_name = "Changed"
    with pytest.raises(ConcurrentTransition):
        stale.save()


def test_a_stale_copy_made_office_staff_keeps_the_account_verified():
    from accounts.office import make_office_staff

    stale = li()
    verify(get_user_model().objects.get(pk=stale.pk), role="owner")

    make_office_staff(stale, "examiner")  # writes is_staff from the stale copy

    fresh = get_user_model().objects.get(pk=stale.pk)
    assert fresh.identity_state == IdentityState.VERIFIED
    assert fresh.is_staff


def test_signing_in_writes_last_login_alone():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = li()
    with CaptureQueriesContext(connection) as captured:
        Client().force_login(user)
    [write] = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "accounts_user"')]
    assert write.startswith('UPDATE "accounts_user" SET "last_login" = ') and "identity_state" not in write

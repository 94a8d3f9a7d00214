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

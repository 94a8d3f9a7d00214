"""Emails are stored lower case and trimmed, so an account is found by equality through
its unique index: a case-blind comparison read every account (bench/findings.md 33)."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import PatentIdentity, User
from tests.factories import person
from tests.plans import indexed_plan

pytestmark = pytest.mark.django_db


def test_an_account_is_found_whatever_the_case_and_spaces_of_the_address_typed():
    olga = person("olga")
    assert list(User.objects.by_email("  OLGA@Example.test ")) == [olga]


def test_the_lookup_goes_through_the_unique_index():
    person("olga")
    plan = indexed_plan(User.objects.by_email("Olga@example.test"))
    if connection.vendor == "postgresql":
        assert "using one_account_per_email" in plan
    else:  # SQLite keeps a unique constraint as an index of its own naming
        assert "USING INDEX" in plan and "(email=?)" in plan


@pytest.mark.parametrize("email", ["Olga@example.test", " olga@example.test"])
def test_the_database_refuses_an_address_stored_any_other_way(email):
    for model, fields in ((User, {}), (PatentIdentity, {"verified_on": "2024-01-01"})):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(email=email, first_name="Olga", last_name="Petrova", **fields)
    assert not User.objects.exists() and not PatentIdentity.objects.exists()

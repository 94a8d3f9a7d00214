"""Web personas: the shared factories, signed in through the test client."""

import pytest

from tests import factories


@pytest.fixture
def dana(db):
    # US attorney of record, verified, with NY bar information
    return factories.dana()


@pytest.fixture
def li(db):
    # Chinese seller, owner, not verified; signs through emailed links
    return factories.li()


@pytest.fixture
def pat(dana):
    # Dana's paralegal, sponsored by Dana
    return factories.pat(attorney=dana)


@pytest.fixture
def mallory(db):
    # verified, signed in, unrelated to everyone's filings: must see nothing
    return factories.mallory()


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in

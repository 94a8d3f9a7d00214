"""The filing most tests here start from."""

import pytest

from tests.factories import dana, draft


@pytest.fixture
def attorney(db):
    # Dana Kim: verified US attorney with NY bar information, of record on `filing`
    return dana()


@pytest.fixture
def filing(attorney):
    # a complete draft for Li's company, Shenzhen Sunwave, with Dana of record
    return draft(attorney)

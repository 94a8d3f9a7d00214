"""A path parameter holding characters outside its format (a NUL, a control character, a
quote) is a 404 for everyone, on both databases, never a 500 (issue 19, point 6): the URL
patterns say each parameter's format, and nothing else reaches a view or the database."""

import pytest
from django.test import Client

from tests.factories import examiner

pytestmark = pytest.mark.django_db

BAD = ["%00", "a%00b", "%0A", "%1B", "x%27%22", "%C0%80", "%7F"]
URLS = [
    "/provider/authorize/{}/",
    "/filings/sign/{}/",
    "/filings/{}/",
    "/filings/{}/receipt/",
    "/console/signals/{}/",
    "/console/signals/{}/act/",
    "/console/accounts/user/{}/change/",
    "/console/accounts/user/{}/transition/suspend/",
    "/console/accounts/paperverification/{}/scan/",
    "/console/applications/application/{}/change/",
    "/console/r/{}/1/",
]


@pytest.fixture
def clients():
    office = Client(raise_request_exception=False)
    office.force_login(examiner())
    return {"anonymous": Client(raise_request_exception=False), "office": office}


@pytest.mark.parametrize("template", URLS)
@pytest.mark.parametrize("value", BAD)
def test_a_path_parameter_outside_its_format_is_not_found(clients, template, value):
    url = template.format(value)
    for who, client in clients.items():
        assert client.get(url).status_code == 404, (who, url)

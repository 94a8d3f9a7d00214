"""Request bodies over the limit are refused from their Content-Length, before a byte of
them is read or spooled (413, a clear page), and Django's own caps are set (issue 19,
point 4): 100 MB and 300 MB multipart bodies were read to disk before the 5 MB check."""

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import FakePayload

from accounts.models import PaperVerification
from tests import factories

pytestmark = pytest.mark.django_db


class Unread(FakePayload):
    """A body that counts what was read of it."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.taken = 0

    def read(self, size=-1):
        data = super().read(size)
        self.taken += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.taken += len(data)
        return data


def post_declaring(client, url, declared: int):
    body = Unread(b'--x\r\nContent-Disposition: form-data; name="role"\r\n\r\nowner\r\n--x--\r\n')
    response = client.generic(
        "POST",
        url,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": body},
    )
    return response, body


@pytest.mark.parametrize("megabytes", [100, 300])
@pytest.mark.parametrize("url", ["/accounts/identity/paper/", "/accounts/login/", "/filings/sign/"])
def test_a_body_over_the_limit_is_refused_from_its_length_before_it_is_read(client, url, megabytes):
    client.force_login(factories.li())
    response, body = post_declaring(client, url, megabytes * 1024 * 1024)
    assert response.status_code == 413
    assert body.taken == 0
    # no hop-by-hop header: a WSGI server refuses one from the application (a 500 before)
    assert "Connection" not in response
    text = response.content.decode()
    assert "too large" in text and "5 MB" in text
    assert not PaperVerification.objects.exists()


def test_the_page_that_refuses_a_large_body_speaks_chinese_too():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response, _ = post_declaring(client, "/accounts/identity/paper/", 100 * 1024 * 1024)
    assert response.status_code == 413
    assert "太大" in response.content.decode()


def test_a_body_just_within_the_limit_still_reaches_the_form(client):
    client.force_login(factories.li())
    too_big_file = factories.PDF_PAGE + b"0" * settings.UPLOAD_MAX_BYTES  # the form says so
    response = client.post(
        "/accounts/identity/paper/",
        {
            "role": "owner",
            "document_country": "CN",
            "document_number": "E7654321",
            "scan": factories.upload(too_big_file),
        },
    )
    assert response.status_code == 200
    assert "larger than 5 MB" in str(response.context["form"].errors["scan"])


def test_django_spools_nothing_beyond_the_caps():
    assert settings.REQUEST_MAX_BYTES < 6 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.UPLOAD_MAX_BYTES  # an accepted scan stays in memory
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 400
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 2

"""Pen-and-ink uploads: the type is judged by content, 5 MB at most, never empty; a bad
file is refused before anything is stored or signed."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from applications import services as filings
from applications.models import Signature
from tests.factories import PDF_PAGE, upload
from tmverify.models import AuditEvent

pytestmark = pytest.mark.django_db

JPEG_PAGE = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def sign_with(filing, file):
    return filings.sign_application(
        filing.attorneys_of_record()[0],
        filing,
        signature="",
        title="Attorney",
        upload=file,
        upload_shows_declaration=True,
    )


def assert_nothing_stored(filing, events_before):
    filing.refresh_from_db()
    assert (filing.state, Signature.objects.count()) == ("draft", 0)
    assert AuditEvent.objects.count() == events_before
    root = Path(settings.PRIVATE_UPLOAD_ROOT)
    assert not root.exists() or not any(root.iterdir())


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"#!/bin/sh\nrm -rf ~\n", "signature.pdf"),  # a script renamed .pdf
        (b"<html><script>alert(1)</script></html>", "signature.png"),
        (b"MZ\x90\x00\x03" + b"\x00" * 32, "signature.jpg"),  # a Windows program
        (b"GIF89a" + b"\x00" * 32, "signature.gif"),
    ],
)
def test_a_file_that_is_not_a_pdf_png_or_jpeg_by_content_is_refused(filing, content, name):
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        sign_with(filing, upload(content, name=name, content_type="application/pdf"))
    assert error.value.code == "wrong_type"
    assert "PDF, PNG or JPEG" in error.value.messages[0]
    assert_nothing_stored(filing, events_before)


def test_a_file_over_5_mb_is_refused(filing):
    events_before = AuditEvent.objects.count()
    too_large = PDF_PAGE + b"\x00" * (5 * 1024 * 1024 + 1 - len(PDF_PAGE))
    with pytest.raises(ValidationError) as error:
        sign_with(filing, upload(too_large))
    assert error.value.code == "too_large"
    assert "5 MB" in error.value.messages[0]
    assert_nothing_stored(filing, events_before)


def test_a_file_of_exactly_5_mb_is_accepted(filing):
    exactly = PDF_PAGE + b"\x00" * (5 * 1024 * 1024 - len(PDF_PAGE))
    signature = sign_with(filing, upload(exactly))
    assert (Path(settings.PRIVATE_UPLOAD_ROOT) / signature.upload_name).stat().st_size == 5 * 1024 * 1024


def test_an_empty_file_is_refused(filing):
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        sign_with(filing, upload(b""))
    assert error.value.code == "empty"
    assert_nothing_stored(filing, events_before)


def test_a_jpeg_page_is_accepted(filing):
    signature = sign_with(filing, upload(JPEG_PAGE, name="photo.jpeg", content_type="image/jpeg"))
    assert (signature.method, signature.upload_content_type) == ("upload", "image/jpeg")

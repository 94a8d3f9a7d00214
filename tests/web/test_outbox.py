"""Issue 22 point 2: in development the mail the site sends is kept and shown at /outbox/,
its links clickable; outside development there is no such page."""

import re

import pytest

from tests import factories
from tmverify.outbox import BACKEND

pytestmark = pytest.mark.django_db


@pytest.fixture
def development(settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = BACKEND
    settings.TMVERIFY_OUTBOX_DIR = tmp_path / "outbox"
    return settings


def test_there_is_no_outbox_outside_development(client, development):
    development.DEBUG = False  # the outbox backend left configured: DEBUG alone decides
    assert client.get("/outbox/").status_code == 404


def test_the_outbox_shows_each_message_sent_with_its_links_clickable(
    client, development, django_capture_on_commit_callbacks, capsys
):
    dana = factories.dana()
    filing = factories.draft(dana)
    client.force_login(dana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/filings/{filing.pk}/request-signature/", {"name": "Chen Hua", "email": "chen.hua@sunwave.example"}
        )
    assert "chen.hua@sunwave.example" in capsys.readouterr().out  # still printed where `make run` runs

    page = client.get("/outbox/").content.decode()
    assert page.count('class="card outbox-message"') == 1
    assert "chen.hua@sunwave.example" in page
    link = re.search(r'<a href="(http://127\.0\.0\.1:8000/filings/sign/#[^"]+)"', page)
    assert link, "the signing link is a link"
    assert 'id="outbox-link"' in page  # the header links the outbox in development


def test_the_outbox_says_when_nothing_was_sent_and_skips_a_broken_file(client, development):
    page = client.get("/outbox/").content.decode()
    assert 'id="outbox-empty"' in page
    development.TMVERIFY_OUTBOX_DIR.mkdir(parents=True)
    (development.TMVERIFY_OUTBOX_DIR / "00000000000000000001-000000.json").write_text("{not json")
    response = client.get("/outbox/")  # a file half written: skipped, not a 500
    assert response.status_code == 200 and 'id="outbox-empty"' in response.content.decode()


def test_the_header_links_no_outbox_outside_development(client, development):
    assert 'id="outbox-link"' in client.get("/").content.decode()
    development.DEBUG = False  # the outbox backend left configured: DEBUG alone decides
    assert 'id="outbox-link"' not in client.get("/").content.decode()

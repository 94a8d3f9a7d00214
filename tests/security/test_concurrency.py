"""Two people acting at once: exactly one wins, the others get a clean refusal, and
nothing is half-written. Threads need a real server: these run on PostgreSQL."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from accounts import services as accounts
from accounts.models import Sponsorship
from applications import services as filings
from applications.models import Signature
from tests import factories
from tmverify import audit
from tmverify.reasons import Refused

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks between threads need PostgreSQL (set DATABASE_URL=postgres://...)",
    ),
]


def race(count, action):
    """Run `action` in `count` threads released together; return (results, refusal codes)."""
    barrier = threading.Barrier(count)
    results, refusals, crashes = [], [], []

    def worker():
        try:
            barrier.wait()
            results.append(action())
        except Refused as exc:
            refusals.append(exc.codes)
        except Exception as exc:  # a crash is what the test looks for
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not crashes, crashes
    return results, refusals


def test_concurrent_approvals_of_one_sponsorship_request_have_one_winner():
    dana = factories.dana()  # US attorney
    pat = factories.pat()  # Dana's paralegal, asking (staff verify only from 2023-10-14)
    request = accounts.request_sponsorship(pat, dana)

    results, refusals = race(8, lambda: accounts.approve_sponsorship(dana, request))

    assert len(results) == 1
    assert refusals == [["invalid_state"]] * 7
    assert Sponsorship.objects.get().state == "active"
    assert sum(e.action == "sponsorship.approved" for e in audit.trail(request)) == 1
    assert audit.verify_chain().ok


def test_concurrent_signing_through_one_link_records_one_signature():
    dana = factories.dana()  # US attorney of record
    li = factories.li()  # Chinese seller, signs by link without verifying
    filing = factories.draft(dana)
    token = filings.request_signature(dana, filing, li).token

    results, refusals = race(8, lambda: filings.sign_by_link(token, signature="/Li Wei/", title="CEO"))

    assert len(results) == 1
    assert refusals == [["signature_link_invalid"]] * 7
    assert Signature.objects.filter(application=filing).count() == 1
    filing.refresh_from_db()
    assert filing.state == "signed"

"""Two people acting at once: exactly one wins, the others get a clean refusal, and
nothing is half-written. Threads need a real server: these run on PostgreSQL."""

import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connections

from accounts import services as accounts
from accounts.models import Sponsorship
from applications import services as filings
from applications.models import Signature
from applications.services import ApplicantData, FilingData, GoodsData
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


def verified(key, role, country="US"):
    user = accounts.register_user(
        email=f"{key}@example.test", first_name=key.title(), last_name="Racer", role=role, country=country
    )
    return accounts.verify_with_simulated_provider(
        user, method="online", role=role, document_country=country, document_number=f"DOC-{key}", passed=True
    )


def test_concurrent_approvals_of_one_sponsorship_request_have_one_winner():
    dana = verified("dana", "us_attorney")  # US attorney
    pat = accounts.register_user(
        email="pat@example.test", first_name="Pat", last_name="Lee", role="support_staff"
    )  # Dana's paralegal, asking (staff verify only from 2023-10-14)
    request = accounts.request_sponsorship(pat, dana)

    results, refusals = race(8, lambda: accounts.approve_sponsorship(dana, request))

    assert len(results) == 1
    assert refusals == [["invalid_state"]] * 7
    assert Sponsorship.objects.get().state == "active"
    assert sum(e.action == "sponsorship.approved" for e in audit.trail(request)) == 1
    assert audit.verify_chain().ok


def test_concurrent_signing_through_one_link_records_one_signature():
    dana = verified("dana", "us_attorney")
    accounts.add_bar_admission(dana, jurisdiction="NY", number="1", admitted=date(2015, 1, 10))
    li = accounts.register_user(
        email="li@example.test", first_name="Li", last_name="Wei", role="owner", country="CN"
    )  # Chinese seller, signs by link without verifying
    filing = filings.create_application(
        dana,
        FilingData(
            applicant=ApplicantData(
                name="Sunwave Ltd",
                entity="corporation",
                citizenship="CN",
                email="legal@sunwave.example",
                street="8 Keji Rd",
                city="Shenzhen",
                country="CN",
            ),
            mark="SUNWAVE",
            basis="1b",
            goods=[GoodsData(9, "Portable solar chargers", True)],
        ),
        attorney=dana,
    )
    token = filings.request_signature(dana, filing, li).token

    results, refusals = race(8, lambda: filings.sign_by_link(token, signature="/Li Wei/", title="CEO"))

    assert len(results) == 1
    assert refusals == [["signature_link_invalid"]] * 7
    assert Signature.objects.filter(application=filing).count() == 1
    filing.refresh_from_db()
    assert filing.state == "signed"

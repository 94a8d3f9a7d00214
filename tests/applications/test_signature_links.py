"""Signing by emailed link (R8, R9, R15): single-use, 30 days, revoked by a newer request
for the same signer and filing, stored only as a hash, mailed only once committed."""

import hashlib
from datetime import UTC, date, datetime, time
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.db import connection

from accounts import services as accounts
from applications import services as filings
from applications.models import Application, Signature, SignatureLink
from tests.factories import draft, li, mallory, pat, person, supervisor
from tmverify import audit, clock
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return li()


def sign(token, signature="/Li Wei/", title="CEO"):
    return filings.sign_by_link(token, signature=signature, title=title)


def link_refusal(token) -> list[str]:
    with pytest.raises(Refused) as refused:
        sign(token)
    return refused.value.codes


def test_the_owner_signs_through_the_link_without_a_verified_account(attorney, seller, filing):
    link = filings.request_signature(attorney, filing, seller)
    assert Application.objects.get(pk=filing.pk).state == "awaiting_signature"

    signature = sign(link.token)

    seller.refresh_from_db()
    assert seller.identity_state == "unverified"
    assert (signature.signer, signature.method, signature.text, signature.title) == (seller, "link", "/Li Wei/", "CEO")
    assert signature.signed_on == clock.today()
    link.refresh_from_db()
    assert link.used_at == clock.now()
    filing.refresh_from_db()
    assert filing.state == "signed"
    assert audit.trail(filing).filter(action="filing.signed", actor_id=seller.pk).count() == 1
    assert filings.submit_filing(attorney, filing).state == "submitted"


def test_a_link_works_once(attorney, seller, filing):
    token = filings.request_signature(attorney, filing, seller).token
    sign(token)
    assert link_refusal(token) == ["signature_link_invalid"]
    assert Signature.objects.count() == 1


def test_a_link_can_be_used_through_the_30th_day_after_it_was_sent(attorney, seller, filing):
    token = filings.request_signature(attorney, filing, seller).token  # sent 2023-06-01 at noon
    # SCENARIOS.md v2: the 30th day is open to its end (docs/DECISIONS.md 18)
    clock.set_now(datetime.combine(date(2023, 7, 1), time(23, 59, 59), tzinfo=UTC))
    sign(token)


def test_a_link_is_refused_from_the_31st_day(attorney, seller, filing):
    token = filings.request_signature(attorney, filing, seller).token
    clock.set_now(datetime.combine(date(2023, 7, 2), time(0, 0), tzinfo=UTC))

    assert link_refusal(token) == ["signature_link_invalid"]

    filing.refresh_from_db()
    assert (filing.state, filing.signatures.count()) == ("awaiting_signature", 0)
    assert audit.trail(filing).filter(action="filing.sign_by_link.refused").count() == 1


def test_a_new_request_revokes_older_links_for_that_signer_and_filing_only(attorney, seller, filing):
    first = filings.request_signature(attorney, filing, seller).token
    other_signer = person("olga")  # a second owner asked to sign the same filing
    others_link = filings.request_signature(attorney, filing, other_signer).token
    other_filing = draft(attorney, mark="MOONWAVE")
    elsewhere = filings.request_signature(attorney, other_filing, seller).token

    second = filings.request_signature(attorney, filing, seller).token

    assert link_refusal(first) == ["signature_link_invalid"]
    assert SignatureLink.objects.get(token_hash=hashlib.sha256(first.encode()).hexdigest()).revoked_at == clock.now()
    sign(elsewhere)
    sign(others_link, signature="/Olga Tester/", title="Director")
    sign(second)
    assert Signature.objects.filter(application=filing).count() == 2


def test_a_token_never_sent_is_refused(filing):
    assert link_refusal("not-a-real-token") == ["signature_link_invalid"]
    assert link_refusal("") == ["signature_link_invalid"]


def test_editing_the_filing_revokes_outstanding_links(attorney, seller, filing):
    token = filings.request_signature(attorney, filing, seller).token
    from tests.factories import filing_data

    filings.update_application(attorney, filing, filing_data(mark="SUNWAVE PRO"))
    assert link_refusal(token) == ["signature_link_invalid"]


def test_a_link_for_support_staff_cannot_be_used_to_sign(attorney, filing):
    staff = pat(attorney)
    token = filings.request_signature(attorney, filing, staff).token
    with pytest.raises(Refused) as refused:
        sign(token, signature="/Pat Lee/")
    assert refused.value.codes == ["signatory_not_authorized"]
    assert SignatureLink.objects.get(signer_email=staff.email).used_at is None


def test_a_badly_formed_signature_through_the_link_leaves_the_link_usable(attorney, seller, filing):
    token = filings.request_signature(attorney, filing, seller).token
    with pytest.raises(Refused) as refused:
        sign(token, signature="Li Wei")
    assert refused.value.codes == ["signature_format"]
    sign(token)


def test_a_suspended_signer_cannot_sign_by_link(attorney, seller, filing):
    token = filings.request_signature(attorney, filing, seller).token
    accounts.suspend_account(supervisor(), seller)
    with pytest.raises(Refused) as refused:
        sign(token)
    assert refused.value.codes == ["account_suspended"]


def test_a_link_for_a_submitted_filing_is_refused(attorney, seller, filing):
    token = filings.request_signature(attorney, filing, seller).token
    filings.sign_application(attorney, filing, signature="/Dana Kim/", title="Attorney")
    filings.submit_filing(attorney, filing)
    with pytest.raises(Refused) as refused:
        sign(token)
    assert refused.value.codes == ["invalid_state"]


def test_the_corporate_officer_signs_by_link_when_a_verified_person_submits(attorney, filing):
    # R9: Sunwave's CEO, an owner-role account never verified
    officer = person("chen", country="CN", first_name="Chen", last_name="Hua")
    sign(filings.request_signature(attorney, filing, officer).token, signature="/Chen Hua/")
    assert filings.submit_filing(attorney, filing).serial_number


# --- the email ----------------------------------------------------------------------------
def test_the_email_is_sent_only_when_the_request_commits(attorney, seller, filing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        link = filings.request_signature(attorney, filing, seller)
    assert len(callbacks) == 1
    assert mail.outbox == []

    callbacks[0]()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li@example.test"]
    assert "SUNWAVE" in message.subject
    assert link.token in message.body


def test_the_link_in_the_email_carries_the_code_in_its_fragment_never_its_path(
    attorney, seller, filing, django_capture_on_commit_callbacks, settings
):
    settings.TMVERIFY_SITE_URL = "https://tmverify.example:8443"
    with django_capture_on_commit_callbacks(execute=True):
        link = filings.request_signature(attorney, filing, seller)
    body = mail.outbox[0].body
    url = next(word for word in body.split() if word.startswith("http"))
    parsed = urlparse(url)

    # a fragment never reaches a server: no access log or Referer header keeps the code
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "tmverify.example:8443", "/filings/sign/")
    assert parsed.query == "" and parsed.fragment == link.token
    assert link.token not in parsed.path
    assert len(link.token) >= 40  # random, unguessable
    assert seller.email not in url
    # without JavaScript the person pastes the code, which the mail also shows on its own
    assert f"\n{link.token}\n" in body


def test_a_refused_request_sends_no_email(filing, django_capture_on_commit_callbacks):
    intruder = mallory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Refused):
        filings.request_signature(intruder, filing, intruder)
    assert callbacks == []
    assert mail.outbox == []


# --- tokens at rest -----------------------------------------------------------------------
def test_a_link_token_is_stored_only_as_its_hash(attorney, seller, filing):
    tokens = [filings.request_signature(attorney, filing, seller).token for _ in range(2)]

    with connection.cursor() as cursor:
        everything = []
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            everything.extend(repr(row) for row in cursor.fetchall())
    stored = "\n".join(everything)

    for token in tokens:
        assert token not in stored
        assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert not hasattr(SignatureLink.objects.first(), "token")


def test_a_made_up_token_is_refused_and_leaves_no_audit_event():
    from tmverify.models import AuditEvent

    before = AuditEvent.objects.count()
    assert link_refusal("not-a-token-anyone-was-sent") == ["signature_link_invalid"]
    assert AuditEvent.objects.count() == before

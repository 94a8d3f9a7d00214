"""Issue 22 point 7, the console as the walk found it: fraud holds put and lifted from an
account's page, paper reviews titled as a person's review with the events they caused,
and a paralegal typing someone else's signature counted by the fraud signal."""

import pytest
from test_reviews import act

from accounts.models import User
from applications import fraud_signals
from applications.models import Application
from tests import factories
from tmverify.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_supervisor_puts_a_verified_account_on_fraud_hold_and_lifts_it_from_its_page(client, office):
    sam, li = office["sam"], office["li"]
    client.force_login(sam)
    page = client.get(f"/console/accounts/user/{li.pk}/change/").content.decode()
    assert "Put on fraud hold" in page

    messages = act(client, "accounts/user", li, "hold_for_review", "filing-mill pattern in the signals")
    assert ("success", "Account put on fraud hold: it cannot file until the hold is lifted.") in messages
    li.refresh_from_db()
    assert li.identity_state == "fraud_hold" and li.held_at is not None
    event = AuditEvent.objects.get(action="identity.held_by_office")
    assert (event.actor_id, event.from_state, event.to_state) == (sam.pk, "verified", "fraud_hold")

    page = client.get(f"/console/accounts/user/{li.pk}/change/").content.decode()
    assert "Pass fraud review (lift the hold)" in page
    act(client, "accounts/user", li, "pass_fraud_review", "explained by the applicant")
    li.refresh_from_db()
    assert li.identity_state == "verified"


def test_an_examiner_cannot_put_an_account_on_fraud_hold(client, office):
    client.force_login(office["erin"])
    page = client.get(f"/console/accounts/user/{office['li'].pk}/change/").content.decode()
    assert "Put on fraud hold" not in page
    act(client, "accounts/user", office["li"], "hold_for_review")
    assert User.objects.get(pk=office["li"].pk).identity_state == "verified"


def test_a_paper_review_is_titled_as_the_persons_review(client, office):
    paper = office["paper"]
    client.force_login(office["erin"])
    page = client.get(f"/console/accounts/paperverification/{paper.pk}/change/").content.decode()
    assert "PaperVerification object" not in page
    assert f"Paper review of Paula Tester &lt;paula@example.test&gt;, filed {paper.filed_at:%Y-%m-%d}" in page


def test_a_reviews_audit_trail_shows_the_events_it_caused(client, office):
    paper = office["paper"]
    client.force_login(office["erin"])
    act(client, "accounts/paperverification", paper, "approve")
    page = client.get(f"/console/accounts/paperverification/{paper.pk}/change/").content.decode()
    review_trail = page.split("Audit trail of this review")[1].split("Applicant's audit trail")[0]
    assert "No events" not in review_trail
    for action in ("identity.paper_filed", "identity.paper_approved", "identity.verified"):
        assert action in review_trail, action


def test_a_paralegal_typing_the_attorneys_signature_is_refused_and_counted_by_the_signal(client, settings):
    dana = factories.dana()  # the attorney of record
    pat = factories.pat(attorney=dana)  # her paralegal, who prepared the filing
    filing = factories.draft(dana, creator=pat)
    settings.SIGNAL_SIGNATURES_BY_OTHERS = 1
    client.force_login(pat)
    for typed in ("/Dana Kim/", "/dana  kim/"):
        client.post(f"/filings/{filing.pk}/sign/", {"signature": typed, "title": "Attorney", "declaration": "on"})
    assert not Application.objects.get(pk=filing.pk).signatures.exists()
    assert pat.pk in fraud_signals.flagged_account_ids("signature_entered_by_other")
    refusals = AuditEvent.objects.filter(action="filing.sign.refused")
    assert any("signature_not_personal" in event.reasons for event in refusals)


def test_signing_in_ones_own_name_raises_no_flag():
    dana = factories.dana()
    filing = factories.draft(dana)
    from applications import services

    services.sign_application(dana, filing, signature="/Dana Kim/", title="Attorney of record")
    assert not fraud_signals.flagged_account_ids("signature_entered_by_other")

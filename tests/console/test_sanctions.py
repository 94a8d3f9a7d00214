"""Filing sanctions (R23): suspend pending review, reinstate, terminate with an order that
names the reason; the applicant and the attorney are emailed on commit."""

import pytest
from console_people import company, submitted_filing
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError

from applications import sanctions
from applications import services as filings
from applications.models import Application, SanctionOrder
from tmverify.models import AuditEvent
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def post(client, filing, transition, note="tied to a filing mill (order 7)"):
    response = client.post(f"/console/applications/application/{filing.pk}/transition/{transition}/", {"note": note})
    assert response.status_code == 302
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_supervisor_suspends_a_filing_and_both_parties_are_emailed(client, office, django_capture_on_commit_callbacks):
    filing = office["filing"]
    client.force_login(office["sam"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        messages = post(client, filing, "suspend_for_review", "same bar number on three accounts")
    assert messages[0][0] == "success"
    filing.refresh_from_db()
    assert (filing.state, filing.state_before_suspension) == ("suspended", "submitted")
    order = SanctionOrder.objects.get(application=filing)
    assert (order.kind, order.reason, order.issued_by) == (
        "suspension",
        "same bar number on three accounts",
        office["sam"],
    )
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["dana@example.test", "legal@sunwaveltd.example"]
    assert "same bar number on three accounts" in mail.outbox[0].body
    event = AuditEvent.objects.get(action="filing.suspended")
    assert (event.from_state, event.to_state, event.data["order"]) == ("submitted", "suspended", order.pk)


def test_mail_waits_for_the_commit(office):
    mail.outbox.clear()
    sanctions.suspend_filing(office["sam"], office["filing"], note="review")
    # pytest-django runs each test in a transaction that never commits: nothing was sent
    assert mail.outbox == []


def test_a_suspended_filing_is_reinstated_to_where_it_was(client, office):
    draft = filings.create_application(
        office["dana"], filings.FilingData(applicant=company("Draft Co"), mark="DRAFTY"), attorney=office["dana"]
    )
    client.force_login(office["sam"])
    post(client, draft, "suspend_for_review")
    draft.refresh_from_db()
    assert draft.state == "suspended"
    # while suspended nobody can work on it
    with pytest.raises(Refused) as refusal:
        filings.update_application(office["dana"], draft, filings.FilingData(mark="X"))
    assert refusal.value.codes == ["invalid_state"]
    post(client, draft, "reinstate_after_review", "cleared")
    draft.refresh_from_db()
    assert (draft.state, draft.state_before_suspension) == ("draft", "")
    assert list(draft.sanction_orders.values_list("kind", flat=True)) == ["suspension", "reinstatement"]


def test_termination_is_final_and_names_its_reason(client, office, django_capture_on_commit_callbacks):
    filing = office["filing"]
    client.force_login(office["sam"])
    with django_capture_on_commit_callbacks(execute=True):
        post(client, filing, "terminate", "filing mill: 40 owners from one account")
    filing.refresh_from_db()
    assert filing.state == "terminated"
    assert "filing mill: 40 owners from one account" in mail.outbox[-1].body
    assert "is terminated" in mail.outbox[-1].body
    messages = post(client, filing, "suspend_for_review")
    assert any(level == "error" and "(invalid_state)" in text for level, text in messages)
    page = client.get(f"/console/applications/application/{filing.pk}/change/").content.decode()
    assert "filing mill: 40 owners from one account" in page and "filing.terminated" in page


def test_an_examiner_cannot_sanction_a_filing(client, office):
    client.force_login(office["erin"])
    page = client.get(f"/console/applications/application/{office['filing'].pk}/change/").content.decode()
    assert "Terminate" not in page
    messages = post(client, office["filing"], "terminate")
    assert any(level == "error" and "(role_not_permitted)" in text for level, text in messages)
    office["filing"].refresh_from_db()
    assert office["filing"].state == "submitted"
    assert AuditEvent.objects.filter(action="filing.terminated.refused").exists()


def test_a_sanction_order_must_name_its_reason(office):
    with pytest.raises(ValidationError):
        sanctions.terminate_filing(office["sam"], office["filing"], note="  ")
    office["filing"].refresh_from_db()
    assert office["filing"].state == "submitted"


def test_sweeping_an_account_suspends_it_and_its_pending_filings_with_one_event_each(
    office, django_capture_on_commit_callbacks
):
    dana, sam = office["dana"], office["sam"]
    second = submitted_filing(dana, company("Moonbay Ltd"), mark="MOONBAY")
    withdrawn = filings.create_application(dana, filings.FilingData(mark="GONE"), attorney=dana)
    sanctions.terminate_filing(sam, withdrawn, note="earlier order")
    before = AuditEvent.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep = sanctions.suspend_account_and_filings(sam, dana, note="bar number shared with two accounts")
    # the suspension to the account's owner (issue 19), and one order per filing, to its
    # applicant and attorney
    assert [m.subject for m in mail.outbox].count("Your trademark filing account is suspended") == 1
    assert len(mail.outbox) == 3
    assert sweep.account_suspended
    assert sorted(sweep.filings_suspended) == sorted([office["filing"].pk, second.pk])
    dana.refresh_from_db()
    assert dana.identity_state == "suspended"
    assert set(Application.objects.filter(pk__in=sweep.filings_suspended).values_list("state", flat=True)) == {
        "suspended"
    }
    new = list(AuditEvent.objects.filter(seq__gt=before).values_list("action", "subject_type"))
    assert sorted(new) == sorted(
        [("account.suspended", "user"), ("filing.suspended", "application"), ("filing.suspended", "application")]
    )
    # a second sweep finds nothing left to change
    again = sanctions.suspend_account_and_filings(sam, dana, note="again")
    assert not again.account_suspended and again.filings_suspended == []


def test_an_examiner_cannot_sweep_an_account(office):
    with pytest.raises(Refused) as refusal:
        sanctions.suspend_account_and_filings(office["erin"], office["dana"], note="x")
    assert refusal.value.codes == ["role_not_permitted"]
    office["dana"].refresh_from_db()
    assert office["dana"].identity_state == "verified"

"""Paper reviews, fraud holds and account suspensions from the console: each needs a
reason, runs the service, audits, and shows refusals as messages (never a 500)."""

from datetime import timedelta

import pytest
from console_people import officer, person
from django.contrib.messages import get_messages

from accounts import services as accounts
from accounts.models import PaperVerification, User
from accounts.office import make_office_staff
from tmverify import clock
from tmverify.models import AuditEvent

pytestmark = pytest.mark.django_db


def act(client, model, obj, transition, note="checked against the notarized original"):
    response = client.post(f"/console/{model}/{obj.pk}/transition/{transition}/", {"note": note})
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"/console/{model}/{obj.pk}/change/"
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def refused(messages, code):
    return any(level == "error" and f"({code})" in text for level, text in messages)


# --- paper verifications -------------------------------------------------------------------
def test_paper_queue_lists_pending_forms_oldest_first_with_the_applicants_details(client, office):
    clock.advance(timedelta(hours=1))
    later = person("lena", verified=False)
    accounts.file_paper_verification(later, role="owner", document_country="US", document_number="P-2")
    client.force_login(office["erin"])
    page = client.get("/console/accounts/paperverification/").content.decode()
    assert page.index("paula@example.test") < page.index("lena@example.test")
    assert "Paula Tester" in page


def test_examiner_approves_a_paper_form_with_a_reason(client, office):
    paper, paula = office["paper"], office["paula"]
    client.force_login(office["erin"])
    messages = act(client, "accounts/paperverification", paper, "approve")
    assert ("success", "Paper verification approved: the account is verified.") in messages
    paper.refresh_from_db()
    paula.refresh_from_db()
    assert (paper.state, paper.reviewed_by, paper.review_reason) == (
        "approved",
        office["erin"],
        messages and paper.review_reason,
    )
    assert (paula.identity_state, paula.identity_method) == ("verified", "paper")
    event = AuditEvent.objects.get(action="identity.paper_approved", subject_type="paperverification")
    assert event.actor_id == office["erin"].pk
    assert event.data["note"] == "checked against the notarized original"


def test_examiner_rejects_a_paper_form_and_the_applicant_may_try_again(client, office):
    client.force_login(office["erin"])
    act(client, "accounts/paperverification", office["paper"], "reject", "notary seal missing")
    office["paula"].refresh_from_db()
    assert office["paula"].identity_state == "unverified"
    assert AuditEvent.objects.filter(action="identity.paper_rejected", data__note="notary seal missing").exists()


def test_a_decision_without_a_reason_changes_nothing(client, office):
    client.force_login(office["erin"])
    url = f"/console/accounts/paperverification/{office['paper'].pk}/transition/approve/"
    response = client.post(url, {"note": "   "})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode() or "This field is required" in response.content.decode()
    office["paper"].refresh_from_db()
    assert office["paper"].state == "pending"


def test_reviewing_a_form_that_is_not_pending_is_refused(client, office):
    client.force_login(office["erin"])
    act(client, "accounts/paperverification", office["paper"], "approve")
    messages = act(client, "accounts/paperverification", office["paper"], "reject")
    assert refused(messages, "invalid_state")
    office["paper"].refresh_from_db()
    assert office["paper"].state == "approved"
    assert AuditEvent.objects.filter(action="identity.paper_review.refused").count() == 1


def test_an_examiner_cannot_review_their_own_paper_form(client, office):
    # Ezra filed his own notarized form, then joined the office as an examiner (an office
    # account cannot file one, R25)
    ezra = person("ezra", role="", verified=False)
    own = accounts.file_paper_verification(ezra, role="owner", document_country="US", document_number="EZ-1")
    make_office_staff(ezra, "examiner")
    ezra.refresh_from_db()
    client.force_login(ezra)
    messages = act(client, "accounts/paperverification", own, "approve")
    assert refused(messages, "forbidden")
    own.refresh_from_db()
    assert own.state == "pending"


def test_the_scan_is_served_only_through_the_console(client, office, settings):
    client.force_login(office["erin"])
    response = client.get(f"/console/accounts/paperverification/{office['paper'].pk}/scan/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    page = client.get(f"/console/accounts/paperverification/{office['paper'].pk}/change/").content.decode()
    assert f"/console/accounts/paperverification/{office['paper'].pk}/scan/" in page
    # the stored name is random and never appears in a page
    assert office["paper"].scan_name not in page


def test_the_review_page_shows_the_typed_number_masked_but_for_its_last_four_beside_the_scan(client, office):
    """Issue 18: the examiner compares the number typed with the one on the scan."""
    from console_people import scan

    lena = person("lena", verified=False)
    paper = accounts.file_paper_verification(
        lena, role="owner", document_country="US", document_number="D1000001", scan=scan()
    )
    cherokee = accounts.file_paper_verification(
        person("lev", verified=False), role="owner", document_country="US", document_number="\u13a01000001"
    )
    client.force_login(office["erin"])

    page = client.get(f"/console/accounts/paperverification/{paper.pk}/change/").content.decode()

    assert "Document number typed" in page and "<code>•••0001</code>" in page
    assert "D1000001" not in page and "D100" not in page
    number_at, scan_at = page.index("•••0001"), page.index(f"/console/accounts/paperverification/{paper.pk}/scan/")
    assert number_at < scan_at  # beside the scan, in the same section
    # a number typed with look-alike characters says what it reads as
    other = client.get(f"/console/accounts/paperverification/{cherokee.pk}/change/").content.decode()
    assert "read as <code>•••0001</code>" in other


def test_a_form_without_a_scan_has_nothing_to_serve(client, office):
    lena = person("lena", verified=False)
    paper = accounts.file_paper_verification(lena, role="owner", document_country="US", document_number="P-3")
    client.force_login(office["erin"])
    assert client.get(f"/console/accounts/paperverification/{paper.pk}/scan/").status_code == 404


def test_a_paper_approval_that_duplicates_a_verified_document_puts_the_account_on_hold(client, office):
    mo = person("mo", verified=False)  # presents Olga's document on paper
    paper = accounts.file_paper_verification(mo, role="owner", document_country="US", document_number="SHARED-1")
    client.force_login(office["erin"])
    messages = act(client, "accounts/paperverification", paper, "approve")
    assert refused(messages, "duplicate_identity")
    mo.refresh_from_db()
    assert (mo.identity_state, mo.duplicate_of) == ("fraud_hold", office["olga"])


# --- fraud holds ---------------------------------------------------------------------------
def test_the_fraud_hold_page_shows_which_account_shares_the_document(client, office):
    client.force_login(office["sam"])
    queue = client.get("/console/accounts/user/?identity_state__exact=fraud_hold").content.decode()
    assert "hank@example.test" in queue and "olga@example.test" in queue
    page = client.get(f"/console/accounts/user/{office['hank'].pk}/change/").content.decode()
    assert f"/console/accounts/user/{office['olga'].pk}/change/" in page
    assert "already behind the verified account" in page
    assert "Pass fraud review" in page and "Reject for fraud" in page


@pytest.mark.parametrize(("transition", "state"), [("pass_fraud_review", "verified"), ("reject_for_fraud", "rejected")])
def test_supervisor_decides_a_fraud_hold_with_a_reason(client, office, transition, state):
    client.force_login(office["sam"])
    act(client, "accounts/user", office["hank"], transition, "compared the selfies")
    office["hank"].refresh_from_db()
    assert office["hank"].identity_state == state
    event = AuditEvent.objects.get(action="identity.fraud_review", subject_id=str(office["hank"].pk))
    assert (event.from_state, event.to_state, event.data["note"]) == ("fraud_hold", state, "compared the selfies")


def test_supervisor_reopens_a_rejected_identity(client, office):
    client.force_login(office["sam"])
    act(client, "accounts/user", office["hank"], "reject_for_fraud")
    act(client, "accounts/user", office["hank"], "reopen_identity")
    office["hank"].refresh_from_db()
    assert office["hank"].identity_state == "unverified"


def test_an_examiner_cannot_take_a_supervisor_decision(client, office):
    client.force_login(office["erin"])
    page = client.get(f"/console/accounts/user/{office['hank'].pk}/change/").content.decode()
    assert "Pass fraud review" not in page  # not offered...
    for transition in ["pass_fraud_review", "suspend"]:
        messages = act(client, "accounts/user", office["hank"], transition)
        assert refused(messages, "role_not_permitted")  # ...and refused when tried
    office["hank"].refresh_from_db()
    assert office["hank"].identity_state == "fraud_hold"
    assert AuditEvent.objects.filter(action="account.suspended.refused", actor_id=office["erin"].pk).exists()


def test_deciding_a_hold_on_an_account_not_on_hold_is_refused(client, office):
    client.force_login(office["sam"])
    messages = act(client, "accounts/user", office["li"], "pass_fraud_review")
    assert refused(messages, "invalid_state")


# --- suspension (R23) -----------------------------------------------------------------------
def test_suspending_an_account_ends_its_session_at_once(client, office):
    from django.test import Client

    li_browser = Client()
    li_browser.force_login(office["li"])
    assert li_browser.get("/console/login/").wsgi_request.user.is_authenticated
    client.force_login(office["sam"])
    act(client, "accounts/user", office["li"], "suspend", "filing mill")
    office["li"].refresh_from_db()
    assert office["li"].identity_state == "suspended"
    # the next request of the open session is anonymous, and the login refuses it too
    assert not li_browser.get("/console/login/").wsgi_request.user.is_authenticated
    office["li"].set_password("correct horse battery")
    User.objects.filter(pk=office["li"].pk).update(password=office["li"].password)
    assert not Client().login(username="li@example.test", password="correct horse battery")


def test_a_suspended_officer_is_out_of_the_console(client, office):
    other = officer("sue", "supervisor")
    client.force_login(office["erin"])
    accounts.suspend_account(office["sam"], office["erin"], note="investigation")
    assert client.get("/console/").status_code == 302
    client.force_login(other)
    assert client.get("/console/").status_code == 200


def test_reinstating_returns_the_account_to_where_it_was(client, office):
    client.force_login(office["sam"])
    act(client, "accounts/user", office["hank"], "suspend", "investigation")
    act(client, "accounts/user", office["hank"], "reinstate", "cleared")
    office["hank"].refresh_from_db()
    assert office["hank"].identity_state == "fraud_hold"
    notes = list(
        AuditEvent.objects.filter(subject_id=str(office["hank"].pk), action__startswith="account.").values_list(
            "action", "data__note"
        )
    )
    assert notes == [
        ("account.created", None),
        ("account.confirmation_sent", None),
        ("account.email_confirmed", None),
        ("account.suspended", "investigation"),
        ("account.reinstated", "cleared"),
    ]


def test_each_account_shows_its_audit_trail(client, office):
    client.force_login(office["erin"])
    page = client.get(f"/console/accounts/user/{office['hank'].pk}/change/").content.decode()
    assert "identity.held_for_fraud" in page and "account.created" in page
    paper_page = client.get(f"/console/accounts/paperverification/{office['paper'].pk}/change/").content.decode()
    assert "identity.paper_filed" in paper_page


def test_the_console_says_whether_the_audit_chain_verifies(client, office):
    client.force_login(office["erin"])
    assert "The audit chain verifies" in client.get("/console/audit/").content.decode()
    event = AuditEvent.objects.order_by("seq")[3]
    AuditEvent.objects.filter(pk=event.pk).update(action="identity.tampered")
    page = client.get("/console/audit/").content.decode()
    assert f"broken at event #{event.seq}" in page and "edited" in page


def test_the_index_counts_the_work_queues(client, office):
    client.force_login(office["erin"])
    page = client.get("/console/").content.decode()
    assert "Paper verifications pending review" in page
    assert PaperVerification.objects.filter(state="pending").count() == 1
    assert "Fraud holds" in page

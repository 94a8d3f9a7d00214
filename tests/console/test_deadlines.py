"""`manage.py process_deadlines` across the 30-day window: the same outcome whether cron
runs it every few hours, once a day, or once long after, and nothing happens twice."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from console_people import company, person
from django.core.management import call_command

from accounts import services as accounts
from accounts.models import User
from applications import services as filings
from applications.deadlines import process_deadlines
from applications.models import SignatureLink
from simulator.identity import verify_with_simulated_provider
from tmverify import clock
from tmverify.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(office):
    """At day 0: Hank is put on hold, Dana sends Li a signing link, Fay locks herself out."""
    start = clock.now()
    link = filings.request_signature(
        office["dana"],
        filings.create_application(
            office["dana"], filings.FilingData(applicant=company("Link Co")), attorney=office["dana"]
        ),
        office["li"],
    )
    fay = person("fay", verified=False)  # five failed online attempts lock her out (R5)
    for _ in range(5):
        with pytest.raises(accounts.Refused):
            verify_with_simulated_provider(
                fay, method="online", role="owner", document_country="US", document_number="F-1", passed=False
            )
    fay.refresh_from_db()
    assert fay.is_locked()
    return {"start": start, "hank": office["hank"], "link": SignatureLink.objects.get(pk=link.pk), "fay": fay}


def run_at(moment):
    clock.set_now(moment)
    return process_deadlines()


def state(due):
    hank = User.objects.get(pk=due["hank"].pk)
    link = SignatureLink.objects.get(pk=due["link"].pk)
    fay = User.objects.get(pk=due["fay"].pk)
    return hank.identity_state, link.revoked_at, fay.idv_locked_until


SCHEDULES = {
    "every 7 hours": [timedelta(hours=7 * i) for i in range(1, 115)],
    "daily": [timedelta(days=d) for d in range(1, 33)],
    "once, late": [timedelta(days=45)],
    "twice at the same moment": [timedelta(days=31), timedelta(days=31)],
}


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_the_outcome_does_not_depend_on_how_often_it_runs(due, schedule):
    for offset in SCHEDULES[schedule]:
        run_at(due["start"] + offset)
    hank_state, revoked_at, locked_until = state(due)
    assert hank_state == "rejected"
    # the link is recorded as lapsing when it expired, not when the job happened to run
    assert revoked_at == due["link"].expires_at
    assert locked_until is None
    assert AuditEvent.objects.filter(action="identity.fraud_hold_expired").count() == 1


def test_nothing_falls_due_before_its_time(due):
    start = due["start"]
    run = run_at(start + timedelta(hours=5, minutes=59))
    assert (run.holds_rejected, run.links_expired, run.lockouts_lifted) == (0, 0, 0)
    assert state(due)[2] is not None  # still locked
    run = run_at(start + timedelta(hours=6, minutes=1))
    assert run.lockouts_lifted == 1
    # exactly 30 days old is not yet "older than 30 days"
    run = run_at(start + timedelta(days=30))
    assert (run.holds_rejected, run.links_expired) == (0, 0)
    assert state(due)[0] == "fraud_hold"
    link = SignatureLink.objects.get(pk=due["link"].pk)
    assert link.is_usable()
    run = run_at(start + timedelta(days=30, seconds=1))
    assert (run.holds_rejected, run.links_expired, run.lockouts_lifted) == (1, 0, 0)
    assert state(due)[0] == "rejected"
    # the link is usable through the 30th day after it was sent, to its end
    end_of_day_30 = datetime.combine(start.date() + timedelta(days=30), time.max, tzinfo=UTC)
    run = run_at(end_of_day_30)
    assert (run.holds_rejected, run.links_expired, run.lockouts_lifted) == (0, 0, 0)
    run = run_at(end_of_day_30 + timedelta(microseconds=1))
    assert (run.holds_rejected, run.links_expired, run.lockouts_lifted) == (0, 1, 0)
    run = run_at(end_of_day_30 + timedelta(microseconds=1))
    assert (run.holds_rejected, run.links_expired, run.lockouts_lifted) == (0, 0, 0)


def test_a_hold_decided_in_time_is_left_alone(due, office):
    run_at(due["start"] + timedelta(days=10))
    accounts.review_fraud_hold(office["sam"], due["hank"], passed=True, note="same person, new passport")
    run_at(due["start"] + timedelta(days=40))
    assert state(due)[0] == "verified"
    assert not AuditEvent.objects.filter(action="identity.fraud_hold_expired").exists()


def test_a_lifted_lockout_does_not_count_old_failures_again(due):
    fay = due["fay"]
    run_at(due["start"] + timedelta(hours=7))
    with pytest.raises(accounts.Refused) as refusal:
        verify_with_simulated_provider(
            fay, method="online", role="owner", document_country="US", document_number="F-1", passed=False
        )
    assert refusal.value.codes == ["verification_failed"]
    fay.refresh_from_db()
    assert not fay.is_locked()


def test_the_command_reports_what_it_did(due):
    clock.set_now(due["start"] + timedelta(days=31))
    out = StringIO()
    call_command("process_deadlines", stdout=out)
    assert out.getvalue().strip() == (
        "fraud holds rejected: 1, signing links expired: 1, lockouts lifted: 1, filings abandoned: 0, allowed: 0, "
        "registered: 0, revival periods closed: 0, reminders sent: 0"
    )


def test_a_hold_past_its_deadline_cannot_be_passed_even_before_the_job_runs(due, office):
    clock.set_now(due["start"] + timedelta(days=30))  # exactly 30 days: still open
    assert not User.objects.get(pk=due["hank"].pk).fraud_hold_expired
    clock.set_now(due["start"] + timedelta(days=30, seconds=1))
    with pytest.raises(accounts.Refused) as refusal:
        accounts.review_fraud_hold(office["sam"], due["hank"], passed=True, note="looks fine")
    assert refusal.value.codes == ["invalid_state"]
    assert "older than 30 days" in refusal.value.reasons[0].message
    assert state(due)[0] == "fraud_hold"
    assert AuditEvent.objects.filter(action="identity.fraud_review.refused").exists()
    # rejecting it is what the deadline does anyway; the job then finds nothing left to do
    accounts.review_fraud_hold(office["sam"], due["hank"], passed=False, note="expired")
    assert state(due)[0] == "rejected"
    assert process_deadlines().holds_rejected == 0


def test_a_hold_can_be_passed_up_to_its_deadline(due, office):
    clock.set_now(due["start"] + timedelta(days=30))
    accounts.review_fraud_hold(office["sam"], due["hank"], passed=True, note="same person, new passport")
    assert state(due)[0] == "verified"

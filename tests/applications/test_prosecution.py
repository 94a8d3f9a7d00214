"""Prosecution (R21, R22): the office's steps, the filer's signed forms behind the same
identity rules as a submission, and the deadlines that fall due with time."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts
from applications import prosecution, sanctions
from applications import services as filings
from applications.deadlines import process_deadlines
from applications.models import Application, Deadline, LaterForm
from tests.factories import dana, examiner, li, mallory, pat, person, refusal, signed_by_attorney, supervisor, verify
from tmverify import audit, clock

pytestmark = pytest.mark.django_db

SIGNED = {"signature": "/Dana Kim/", "title": "Attorney of record"}


def submitted(attorney, **overrides) -> Application:
    application = signed_by_attorney(attorney, **overrides)
    return filings.submit_filing(attorney, application)


def fresh(application) -> Application:
    return Application.objects.get(pk=application.pk)


def under_office_action():
    """Dana's filing for Sunwave, submitted and given an office action on 2023-03-15 (due
    2023-06-15); with Dana and the examiner Erin."""
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    prosecution.issue_office_action(erin, application, text="Clarify.")
    return attorney, erin, application


def deadline_of(application):
    return prosecution.filer_deadline(fresh(application))


def test_an_office_action_from_2022_12_03_gives_three_months_and_one_extension_of_three():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    prosecution.issue_office_action(erin, application, text="Clarify the goods.")
    assert fresh(application).state == "office_action"
    assert deadline_of(application).due_on == date(2023, 6, 15)
    form = prosecution.request_response_extension(attorney, application, **SIGNED)
    assert form.fee == 125
    assert deadline_of(application).due_on == date(2023, 9, 15)
    assert refusal(lambda: prosecution.request_response_extension(attorney, application, **SIGNED)) == [
        "extension_not_available"
    ]
    prosecution.respond_to_office_action(attorney, application, **SIGNED)
    assert fresh(application).state == "under_examination"
    assert deadline_of(application) is None


def test_an_action_before_2022_12_03_gives_six_months_and_no_extension():
    clock.set_today(date(2022, 11, 30))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    prosecution.issue_office_action(erin, application, text="Clarify.")
    assert deadline_of(application).due_on == date(2023, 5, 30)
    assert refusal(lambda: prosecution.request_response_extension(attorney, application, **SIGNED)) == [
        "extension_not_available"
    ]


def test_the_deadline_day_is_open_to_its_end_and_the_next_day_abandons_with_a_revival_period():
    attorney, erin, application = under_office_action()
    clock.set_today(date(2023, 6, 15))
    process_deadlines()
    assert fresh(application).state == "office_action"
    clock.set_today(date(2023, 6, 16))
    # late even before the job ran
    assert refusal(lambda: prosecution.respond_to_office_action(attorney, application, **SIGNED)) == ["deadline_passed"]
    process_deadlines()
    stored = fresh(application)
    assert (stored.state, stored.abandoned_on) == ("abandoned", date(2023, 6, 16))
    assert deadline_of(application).due_on == date(2023, 8, 16)
    assert refusal(lambda: prosecution.respond_to_office_action(attorney, application, **SIGNED)) == ["deadline_passed"]
    prosecution.petition_to_revive(attorney, application, **SIGNED)
    assert fresh(application).state == "under_examination"


def test_a_revival_period_that_passes_leaves_the_filing_abandoned_with_no_deadline():
    attorney, erin, application = under_office_action()
    clock.set_today(date(2023, 8, 17))
    run = process_deadlines().prosecution
    assert (run.abandoned, run.revival_closed) == (1, 1)
    assert fresh(application).state == "abandoned"
    assert deadline_of(application) is None
    assert refusal(lambda: prosecution.petition_to_revive(attorney, application, **SIGNED)) == ["deadline_passed"]


def test_an_intent_to_use_filing_is_published_allowed_and_registered_by_its_statement_of_use():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    prosecution.approve_for_publication(erin, application)
    assert fresh(application).state == "published"
    assert deadline_of(application) is None
    clock.set_today(date(2023, 4, 14))  # publication + 30: still open
    process_deadlines()
    assert fresh(application).state == "published"
    clock.set_today(date(2023, 4, 15))
    process_deadlines()
    stored = fresh(application)
    assert (stored.state, stored.allowed_on) == ("allowed", date(2023, 4, 14))
    assert deadline_of(application).due_on == date(2023, 10, 16)  # 14 October is a Saturday
    form = prosecution.request_sou_extension(attorney, application, **SIGNED)
    assert form.fee == 125
    assert deadline_of(application).due_on == date(2024, 4, 15)  # 14 April 2024 is a Sunday
    assert refusal(
        lambda: prosecution.file_statement_of_use(attorney, application, first_use=None, specimen=False, **SIGNED)
    ) == ["filing_incomplete"]
    prosecution.file_statement_of_use(attorney, application, first_use=date(2023, 4, 1), specimen=True, **SIGNED)
    stored = fresh(application)
    assert stored.state == "registered"
    assert len(stored.registration_number) == 7


def test_the_examiners_note_on_publication_is_kept_in_the_audit():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    prosecution.approve_for_publication(erin, application, note="No conflicting marks.")
    event = audit.trail(application).get(action="filing.published")
    assert event.data["note"] == "No conflicting marks."


def test_five_statement_of_use_extensions_and_not_a_sixth():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    prosecution.approve_for_publication(erin, application)
    clock.set_today(date(2023, 4, 20))
    process_deadlines()
    for _ in range(5):
        prosecution.request_sou_extension(attorney, application, **SIGNED)
    assert deadline_of(application).due_on == date(2026, 4, 14)  # 36 months after the notice
    assert refusal(lambda: prosecution.request_sou_extension(attorney, application, **SIGNED)) == [
        "extension_not_available"
    ]


def test_a_use_based_filing_registers_when_the_opposition_period_ends():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney, basis="1a", first_use=date(2022, 1, 1), specimen=True)
    prosecution.approve_for_publication(erin, application)
    clock.set_today(date(2023, 5, 1))
    process_deadlines()
    stored = fresh(application)
    assert (stored.state, stored.registered_on) == ("registered", date(2023, 4, 14))


def test_an_opposition_within_30_days_waits_for_the_decision_and_a_late_one_is_refused():
    clock.set_today(date(2023, 3, 15))
    attorney, erin, sam, rival = dana(), examiner(), supervisor(), person("rival")
    first, second = submitted(attorney), submitted(attorney, mark="MOONWAVE")
    for application in (first, second):
        prosecution.approve_for_publication(erin, application)
    clock.set_today(date(2023, 4, 14))
    prosecution.file_opposition(rival, first)
    assert fresh(first).state == "opposed"
    clock.set_today(date(2023, 4, 15))
    assert refusal(lambda: prosecution.file_opposition(rival, second)) == ["deadline_passed"]
    process_deadlines()
    assert fresh(first).state == "opposed"  # the period waits for the decision
    assert refusal(lambda: prosecution.decide_opposition(erin, first, sustained=False)) == ["role_not_permitted"]
    prosecution.decide_opposition(sam, first, sustained=False)
    stored = fresh(first)
    assert (stored.state, stored.allowed_on) == ("allowed", date(2023, 4, 15))


def test_a_sustained_opposition_refuses_the_filing():
    clock.set_today(date(2023, 3, 15))
    attorney, erin, sam, rival = dana(), examiner(), supervisor(), person("rival")
    application = submitted(attorney)
    prosecution.approve_for_publication(erin, application)
    prosecution.file_opposition(rival, application)
    prosecution.decide_opposition(sam, application, sustained=True)
    assert fresh(application).state == "refused"
    assert prosecution.open_deadline(fresh(application)) is None


def test_every_filer_step_passes_the_identity_rules_of_a_submission():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    staff = pat(attorney)
    application = submitted(attorney)
    prosecution.issue_office_action(erin, application, text="Clarify.")
    # office staff never file (R25); support staff never sign (R14); others see nothing
    assert "role_not_permitted" in refusal(lambda: prosecution.respond_to_office_action(erin, application, **SIGNED))
    assert refusal(
        lambda: prosecution.respond_to_office_action(staff, application, signature="/Pat Lee/", title="Paralegal")
    ) == ["signatory_not_authorized"]
    assert refusal(lambda: prosecution.respond_to_office_action(mallory(), application, **SIGNED)) == ["forbidden"]
    assert refusal(lambda: prosecution.respond_to_office_action(attorney, application, signature="Dana", title="")) == [
        "signature_format"
    ]
    # the office's steps are the office's
    assert refusal(lambda: prosecution.approve_for_publication(attorney, application)) == ["role_not_permitted"]
    assert LaterForm.objects.count() == 0


def _withdrawn_from(owner):
    """The owner's filing, submitted by Dana and given an office action on 2023-03-15; then
    Dana withdraws."""
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = filings.create_application(attorney, _owner_data(owner), attorney=attorney)
    filings.sign_application(attorney, application, **SIGNED)
    filings.submit_filing(attorney, application)
    prosecution.issue_office_action(erin, application, text="Clarify.")
    filings.withdraw_representation(attorney, application)
    return application


def test_an_owner_whose_attorney_withdrew_must_verify_before_responding():
    owner = person("olive", first_name="Olive", last_name="Stone", country="US")
    application = _withdrawn_from(owner)
    signed = {"signature": "/Olive Stone/", "title": "Owner"}
    assert "identity_unverified" in refusal(lambda: prosecution.respond_to_office_action(owner, application, **signed))
    verify(owner)
    owner.refresh_from_db()
    prosecution.respond_to_office_action(owner, application, **signed)
    assert fresh(application).state == "under_examination"


def test_a_foreign_owner_whose_attorney_withdrew_needs_a_us_attorney_again_verified_or_not():
    # R16 (37 CFR 2.11(a)): in all trademark matters, not only the application
    owner = li()
    application = _withdrawn_from(owner)
    signed = {"signature": "/Li Wei/", "title": "Owner"}
    assert refusal(lambda: prosecution.respond_to_office_action(owner, application, **signed)) == [
        "identity_unverified",
        "us_counsel_required",
    ]
    verify(owner)
    owner.refresh_from_db()
    assert refusal(lambda: prosecution.respond_to_office_action(owner, application, **signed)) == [
        "us_counsel_required"
    ]
    assert LaterForm.objects.count() == 0 and fresh(application).state == "office_action"


def _owner_data(owner):
    from applications.services import ApplicantData
    from tests.factories import filing_data

    return filing_data(ApplicantData.for_person(owner))


def test_deadlines_are_processed_once_and_in_time_order_whatever_the_interval():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    prosecution.approve_for_publication(erin, application)
    # one run two years later: allowed on the period's end, abandoned the day after the
    # statement of use was due, the revival period passed
    clock.set_today(date(2025, 3, 15))
    run = process_deadlines().prosecution
    assert (run.allowed, run.abandoned, run.revival_closed) == (1, 1, 1)
    stored = fresh(application)
    assert (stored.state, stored.allowed_on, stored.abandoned_on) == (
        "abandoned",
        date(2023, 4, 14),
        date(2023, 10, 17),
    )
    again = process_deadlines().prosecution
    assert (again.allowed, again.abandoned, again.revival_closed) == (0, 0, 0)
    assert audit.trail(stored).filter(action="filing.statement_of_use_deadline_passed").count() == 1
    assert Deadline.objects.filter(application=application, closed_at__isnull=True).count() == 0


def test_a_refused_step_changes_nothing_but_the_audit_trail():
    clock.set_today(date(2023, 3, 15))
    attorney = dana()
    application = submitted(attorney)
    assert refusal(lambda: prosecution.respond_to_office_action(attorney, application, **SIGNED)) == ["invalid_state"]
    assert fresh(application).state == "submitted"
    assert audit.trail(application).filter(action="filing.response.refused").count() == 1
    clock.advance(timedelta(days=1))


def test_an_examiner_taking_step_after_step_is_read_again_each_time_and_their_permissions_once():
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    first, second, third = (submitted(attorney) for _ in range(3))
    prosecution.approve_for_publication(erin, first)  # Django caches Erin's permissions on her object
    with CaptureQueriesContext(connection) as read:
        prosecution.approve_for_publication(erin, second)
    statements = [query["sql"] for query in read.captured_queries]
    assert sum('WHERE "accounts_user"."id" =' in sql for sql in statements) == 1  # the account, again
    assert not any("auth_permission" in sql for sql in statements)
    # a suspension between two steps stops the next one: the account is read again
    accounts.suspend_account(supervisor(), erin, note="Under review.")
    assert refusal(lambda: prosecution.approve_for_publication(erin, third)) == ["account_suspended"]
    assert fresh(third).state == "submitted"


def test_every_later_form_gets_a_receipt_signed_and_checkable_like_the_applications(tmp_path):
    from django.core.management import call_command

    from applications.receipts import check_receipt, later_form_receipt_document

    attorney, erin, application = under_office_action()
    form = prosecution.request_response_extension(attorney, application, **SIGNED)
    form.refresh_from_db()
    document = later_form_receipt_document(form)
    receipt = document["receipt"]
    assert (receipt["form"], receipt["fee"], receipt["deadline"]["due_on"]) == ("response_extension", 125, "2023-09-15")
    assert receipt["signature"] == {"signer": "Dana Kim", "signature": "/Dana Kim/", "title": "Attorney of record"}
    assert receipt["audit_head"]["seq"] > 0
    assert check_receipt(document).valid
    document["receipt"] = {**receipt, "fee": 0}
    assert check_receipt(document).altered == ["fee"]
    # one kind of receipt never passes for the other
    assert not check_receipt({**later_form_receipt_document(form), "format": "tmverify.receipt", "version": 3}).valid
    path = tmp_path / "receipt.json"
    import json

    path.write_text(json.dumps(later_form_receipt_document(form)))
    call_command("verify_receipt", str(path))


def test_the_parties_are_mailed_on_commit_for_the_action_the_abandonment_and_the_registration(
    mailoutbox, django_capture_on_commit_callbacks
):
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    with django_capture_on_commit_callbacks(execute=True):
        prosecution.issue_office_action(erin, application, text="Clarify the chargers.")
    (action,) = mailoutbox
    assert action.to == ["legal@sunwave.example", "dana@example.test"]
    assert "Clarify the chargers." in action.body and "2023-06-15" in action.body
    clock.set_today(date(2023, 6, 16))
    with django_capture_on_commit_callbacks(execute=True):
        process_deadlines()
    assert "Notice of abandonment" in mailoutbox[-1].subject and "2023-08-16" in mailoutbox[-1].body
    # the job locks the filing without its attorneys; the attorney of record is mailed all the same
    assert mailoutbox[-1].to == ["legal@sunwave.example", "dana@example.test"]
    with django_capture_on_commit_callbacks(execute=True):
        prosecution.petition_to_revive(attorney, application, **SIGNED)
        prosecution.approve_for_publication(erin, application)
    clock.set_today(date(2023, 7, 20))
    with django_capture_on_commit_callbacks(execute=True):
        process_deadlines()
    assert "Notice of allowance" in mailoutbox[-1].subject


def test_reminders_go_30_and_7_days_before_once_each_whatever_the_interval(
    mailoutbox, django_capture_on_commit_callbacks
):
    clock.set_today(date(2023, 3, 15))
    attorney, erin = dana(), examiner()
    application = submitted(attorney)
    prosecution.issue_office_action(erin, application, text="Clarify.")  # due 2023-06-15

    def run_on(day):
        clock.set_today(day)
        with django_capture_on_commit_callbacks(execute=True):
            process_deadlines()
        return [m.subject for m in mailoutbox if m.subject.startswith("Reminder")]

    assert run_on(date(2023, 5, 15)) == []  # 31 days before
    assert run_on(date(2023, 5, 16)) == [f"Reminder: 30 day(s) left: SUNWAVE ({fresh(application).serial_number})"]
    for day in (17, 20, 31):
        assert len(run_on(date(2023, 5, day))) == 1
    assert len(run_on(date(2023, 6, 10))) == 2  # 5 days before: the 7-day one, late, once
    assert len(run_on(date(2023, 6, 14))) == 2
    # an extension gives the new day its own reminders
    prosecution.request_response_extension(attorney, application, **SIGNED)
    assert len(run_on(date(2023, 8, 20))) == 3


def test_a_terminated_or_suspended_filings_deadline_is_neither_reminded_nor_listed(
    mailoutbox, django_capture_on_commit_callbacks
):
    attorney, erin, application = under_office_action()  # due 2023-06-15
    dashboard = Client()
    dashboard.force_login(attorney)

    def listed():
        return 'id="due"' in dashboard.get("/filings/").content.decode()

    sam = supervisor()
    sanctions.suspend_filing(sam, application, note="Under review for a filing mill.")
    clock.set_today(date(2023, 6, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert process_deadlines().prosecution.reminders == 0
    assert not listed()
    sanctions.reinstate_filing(sam, application, note="Cleared.")
    assert listed()
    sanctions.terminate_filing(sam, application, note="Sanctioned: a filing mill.")
    with django_capture_on_commit_callbacks(execute=True):
        assert process_deadlines().prosecution.reminders == 0
    assert not [m for m in mailoutbox if m.subject.startswith("Reminder")]
    assert not listed()


def test_a_job_first_run_a_week_before_sends_only_the_nearer_reminder(mailoutbox, django_capture_on_commit_callbacks):
    attorney, erin, application = under_office_action()
    clock.set_today(date(2023, 6, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert process_deadlines().prosecution.reminders == 1
    assert [m.subject.split(":")[0] for m in mailoutbox if "Reminder" in m.subject] == ["Reminder"]
    assert "5 day(s) left" in mailoutbox[-1].subject

"""Prosecution on the pages (R21, R22): the filing page's deadline, office actions and the
filer's signed forms with their checklist; the dashboard's list of what is due; the .ics
calendar; the console's office steps. Both languages."""

import json
from datetime import date

import pytest
from icalendar import Calendar

from applications import prosecution
from applications import services as filings
from applications.deadlines import process_deadlines
from applications.models import Application, LaterForm
from applications.receipts import check_receipt
from tests import factories
from tests.factories import PDF_PAGE, upload
from tmverify import clock

pytestmark = pytest.mark.django_db

SIGNED = {"signature": "/Dana Kim/", "title": "Attorney of record", "declaration": "on"}


def submitted(attorney, **overrides) -> Application:
    return filings.submit_filing(attorney, factories.signed_by_attorney(attorney, **overrides))


def with_prefix(kind: str, data: dict) -> dict:
    return {f"{kind}-{key}": value for key, value in data.items()}


@pytest.fixture
def office_action(dana):
    clock.set_today(date(2023, 3, 15))
    application = submitted(dana)
    prosecution.issue_office_action(factories.examiner(), application, text="Clarify the portable chargers.")
    return application


def test_an_attorney_reads_the_office_action_and_answers_it_on_the_filing_page(as_user, dana, office_action):
    client = as_user(dana)
    clock.set_today(date(2023, 6, 5))
    page = client.get(f"/filings/{office_action.pk}/").content.decode()
    assert "Clarify the portable chargers." in page
    assert 'data-due="2023-06-15"' in page and "10 days left" in page
    response = client.post(
        f"/filings/{office_action.pk}/forms/response/",
        with_prefix("response", {**SIGNED, "text": "The goods are solar chargers for phones."}),
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=office_action.pk).state == "under_examination"
    form = LaterForm.objects.get(application=office_action, kind="response")
    assert (form.signature, form.text) == ("/Dana Kim/", "The goods are solar chargers for phones.")
    receipt = client.get(f"/filings/{office_action.pk}/forms/receipts/{form.pk}/")
    assert check_receipt(json.loads(receipt.content)).valid


def test_a_signature_that_is_none_is_a_form_error_and_files_nothing(as_user, dana, office_action):
    response = as_user(dana).post(
        f"/filings/{office_action.pk}/forms/response/", with_prefix("response", {**SIGNED, "declaration": ""})
    )
    assert response.status_code == 400
    assert not LaterForm.objects.exists()


def test_support_staff_see_why_they_cannot_answer_and_no_form(as_user, dana, pat, office_action):
    page = as_user(pat).get(f"/filings/{office_action.pk}/").content.decode()
    assert 'data-code="signatory_not_authorized"' in page
    assert "/forms/response/" not in page


def test_an_owner_files_a_statement_of_use_with_its_specimen_after_an_extension(as_user, dana):
    clock.set_today(date(2023, 3, 15))
    owner = factories.person("olga", first_name="Olga", last_name="Berg", verified=True)
    application = filings.create_application(
        owner, factories.filing_data(filings.ApplicantData.for_person(owner)), attorney=None
    )
    filings.sign_application(owner, application, signature="/Olga Berg/", title="Owner")
    filings.submit_filing(owner, application)
    prosecution.approve_for_publication(factories.examiner(), application)
    clock.set_today(date(2023, 5, 1))
    process_deadlines()  # the opposition period ended: allowed
    client = as_user(owner)
    signed = {"signature": "/Olga Berg/", "title": "Owner", "declaration": "on"}
    assert (
        client.post(f"/filings/{application.pk}/forms/sou_extension/", with_prefix("sou_extension", signed)).status_code
        == 302
    )
    assert prosecution.filer_deadline(application).due_on == date(2024, 4, 15)
    data = with_prefix("statement_of_use", {**signed, "first_use": "2023-04-20"})
    data["statement_of_use-specimen"] = upload(PDF_PAGE, "specimen.pdf")
    assert client.post(f"/filings/{application.pk}/forms/statement_of_use/", data).status_code == 302
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == "registered"
    form = LaterForm.objects.get(kind="statement_of_use")
    assert form.specimen and form.specimen_upload and form.specimen_content_type == "application/pdf"
    page = client.get(f"/filings/{application.pk}/").content.decode()
    assert stored.registration_number in page


def test_a_specimen_that_is_no_image_or_pdf_is_refused_and_nothing_registers(as_user, dana):
    clock.set_today(date(2023, 3, 15))
    application = submitted(dana)
    prosecution.approve_for_publication(factories.examiner(), application)
    clock.set_today(date(2023, 5, 1))
    process_deadlines()
    data = with_prefix("statement_of_use", {**SIGNED, "first_use": "2023-04-20"})
    data["statement_of_use-specimen"] = upload(b"MZ not a picture", "specimen.pdf")
    response = as_user(dana).post(f"/filings/{application.pk}/forms/statement_of_use/", data)
    assert response.status_code == 400
    assert Application.objects.get(pk=application.pk).state == "allowed"


def test_the_dashboard_lists_what_is_due_soonest_first_with_the_days_left(as_user, dana):
    clock.set_today(date(2023, 3, 15))
    erin = factories.examiner()
    later = submitted(dana, mark="LATER")
    prosecution.approve_for_publication(erin, later)  # its statement of use falls due in October
    sooner = submitted(dana, mark="SOONER")
    prosecution.issue_office_action(erin, sooner, text="Clarify.")
    clock.set_today(date(2023, 5, 1))
    process_deadlines()
    page = as_user(dana).get("/filings/").content.decode()
    section = page[page.index('id="due"') :]
    assert section.index("SOONER") < section.index("LATER")
    assert 'data-due="2023-06-15"' in section and "<td>45</td>" in section


def test_the_calendar_export_has_one_event_per_deadline(as_user, dana, office_action, mallory):
    response = as_user(dana).get("/filings/deadlines.ics")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20230615" in body and "SUNWAVE" in body
    assert "\r\n" in body
    assert as_user(mallory).get("/filings/deadlines.ics").content.decode().count("BEGIN:VEVENT") == 0


def test_the_calendar_export_folds_long_lines_and_escapes_what_a_mark_may_hold(as_user, dana, office_action):
    # RFC 5545: a line is at most 75 octets (longer ones are folded), and commas,
    # semicolons, backslashes and line breaks in a text are escaped; a long mark had
    # gone out as one line, a bare carriage return as it was
    mark = "SUNWAVE 日光, THE SOLAR; CHARGER \\ COMPANY\r\nOF SHENZHEN " + "AND SONS " * 8
    Application.objects.filter(pk=office_action.pk).update(mark=mark)
    body = as_user(dana).get("/filings/deadlines.ics").content

    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    # a line break comes back as a calendar's line break, \n
    expected = mark.replace("\r\n", "\n")
    assert str(event["summary"]) == f"Response to the office action: {expected} ({office_action.serial_number})"
    assert event.decoded("dtstart") == date(2023, 6, 15)


def test_the_filing_page_speaks_chinese(as_user, dana, office_action):
    client = as_user(dana)
    client.cookies.load({"django_language": "zh-hans"})
    page = client.get(f"/filings/{office_action.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已发出审查意见" in page


def test_an_examiner_issues_an_action_with_its_text_and_approves_for_publication_in_the_console(client, dana):
    clock.set_today(date(2023, 3, 15))
    application = submitted(dana)
    erin = factories.examiner()
    client.force_login(erin)
    url = f"/console/applications/application/{application.pk}/"
    assert "receive_office_action" in client.get(f"{url}change/").content.decode()
    client.post(f"{url}transition/receive_office_action/", {"note": "Describe the goods more precisely."})
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == "office_action"
    assert stored.office_actions.get().text == "Describe the goods more precisely."
    prosecution.respond_to_office_action(dana, stored, signature="/Dana Kim/", title="Attorney of record")
    client.post(f"{url}transition/publish/", {"note": "Nothing stands in the way."})
    assert Application.objects.get(pk=application.pk).state == "published"
    # deciding an opposition is a supervisor's
    assert "dismiss_opposition" not in client.get(f"{url}change/").content.decode()


def test_the_filing_page_reads_the_same_number_of_statements_however_many_forms_were_filed(as_user, dana):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock.set_today(date(2023, 3, 15))
    erin = factories.examiner()
    application = submitted(dana)
    prosecution.issue_office_action(erin, application, text="First.")
    client = as_user(dana)
    client.get(f"/filings/{application.pk}/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/filings/{application.pk}/")
    prosecution.request_response_extension(dana, application, signature="/Dana Kim/", title="Attorney")
    prosecution.respond_to_office_action(dana, application, signature="/Dana Kim/", title="Attorney")
    prosecution.issue_office_action(erin, application, text="Second.")
    with CaptureQueriesContext(connection) as three:
        client.get(f"/filings/{application.pk}/")
    assert len(three) == len(one)

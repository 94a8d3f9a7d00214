"""Prosecution in a real browser (R21, R22): an attorney answers an office action, an owner
files a statement of use after an extension, an examiner issues an action and approves a
filing for publication in the console. The filer's pages are checked with axe-core."""

from datetime import date

import pytest

from applications import prosecution
from applications import services as filings
from applications.deadlines import process_deadlines
from applications.models import Application, LaterForm
from tests import factories
from tests.browser.test_journeys import a_phone, expect, give_the_code, sign_in
from tests.factories import PDF_PAGE
from tmverify import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_and_file(page, kind: str, label: str, title: str, **fields) -> None:
    """On the filing page: fill the `kind` form's fields, sign it in the form and file it."""
    for name, value in fields.items():
        page.fill(f"#id_{kind}-{name}", value)
    page.fill(f"#id_{kind}-title", title)
    page.check(f"#id_{kind}-declaration")
    page.click(f"text=Sign and file: {label}")


def submitted_by(owner_or_attorney, **overrides) -> Application:
    return filings.submit_filing(owner_or_attorney, factories.signed_by_attorney(owner_or_attorney, **overrides))


def test_an_attorney_answers_an_office_action(page, accessible):
    clock.set_today(date(2023, 3, 15))
    dana = factories.dana()  # US attorney of record
    application = submitted_by(dana)
    prosecution.issue_office_action(factories.examiner(), application, text="Clarify the portable chargers.")
    clock.set_today(date(2023, 6, 5))

    sign_in(page, "dana@example.test")
    page.goto("/filings/")
    expect(page.locator("#due")).to_contain_text("2023-06-15")
    accessible(page)
    page.click("#due a:has-text('SUNWAVE')")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "office_action")
    expect(page.locator(".office-action")).to_contain_text("Clarify the portable chargers.")
    expect(page.locator("#deadline")).to_contain_text("10 days left")
    accessible(page)
    sign_and_file(
        page,
        "response",
        "Response to an office action",
        "Attorney of record",
        text="The goods are solar chargers for mobile phones.",
    )
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "under_examination")
    expect(page.locator("#later-forms")).to_contain_text("Signed receipt (JSON)")
    accessible(page)
    assert LaterForm.objects.get().text == "The goods are solar chargers for mobile phones."


def test_an_owner_files_a_statement_of_use_after_an_extension(page, accessible, tmp_path):
    clock.set_today(date(2023, 3, 15))
    olga = factories.person("olga", first_name="Olga", last_name="Berg", verified=True)  # US owner, verified
    application = filings.create_application(olga, factories.filing_data(filings.ApplicantData.for_person(olga)))
    filings.sign_application(olga, application, signature="/Olga Berg/", title="Owner")
    filings.submit_filing(olga, application)
    prosecution.approve_for_publication(factories.examiner(), application)
    clock.set_today(date(2023, 5, 1))
    process_deadlines()  # the opposition period ended: allowed

    sign_in(page, "olga@example.test")
    page.goto(f"/filings/{application.pk}/")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "allowed")
    accessible(page)
    sign_and_file(page, "sou_extension", "Request for an extension of time to file a statement of use", "Owner")
    expect(page.locator("#deadline")).to_have_attribute("data-due", "2024-04-15")
    accessible(page)
    specimen = tmp_path / "specimen.pdf"
    specimen.write_bytes(PDF_PAGE)
    page.set_input_files("#id_statement_of_use-specimen", str(specimen))
    sign_and_file(page, "statement_of_use", "Statement of use", "Owner", first_use="2023-04-20")
    expect(page.locator("#filing-state")).to_have_attribute("data-state", "registered")
    expect(page.locator("#registration")).to_contain_text("registration number")
    accessible(page)


def test_an_examiner_issues_an_action_and_approves_for_publication(page, accessible):
    clock.set_today(date(2023, 3, 15))
    dana = factories.dana()
    application = submitted_by(dana)
    erin = factories.examiner()
    erin.set_password("examiner-password-1")
    erin.save(update_fields=["password"])
    phone = a_phone(erin)

    page.goto("/console/login/")
    page.fill("#id_username", "erin@example.test")
    page.fill("#id_password", "examiner-password-1")
    page.click("input[type=submit]")
    give_the_code(page, phone)
    change = f"/console/applications/application/{application.pk}/change/"
    page.goto(change)
    page.click("a.console-action:has-text('Issue an office action')")
    page.fill("textarea[name=note]", "Describe the goods more precisely.")
    page.click("input[type=submit][value='Issue an office action']")
    expect(page.locator(".messagelist")).to_contain_text("Office action issued")
    assert Application.objects.get(pk=application.pk).state == "office_action"

    prosecution.respond_to_office_action(dana, application, signature="/Dana Kim/", title="Attorney of record")
    page.goto(change)
    page.click("a.console-action:has-text('Approve for publication')")
    page.fill("textarea[name=note]", "No conflicting marks.")
    page.click("input[type=submit][value='Approve for publication']")
    expect(page.locator(".messagelist")).to_contain_text("Approved for publication")
    assert Application.objects.get(pk=application.pk).state == "published"

    # what the filer then reads on the filing page
    filer = page.context.browser.new_context(base_url=page.url.split("/console")[0], bypass_csp=True).new_page()
    sign_in(filer, "dana@example.test")
    filer.goto(f"/filings/{application.pk}/")
    expect(filer.locator(".office-action")).to_contain_text("Describe the goods more precisely.")
    accessible(filer)

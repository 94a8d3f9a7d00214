"""The office's page for one filing names each signer as they signed: by the name the
request gave, whether or not they have an account (R14)."""

import pytest
from console_people import company

from applications import services as filings
from applications.services import FilingData, Signer

pytestmark = pytest.mark.django_db


def test_the_filing_page_names_a_signer_without_an_account(client, office):
    dana = office["dana"]
    filing = filings.create_application(dana, FilingData(applicant=company("Moonwave Ltd")), attorney=dana)
    link = filings.request_signature(dana, filing, Signer("Chen Hua", "chen.hua@moonwave.example"))
    filings.sign_by_link(link.token, signature="/Chen Hua/", title="CFO")

    client.force_login(office["erin"])
    page = client.get(f"/console/applications/application/{filing.pk}/change/").content.decode()

    assert "/Chen Hua/ Chen Hua (CFO), Signed through the emailed link" in page

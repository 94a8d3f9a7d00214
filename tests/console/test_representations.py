"""The console shows a filing's representations (R24) read-only: every attorney named, with
their standing, the ended ones too."""

import pytest
from console_people import attorney

from applications import services as filings

pytestmark = pytest.mark.django_db


def test_a_filings_page_shows_every_attorney_named_with_their_standing_read_only(client, office):
    filing = filings.create_application(
        office["olga"], filings.FilingData(mark="HISTORY"), attorney=office["dana"]
    )  # Olga names Dana: pending
    filings.decline_appointment(office["dana"], filing)
    ron = attorney("ron", "301122")
    filings.appoint_attorney(office["olga"], filing, ron)
    filings.accept_appointment(ron, filing)
    client.force_login(office["erin"])
    page = client.get(f"/console/applications/application/{filing.pk}/change/").content.decode()
    assert "Declined by the attorney, named by Olga" in page
    assert "Attorney of record, named by Olga" in page and "of record from" in page
    assert 'name="representation' not in page  # shown, never edited
    listing = client.get("/console/applications/application/?q=ron%40").content.decode()
    assert "HISTORY" in listing

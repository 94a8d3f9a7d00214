"""The office and the people it reviews, for the console tests. Who is who is said beside each."""

import pytest
from console_people import attorney, company, officer, person, scan, submitted_filing

from accounts import services as accounts
from simulator.identity import verify_with_simulated_provider
from tmverify.reasons import Refused


@pytest.fixture
def office(db):
    sam = officer("sam", "supervisor")  # supervisor: reviews, decides fraud holds, sanctions
    erin = officer("erin", "examiner")  # examiner: reviews paper forms only
    li = person("li", "owner", "CN")  # Chinese seller, verified online; an applicant with no office role
    dana = attorney("dana", "4455667")  # US attorney of record for Li's company
    paula = person("paula", verified=False)  # owner who mailed a notarized paper form, with a scan
    paper = accounts.file_paper_verification(
        paula, role="owner", document_country="US", document_number="P-1", scan=scan()
    )
    olga = person("olga", document="SHARED-1")  # verified first with a document...
    hank = person("hank", verified=False)  # ...that Hank then presents too: on fraud hold (R6)
    with pytest.raises(Refused):
        verify_with_simulated_provider(
            hank, method="online", role="owner", document_country="US", document_number="SHARED-1", passed=True
        )
    hank.refresh_from_db()
    filing = submitted_filing(dana, company("Sunwave Ltd"))
    return locals()

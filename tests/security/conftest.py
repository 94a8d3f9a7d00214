"""A small office for the security tests: who is who is said beside each person."""

from datetime import date

import pytest

from accounts import services as accounts
from accounts.office import make_office_staff
from applications import services as filings
from applications.services import ApplicantData, FilingData, GoodsData


def person(key, role="owner", country="US", verified=True):
    user = accounts.register_user(
        email=f"{key}@example.test", first_name=key.title(), last_name="Tester", role=role, country=country
    )
    if verified:
        accounts.verify_with_simulated_provider(
            user, method="online", role=role, document_country=country, document_number=f"DOC-{key}", passed=True
        )
    return user


@pytest.fixture
def world():
    dana = person("dana", "us_attorney")  # US attorney of record
    accounts.add_bar_admission(dana, jurisdiction="NY", number="1", admitted=date(2015, 1, 10))
    li = person("li", "owner", "CN", verified=False)  # Chinese seller, represented
    pat = person("pat", "support_staff", verified=False)  # paralegal asking for sponsorship
    sam = person("sam", "", verified=False)  # supervisor
    make_office_staff(sam, "supervisor")
    data = FilingData(
        applicant=ApplicantData(
            name="Sunwave Ltd",
            entity="corporation",
            citizenship="CN",
            email="legal@sunwave.example",
            street="8 Keji Rd",
            city="Shenzhen",
            country="CN",
        ),
        mark="SUNWAVE",
        basis="1b",
        goods=[GoodsData(9, "Portable solar chargers", True)],
    )
    draft = filings.create_application(dana, data, attorney=dana)
    signed = filings.create_application(dana, data, attorney=dana)
    filings.sign_application(dana, signed, signature="/Dana Tester/", title="Attorney")
    link_filing = filings.create_application(dana, data, attorney=dana)
    link = filings.request_signature(dana, link_filing, li)
    paper_person = person("paula", verified=False)
    paper = accounts.file_paper_verification(paper_person, role="owner", document_country="US", document_number="P-1")
    requested = accounts.request_sponsorship(pat, dana)
    return locals()

from datetime import date

import pytest

from accounts import services as accounts
from applications import services as filings
from applications.services import ApplicantData, FilingData, GoodsData
from tmverify import clock

pytestmark = pytest.mark.django_db


def test_represented_chinese_seller_signs_by_link_without_verifying():
    clock.set_today(date(2023, 3, 1))
    li = accounts.register_user(email="li@example.test", first_name="Li", last_name="Wei", role="owner", country="CN")
    dana = accounts.register_user(email="dana@example.test", first_name="Dana", last_name="Kim", role="us_attorney")
    accounts.add_bar_admission(dana, jurisdiction="NY", number="4455667", admitted=date(2015, 1, 10))
    accounts.verify_with_simulated_provider(
        dana, method="online", role="us_attorney", document_country="US", document_number="D123", passed=True
    )
    data = FilingData(
        applicant=ApplicantData(
            name="Shenzhen Sunwave Co., Ltd.",
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
    a1 = filings.create_application(dana, data, attorney=dana)
    link = filings.request_signature(dana, a1, li)
    filings.sign_by_link(link.token, signature="/Li Wei/", title="CEO")
    a1 = filings.submit_filing(dana, a1)
    assert a1.state == "submitted"
    assert len(a1.serial_number) == 8
    assert a1.fee == 250

"""A small office for the security tests: who is who is said beside each person."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType

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


# --- the ten personas of the access matrix (issue 7) ----------------------------------------
# Column order of every table in tests/security: who each one is is said beside them.
PERSONAS = [
    "anon",  # not signed in
    "uown",  # Uma: owner, signed up, not verified, has started an online check
    "vown",  # Olivia: verified US owner with her own submitted filing
    "other",  # Mallory: another verified owner, must see nothing of Olivia's or Dana's
    "link",  # Li: Chinese seller represented by Dana; an account, never verified, signs by link only
    "atty",  # Dana: verified US attorney of record for Li's company (Sunwave)
    "staff",  # Pat: Dana's sponsored paralegal
    "ustaff",  # Uri: support staff whose request to Dana is still waiting (not sponsored)
    "exam",  # Erin: office examiner
    "super",  # Sam: office supervisor
]


@pytest.fixture
def personas(db):
    """The people of the access matrix and the objects they own, by name."""
    from tests import factories

    uma = factories.person("uma")
    olivia = factories.person("olivia", first_name="Olivia", last_name="Reyes", verified=True)
    mallory = factories.mallory()
    li = factories.li()
    dana = factories.dana()
    pat = factories.pat(attorney=dana)
    uri = factories.person("uri", role="support_staff", first_name="Uri", last_name="Cole")
    erin = factories.examiner()
    sam = factories.supervisor()

    nonce = accounts.start_verification(uma, method="online", role="owner").nonce
    own = factories.filing_data(
        applicant=ApplicantData(
            name="Olivia Reyes",
            entity="individual",
            citizenship="US",
            email="olivia@example.test",
            street="12 Elm St",
            city="Austin",
            region="TX",
            postal_code="78701",
            country="US",
            user=olivia,
        )
    )
    olivias = filings.create_application(olivia, own)
    filings.sign_application(olivia, olivias, signature="/Olivia Reyes/", title="Owner")
    olivias = filings.submit_filing(olivia, olivias)
    sunwave = factories.draft(dana)  # Li's company, Dana of record, visible to Pat
    token = filings.request_signature(dana, sunwave, li).token
    waiting = accounts.request_sponsorship(uri, dana)
    active = accounts.find_sponsorship(dana, pat)
    paula = factories.person("paula", first_name="Paula", last_name="Paper")
    paper = accounts.file_paper_verification(
        paula, role="owner", document_country="US", document_number="P-1", scan=factories.upload()
    )
    users = {
        "uown": uma,
        "vown": olivia,
        "other": mallory,
        "link": li,
        "atty": dana,
        "staff": pat,
        "ustaff": uri,
        "exam": erin,
        "super": sam,
    }
    objects = {
        "nonce": nonce,
        "olivias": olivias.pk,
        "sunwave": sunwave.pk,
        "token": token,
        "waiting": waiting.pk,
        "active": active.pk,
        "paper": paper.pk,
        "mallory": mallory.pk,
        "user_type": ContentType.objects.get_for_model(mallory).pk,
    }
    return {"users": users, "objects": objects}

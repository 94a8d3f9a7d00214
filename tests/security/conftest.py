"""A small office for the security tests: who is who is said beside each person."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import confirmation
from accounts import services as accounts
from applications import services as filings
from applications.services import ApplicantData


@pytest.fixture
def world():
    """Dana's office mid-week: drafts, a signed filing, a link out to Li, a paper form
    waiting for review and a sponsorship request waiting for Dana."""
    from tests import factories

    dana = factories.dana()  # US attorney of record
    li = factories.li()  # Chinese seller, represented, signs by link
    pat = factories.person("pat", role="support_staff")  # paralegal asking for sponsorship
    sam = factories.supervisor()  # office supervisor
    draft = factories.draft(dana)
    signed = factories.signed_by_attorney(dana)
    link = filings.request_signature(dana, factories.draft(dana), li)
    paper_person = factories.person("paula")
    paper = accounts.file_paper_verification(paper_person, role="owner", document_country="US", document_number="P-1")
    requested = accounts.request_sponsorship(pat, dana)
    nell = factories.person("nell", confirmed=False)  # signed up, has not confirmed her email yet
    return {
        "nell": nell,
        "dana": dana,
        "li": li,
        "sam": sam,
        "draft": draft,
        "signed": signed,
        "link": link,
        "paper": paper,
        "requested": requested,
    }


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


def authorization_ticket(request) -> str:
    """What the built-in provider's check page carries for `request` (provider/views.py)."""
    from authlib.oauth2.rfc7636 import create_s256_code_challenge
    from django.conf import settings
    from django.core import signing

    from provider.views import AUTHORIZATION_SALT

    asked = {
        "client_id": settings.TMVERIFY_OIDC_CLIENT_ID,
        "redirect_uri": settings.TMVERIFY_OIDC_REDIRECT_URI,
        "state": request.state,
        "nonce": request.nonce,
        "scope": "openid",
        "response_type": "code",
        "code_challenge": create_s256_code_challenge(request.code_verifier),
        "code_challenge_method": "S256",
        "verification_method": request.method,
    }
    return signing.dumps(asked, salt=AUTHORIZATION_SALT)


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

    # the authorization request of Uma's open check, as the provider's page carries it
    ticket = authorization_ticket(accounts.start_verification(uma, method="online", role="owner"))
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
    appointed = filings.create_application(olivia, own, attorney=dana)  # R24: Dana has not accepted
    sunwave = factories.draft(dana)  # Li's company, Dana of record, visible to Pat
    token = filings.request_signature(dana, sunwave, li).token
    waiting = accounts.request_sponsorship(uri, dana)
    active = accounts.find_sponsorship(dana, pat)
    nell = factories.person("nell", first_name="Nell", last_name="New", confirmed=False)  # signed up, unconfirmed
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
        "ticket": ticket,
        "olivias": olivias.pk,
        "appointed": appointed.pk,
        "dana": dana.pk,
        "sunwave": sunwave.pk,
        "token": token,
        "waiting": waiting.pk,
        "active": active.pk,
        "paper": paper.pk,
        "mallory": mallory.pk,
        "confirm": confirmation.make_token(nell),
        "uid": urlsafe_base64_encode(force_bytes(li.pk)),
        "user_type": ContentType.objects.get_for_model(mallory).pk,
    }
    return {"users": users, "objects": objects}

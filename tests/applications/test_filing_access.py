"""Who may create a filing and who may touch it (SCENARIOS.md "Who may do what")."""

import pytest

from applications import access
from applications import services as filings
from applications.models import Application
from applications.services import ApplicantData
from tests.factories import dana, draft, examiner, filing_data, li, mallory, pat, person, signed_by_attorney
from tmverify import audit
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


@pytest.fixture
def office():
    attorney = dana()
    seller = li()
    filing = draft(attorney)  # Sunwave's application, Dana of record
    return {"dana": attorney, "li": seller, "filing": filing, "mallory": mallory()}


def test_an_unrelated_verified_user_is_forbidden_everything_on_the_filing(office):
    filing, intruder = office["filing"], office["mallory"]

    assert refusal(lambda: filings.request_signature(intruder, filing, intruder)) == ["forbidden"]
    assert refusal(lambda: filings.sign_application(intruder, filing, signature="/M S/", title="CEO")) == ["forbidden"]
    assert refusal(lambda: filings.submit_filing(intruder, filing)) == ["forbidden"]
    assert refusal(lambda: filings.update_application(intruder, filing, filing_data(mark="MINE"))) == ["forbidden"]
    assert refusal(lambda: filings.appoint_attorney(intruder, filing, office["dana"])) == ["forbidden"]
    assert [r.code for r in filings.can_submit(intruder, filing)] == ["forbidden"]
    assert not access.visible_filings(intruder).exists()
    filing.refresh_from_db()
    assert (filing.state, filing.mark, filing.signatures.count()) == ("draft", "SUNWAVE", 0)
    assert audit.trail(filing).filter(action__endswith=".refused", actor_id=intruder.pk).count() == 5


def test_the_attorney_of_record_and_the_individual_applicant_have_access_an_attorney_creator_not(office):
    creator = person("ann", role="us_attorney", verified=True)  # prepares it, Dana is of record
    owner = person("olga", verified=True)  # files as herself, represented by Dana
    filing = filings.create_application(
        creator, filing_data(applicant=ApplicantData.for_person(owner)), attorney=office["dana"]
    )

    for user in (office["dana"], owner):
        assert access.can_access(user, filing)
        assert access.visible_filings(user).filter(pk=filing.pk).exists()
    # an attorney's access comes only through representation, never as creator (DECISIONS 9)
    for user in (creator, office["mallory"]):
        assert not access.can_access(user, filing)
        assert not access.visible_filings(user).filter(pk=filing.pk).exists()


def test_an_owner_creator_has_access():
    officer = person("olga", verified=True)  # an officer of Sunwave, with Dana of record
    filing = draft(dana(), creator=officer)
    assert access.can_access(officer, filing)
    assert access.visible_filings(officer).filter(pk=filing.pk).exists()


def test_staff_sponsored_by_the_attorney_of_record_have_access(office):
    staff = pat(office["dana"])  # Dana's paralegal
    assert access.can_access(staff, office["filing"])
    assert list(access.visible_filings(staff)) == [office["filing"]]
    filings.request_signature(staff, office["filing"], office["li"])


def test_staff_sponsored_by_another_attorney_have_no_access(office):
    other_attorney = person("ann", role="us_attorney", verified=True)
    staff = pat(other_attorney)
    assert refusal(lambda: filings.request_signature(staff, office["filing"], office["li"])) == ["forbidden"]
    assert not access.visible_filings(staff).exists()


def test_staff_lose_access_when_the_sponsorship_ends(office):
    from accounts import services as accounts

    staff = pat()
    sponsorship = accounts.sponsor_staff(office["dana"], staff)
    accounts.end_sponsorship(office["dana"], sponsorship)
    assert not access.can_access(staff, office["filing"])
    assert refusal(lambda: filings.submit_filing(staff, office["filing"])) == ["forbidden"]


def test_office_staff_see_every_filing(office):
    erin = examiner()
    assert access.can_access(erin, office["filing"])
    assert access.visible_filings(erin).count() == Application.objects.count()


def test_sponsored_staff_submit_but_never_sign(office):
    staff = pat(office["dana"])
    filing = signed_by_attorney(office["dana"])

    assert refusal(
        lambda: filings.sign_application(staff, office["filing"], signature="/Pat Lee/", title="Paralegal")
    ) == ["signatory_not_authorized"]
    submitted = filings.submit_filing(staff, filing)
    assert (submitted.state, submitted.submitted_by) == ("submitted", staff)


# --- who may create (R2, R7, R10) -------------------------------------------------------
def test_owners_attorneys_and_sponsored_staff_may_create(office):
    staff = pat(office["dana"])
    ca_attorney = person("claude", role="ca_attorney", country="CA", verified=True)
    for creator in (person("olga", verified=True), office["dana"], ca_attorney, staff):
        application = filings.create_application(creator, filing_data(), attorney=office["dana"])
        assert (application.state, application.created_by) == ("draft", creator)
        assert audit.trail(application).filter(action="filing.created", actor_id=creator.pk).exists()


def test_an_unverified_owner_cannot_create_after_the_mandatory_date(office):
    assert refusal(lambda: filings.create_application(office["li"], filing_data())) == ["identity_unverified"]
    assert Application.objects.count() == 1


def test_a_verified_account_with_no_role_cannot_create():
    from accounts.models import PatentIdentity

    PatentIdentity.objects.create(
        email="ada@example.test", first_name="Ada", last_name="Lovelace", verified_on="2022-03-01"
    )
    ada = person("ada", role="", first_name="Ada", last_name="Lovelace")  # patent-verified, no role yet
    assert refusal(lambda: filings.create_application(ada, filing_data())) == ["role_required"]


def test_unsponsored_staff_cannot_create():
    assert refusal(lambda: filings.create_application(pat(), filing_data())) == ["sponsorship_required"]


def test_only_an_attorney_can_be_of_record(office):
    assert refusal(lambda: filings.create_application(office["dana"], filing_data(), attorney=office["mallory"])) == [
        "role_not_permitted"
    ]
    assert refusal(lambda: filings.appoint_attorney(office["dana"], office["filing"], office["mallory"])) == [
        "role_not_permitted"
    ]
    office["filing"].refresh_from_db()
    assert office["filing"].attorneys_of_record() == [office["dana"]]


def test_the_query_and_the_single_filing_check_agree_for_everyone():
    # `visible_to` (a query, for lists) and `can_access` (one loaded filing, for the
    # gate) state the same rule twice for speed; they must never disagree.
    attorney = dana()  # of record on the firm's filings
    paralegal = pat(attorney)  # sponsored by Dana
    seller = li(verified=True)  # individual applicant of her own filing
    filings.create_application(seller, filing_data(applicant=ApplicantData.for_person(seller)))
    draft(attorney, creator=paralegal)
    draft(attorney)
    people = [attorney, paralegal, seller, mallory(), examiner(), person("ursula")]
    seen = 0
    for user in people:
        visible = set(access.visible_filings(user).values_list("pk", flat=True))
        for filing in Application.objects.select_related("applicant"):
            assert access.can_access(user, filing) == (filing.pk in visible), (user.email, filing.pk)
            seen += filing.pk in visible
    assert seen == 2 + 2 + 1 + 0 + 3 + 0  # Dana, Pat, Li, Mallory, the examiner, Ursula

"""Flags (SCENARIOS.md): raised on a filing, kept once raised, never blocking."""

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts
from accounts.models import BarAdmission, User
from applications import rules
from applications import services as filings
from applications.models import SubmitterApplicant
from tests.factories import dana, draft, filing_data, person, signed_by_attorney, sunwave
from tests.plans import indexed_plan
from tmverify import audit, clock

pytestmark = pytest.mark.django_db


def flags(filing) -> set[str]:
    return set(filing.flags.values_list("code", flat=True))


@pytest.mark.parametrize(
    "street",
    [
        "PO Box 1234",
        "P.O. Box 77",
        "Post Office Box 9",
        "c/o Acme Registered Services, 1 Main St",
        "Care of Jane Doe, 5 Elm St",
        "123 Main St PMB 456",
        "100 Registered Agent Way Suite 1",
        "Virtual Office, 20 Tower Rd",
        "8 Main Street, Private Mailbox 3",
    ],
)
def test_a_mail_drop_domicile_is_flagged_but_does_not_block(street):
    attorney = dana()
    filing = signed_by_attorney(attorney, applicant=sunwave(street=street))

    assert flags(filing) == {"mail_drop_domicile"}
    assert filings.submit_filing(attorney, filing).state == "submitted"


@pytest.mark.parametrize("street", ["8 Keji Rd", "5 Boxwood Lane", "12 Coffee Plaza", "1 Pobrezje St"])
def test_an_ordinary_street_is_not_flagged(street):
    assert flags(draft(dana(), applicant=sunwave(street=street))) == set()


def test_a_flag_is_kept_once_raised_even_after_the_address_is_corrected():
    attorney = dana()
    filing = draft(attorney, applicant=sunwave(street="PO Box 1"))
    filings.update_application(attorney, filing, filing_data(applicant=sunwave(street="8 Keji Rd")))
    assert flags(filing) == {"mail_drop_domicile"}
    assert audit.trail(filing).filter(action="filing.flag_raised").count() == 1


def test_an_attorney_whose_bar_number_stands_on_another_account_is_flagged():
    attorney = dana()  # NY 4455667
    impostor = person("ivan", role="us_attorney", verified=True)
    accounts.add_bar_admission(impostor, jurisdiction="ny", number="4455667", admitted=date(2016, 1, 1))

    assert flags(signed_by_attorney(attorney)) == {"shared_attorney_credentials"}
    assert flags(signed_by_attorney(impostor)) == {"shared_attorney_credentials"}


def test_the_same_number_in_another_jurisdiction_is_not_shared_credentials():
    attorney = dana()
    other = person("ann", role="us_attorney", verified=True)
    accounts.add_bar_admission(other, jurisdiction="CA", number="4455667", admitted=date(2016, 1, 1))
    assert flags(signed_by_attorney(attorney)) == set()


def test_a_bar_number_that_turns_up_on_another_account_later_is_flagged_at_submission():
    attorney = dana()  # NY 4455667
    filing = signed_by_attorney(attorney)
    assert flags(filing) == set()
    impostor = person("ivan", role="us_attorney", verified=True)
    accounts.add_bar_admission(impostor, jurisdiction="Ny", number="4455667", admitted=date(2016, 1, 1))

    with CaptureQueriesContext(connection) as statements:
        filings.submit_filing(attorney, filing)

    assert flags(filing) == {"shared_attorney_credentials"}
    # answered by the read of the filing's contents, not asked again
    assert sum("accounts_baradmission" in s["sql"] for s in statements.captured_queries) == 1


def _flags_when(submitted: bool, attorney) -> set[str]:
    """The flags of a filing by `attorney`, as made, or as made and then submitted (where
    the answer comes with the filing's contents)."""
    filing = signed_by_attorney(attorney)
    if submitted:
        filings.submit_filing(attorney, filing)
    return flags(filing)


@pytest.mark.parametrize("submitted", [False, True], ids=["made", "submitted"])
def test_admissions_without_a_number_never_share_one(submitted):
    attorney = person("amy", role="us_attorney", verified=True)
    other = person("ann", role="us_attorney", verified=True)
    accounts.add_bar_admission(attorney, jurisdiction="CA", number="123", admitted=date(2016, 1, 1))
    for account in (attorney, other):
        accounts.add_bar_admission(account, jurisdiction="NY", number="", admitted=date(2016, 1, 1))
    assert "shared_attorney_credentials" not in _flags_when(submitted, attorney)


@pytest.mark.parametrize("submitted", [False, True], ids=["made", "submitted"])
def test_a_number_twice_on_ones_own_account_is_not_shared(submitted):
    attorney = person("amy", role="us_attorney", verified=True)
    for jurisdiction in ("NY", "ny"):
        accounts.add_bar_admission(attorney, jurisdiction=jurisdiction, number="77", admitted=date(2016, 1, 1))
    assert "shared_attorney_credentials" not in _flags_when(submitted, attorney)


def test_a_bar_number_typed_in_another_case_is_the_same_credential():
    amy = person("amy", role="us_attorney", verified=True)
    ann = person("ann", role="us_attorney", verified=True)
    accounts.add_bar_admission(amy, jurisdiction="NY", number="ab-4455", admitted=date(2016, 1, 1))
    accounts.add_bar_admission(ann, jurisdiction="ny", number="AB-4455", admitted=date(2016, 1, 1))
    assert flags(signed_by_attorney(amy)) == {"shared_attorney_credentials"}


def test_the_shared_bar_check_finds_a_credential_through_its_index():
    assert "bar_credential" in indexed_plan(BarAdmission.objects.filter(rules.bar_shared_elsewhere()))


def test_the_shared_bar_check_asks_once_for_all_of_an_attorneys_admissions():
    attorney = dana()
    for number in ("1", "2", "3"):
        accounts.add_bar_admission(attorney, jurisdiction="CA", number=number, admitted=date(2016, 1, 1))

    with CaptureQueriesContext(connection) as statements:
        assert not rules.shares_attorney_credentials(User.objects.get(pk=attorney.pk))

    assert sum("accounts_baradmission" in s["sql"] for s in statements.captured_queries) == 1


def test_submitting_for_more_than_20_distinct_applicants_in_30_days_flags_the_filer():
    attorney = dana()
    submitted = []
    for n in range(21):
        filing = signed_by_attorney(attorney, applicant=sunwave(name=f"Owner {n} Ltd", email=f"o{n}@example.test"))
        submitted.append(filings.submit_filing(attorney, filing))

    assert all("high_volume_filer" not in flags(f) for f in submitted[:20])
    assert "high_volume_filer" in flags(submitted[20])


def test_repeat_applicants_and_filings_older_than_30_days_do_not_count_toward_high_volume():
    attorney = dana()
    clock.set_today(date(2023, 4, 1))
    for n in range(10):  # more than 30 days before the rest
        filing = signed_by_attorney(attorney, applicant=sunwave(name=f"Old Owner {n}", email=f"x{n}@example.test"))
        filings.submit_filing(attorney, filing)
    clock.set_today(date(2023, 6, 1))
    last = None
    for n in range(22):  # 11 distinct applicants, each twice
        filing = signed_by_attorney(attorney, applicant=sunwave(name=f"Owner {n % 11}", email=f"o{n}@example.test"))
        last = filings.submit_filing(attorney, filing)
    assert "high_volume_filer" not in flags(last)


def test_an_applicant_counts_once_whatever_the_case_and_spacing_of_its_name():
    attorney = dana()
    for n, name in enumerate(["Sun Wave Ltd", "SUN WAVE LTD", " sun  wave ltd "]):
        filings.submit_filing(
            attorney, signed_by_attorney(attorney, applicant=sunwave(name=name, email=f"s{n}@t.test"))
        )
    assert list(SubmitterApplicant.objects.values_list("applicant_key", flat=True)) == ["sun wave ltd"]


def test_filings_submitted_before_the_upgrade_count_toward_high_volume():
    """The 0004 migration fills the per-applicant table from filings already submitted."""
    attorney = dana()
    for n in range(20):
        filing = signed_by_attorney(attorney, applicant=sunwave(name=f"Owner {n} Ltd", email=f"o{n}@example.test"))
        filings.submit_filing(attorney, filing)
    SubmitterApplicant.objects.all().delete()  # as before the upgrade
    import_module("applications.migrations.0004_submitter_applicants").backfill(django_apps, None)
    assert SubmitterApplicant.objects.filter(submitter=attorney).count() == 20
    filing = signed_by_attorney(attorney, applicant=sunwave(name="Owner 20 Ltd", email="o20@example.test"))
    assert "high_volume_filer" in flags(filings.submit_filing(attorney, filing))

"""Malformed input gets a clear error and changes nothing: no row, no audit event."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services as accounts
from accounts.models import BarAdmission, User, VerificationRequest
from tests.factories import dana, person
from tmverify.models import AuditEvent
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def unchanged():
    """Fails the test if the block it guards wrote anything."""

    def snapshot():
        return (User.objects.count(), BarAdmission.objects.count(), AuditEvent.objects.count())

    class Guard:
        def __enter__(self):
            self.before = snapshot()

        def __exit__(self, *exc):
            assert snapshot() == self.before

    return Guard()


def test_registering_with_an_unknown_role_is_a_clear_error(unchanged):
    with unchanged, pytest.raises(ValidationError, match="Unknown role 'wizard'"):
        accounts.register_user(email="w@example.test", first_name="Wiz", last_name="Ard", role="wizard")


@pytest.mark.parametrize("country", ["USA", "1A", "", "ZZ"])  # ZZ: two letters, but no country
def test_registering_with_a_bad_country_is_a_clear_error(unchanged, country):
    with unchanged, pytest.raises(ValidationError, match="two-letter ISO code"):
        accounts.register_user(email="w@example.test", first_name="Wiz", last_name="Ard", country=country)


def test_registering_an_email_twice_is_refused_whatever_its_case(unchanged):
    person("olga")
    with unchanged, pytest.raises(ValidationError, match="already exists"):
        accounts.register_user(email="OLGA@example.test", first_name="Olga", last_name="Again")


def test_choosing_an_unknown_role_is_a_clear_error_and_the_role_stays_empty(unchanged):
    newcomer = person("nia", role="")
    with unchanged, pytest.raises(ValidationError, match="Unknown role"):
        accounts.choose_role(newcomer, "emperor")
    newcomer.refresh_from_db()
    assert newcomer.role == ""


def test_verifying_as_an_unknown_role_is_refused_before_the_provider_is_asked():
    newcomer = person("nia", role="")
    with pytest.raises(Refused) as refused:
        accounts.start_verification(newcomer, method="online", role="emperor")
    assert refused.value.codes == ["role_required"]
    assert "Choose the role" in refused.value.reasons[0].message
    assert not VerificationRequest.objects.exists()


@pytest.mark.parametrize("admitted", ["2015-13-40", "10/01/2015", "", 20150110])
def test_a_bad_bar_admission_date_is_a_clear_error(unchanged, admitted):
    attorney = dana()
    with unchanged, pytest.raises(ValidationError, match="admission date"):
        accounts.add_bar_admission(attorney, jurisdiction="CA", number="1", admitted=admitted)


def test_a_bar_admission_date_in_the_future_is_a_clear_error(unchanged):
    attorney = dana()
    with unchanged, pytest.raises(ValidationError, match="cannot be in the future"):
        accounts.add_bar_admission(attorney, jurisdiction="CA", number="1", admitted="2030-01-01")


def test_a_bar_admission_date_given_as_text_is_read_as_a_date():
    admission = accounts.add_bar_admission(dana(), jurisdiction="CA", number="2", admitted="2016-05-01")
    assert admission.admitted.isoformat() == "2016-05-01"


def test_a_filer_without_an_attorney_role_may_record_a_bar_admission():
    # SCENARIOS.md v2: bar information is allowed with any role (a person who may later
    # choose an attorney role); it stands for a filing only while they are an attorney
    owner = person("olga")
    admission = accounts.add_bar_admission(owner, jurisdiction="NY", number="1", admitted="2015-01-10")
    assert list(owner.bar_admissions.all()) == [admission]

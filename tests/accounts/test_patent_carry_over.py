"""R7: a person verified on the patent side is verified here without doing it again, once
the account has confirmed the email on the patent record and the full name matches; they
choose a role when the record cannot determine one. The registry is loaded from CSV; a
file with any bad row imports nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts import services as accounts
from accounts.confirmation import make_token
from accounts.models import IdentityState, PatentIdentity, User
from applications import services as filings
from tests.factories import examiner, filing_data, person
from tmverify import audit
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db

HEADER = "email,first_name,last_name,patent_account,role,verified_on\n"


def patent_record(email="ada@example.test", last_name="Lovelace", role=""):
    return PatentIdentity.objects.create(
        email=email, first_name="Ada", last_name=last_name, role=role, verified_on=date(2022, 3, 1)
    )


def write_csv(tmp_path, body: str):
    path = tmp_path / "patent.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_patent_verified_inventor_is_verified_on_confirming_her_email_with_the_role_the_record_gives():
    patent_record(role="owner")

    ada = person("ada", role="", first_name="Ada", last_name="Lovelace")  # inventor; confirms through the link

    assert (ada.identity_state, ada.identity_method, ada.role) == ("verified", "patent", "owner")
    assert audit.trail(ada).filter(action="identity.patent_carried_over", to_state="verified").count() == 1
    filings.create_application(ada, filing_data(applicant=None))


def test_when_the_record_cannot_determine_the_role_the_person_must_choose_before_filing():
    patent_record(role="")
    ada = person("ada", role="", first_name="Ada", last_name="Lovelace")
    assert (ada.identity_state, ada.role) == ("verified", "")

    with pytest.raises(Refused) as refused:
        filings.create_application(ada, filing_data(applicant=None))
    assert refused.value.codes == ["role_required"]

    accounts.choose_role(ada, "us_attorney")
    ada.refresh_from_db()
    assert ada.role == "us_attorney"
    filings.create_application(ada, filing_data(applicant=None))


def test_a_chosen_role_is_locked_like_any_verified_role():
    patent_record(role="")
    ada = person("ada", role="", first_name="Ada", last_name="Lovelace")
    accounts.choose_role(ada, "owner")

    with pytest.raises(Refused) as refused:
        accounts.choose_role(ada, "us_attorney")

    assert refused.value.codes == ["invalid_state"]
    ada.refresh_from_db()
    assert ada.role == "owner"


def test_an_unverified_account_cannot_choose_a_role_this_way():
    olga = person("olga", role="")
    with pytest.raises(Refused) as refused:
        accounts.choose_role(olga, "owner")
    assert refused.value.codes == ["invalid_state"]


def test_a_record_with_another_last_name_is_not_carried_over():
    patent_record(last_name="Byron")
    ada = person("ada", role="", first_name="Ada", last_name="Lovelace")
    assert ada.identity_state == IdentityState.UNVERIFIED


def test_importing_the_registry_verifies_matching_unverified_accounts(tmp_path):
    ada = person("ada", role="", first_name="Ada", last_name="Lovelace")
    already = person("grace", first_name="Grace", last_name="Hopper", verified=True)
    path = write_csv(
        tmp_path,
        "ada@example.test,Ada,Lovelace,P-1,us_attorney,2022-03-01\n"
        "GRACE@example.test,Grace,Hopper,P-2,,2022-03-02\n"
        "new@example.test,New,Person,,owner,2022-03-03\n",
    )

    call_command("import_patent_identities", str(path))

    assert PatentIdentity.objects.count() == 3
    ada.refresh_from_db()
    assert (ada.identity_state, ada.identity_method, ada.role) == ("verified", "patent", "us_attorney")
    already.refresh_from_db()
    assert already.identity_method == "online"  # already verified: untouched
    newcomer = person("new", role="", first_name="New", last_name="Person")
    assert (newcomer.identity_method, newcomer.role) == ("patent", "owner")


def test_importing_the_same_file_twice_changes_nothing_more(tmp_path):
    path = write_csv(tmp_path, "ada@example.test,Ada,Lovelace,P-1,,2022-03-01\n")
    call_command("import_patent_identities", str(path))
    call_command("import_patent_identities", str(path))
    assert PatentIdentity.objects.count() == 1


def test_a_file_with_bad_rows_is_reported_by_line_and_nothing_is_imported(tmp_path):
    ada = person("ada", role="", first_name="Ada", last_name="Lovelace")
    path = write_csv(
        tmp_path,
        "ada@example.test,Ada,Lovelace,P-1,owner,2022-03-01\n"  # line 2: fine
        "not-an-email,Bob,Smith,P-2,owner,2022-03-01\n"  # line 3
        "carol@example.test,Carol,Jones,P-3,wizard,2022-03-01\n"  # line 4
        "dave@example.test,Dave,Brown,P-4,owner,01/03/2022\n"  # line 5
        "ada@example.test,Ada,Lovelace,P-1,owner,2022-03-01\n",  # line 6: twice
    )

    with pytest.raises(CommandError) as error:
        call_command("import_patent_identities", str(path))

    message = str(error.value)
    assert "nothing imported" in message
    assert "line 3: email is not an email address" in message
    assert "line 4: unknown role 'wizard'" in message
    assert "line 5: verified_on must be a date" in message
    assert "line 6: email appears twice" in message
    assert "line 2" not in message
    assert not PatentIdentity.objects.exists()
    ada.refresh_from_db()
    assert ada.identity_state == IdentityState.UNVERIFIED


def test_a_file_missing_a_column_imports_nothing(tmp_path):
    path = tmp_path / "patent.csv"
    path.write_text("email,first_name,last_name\nada@example.test,Ada,Lovelace\n", encoding="utf-8")

    with pytest.raises(CommandError, match="line 1: missing column"):
        call_command("import_patent_identities", str(path))
    assert not PatentIdentity.objects.exists()


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_patent_identities", str(tmp_path / "absent.csv"))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_patent_identities", str(binary))
    assert not PatentIdentity.objects.exists()


def test_the_import_service_raises_a_validation_error_listing_every_bad_line():
    with pytest.raises(ValidationError) as error:
        accounts.import_patent_identities(HEADER + "x,,,,,\n")
    assert error.value.messages == [
        "line 2: email is not an email address; first and last name are required; "
        "verified_on must be a date (YYYY-MM-DD)"
    ]
    assert User.objects.count() == 0


# --- issue 18, hole 6: a stranger claiming Grace Hopper's patent verification ------------------
def grace_hopper_record():
    # Grace Hopper, verified on the patent side; the registry row is imported first
    return PatentIdentity.objects.create(
        email="grace@navy.example", first_name="Grace", last_name="Hopper", role="owner", verified_on=date(2022, 3, 1)
    )


def test_a_stranger_signing_up_with_a_patent_address_and_its_last_name_is_not_verified():
    grace_hopper_record()

    # Mallory does not own grace@navy.example; she gives it with Grace's last name
    stranger = accounts.register_user(
        email="grace@navy.example", first_name="Mallory", last_name="Hopper", password="correct horse battery staple"
    )

    stranger.refresh_from_db()
    assert (stranger.identity_state, stranger.identity_method) == (IdentityState.UNVERIFIED, "")
    assert not audit.trail(stranger).filter(action="identity.patent_carried_over").exists()
    with pytest.raises(Refused) as refused:
        filings.create_application(stranger, filing_data(applicant=None))
    assert "identity_unverified" in refused.value.codes


def test_the_stranger_who_gets_hold_of_the_link_is_still_not_verified():
    # even if Grace pressed the button of the link the stranger's sign-up mailed her
    grace_hopper_record()
    stranger = accounts.register_user(email="grace@navy.example", first_name="Mallory", last_name="Hopper")

    stranger = accounts.confirm_email(make_token(stranger))

    assert (stranger.identity_state, stranger.identity_method, stranger.role) == (IdentityState.UNVERIFIED, "", "")
    assert not audit.trail(stranger).filter(action="identity.patent_carried_over").exists()


def test_grace_is_verified_when_she_confirms_her_address_not_when_she_signs_up():
    grace_hopper_record()
    grace = accounts.register_user(email="grace@navy.example", first_name="Grace", last_name="Hopper")
    assert User.objects.get(pk=grace.pk).identity_state == IdentityState.UNVERIFIED

    grace = accounts.confirm_email(make_token(grace))

    assert (grace.identity_state, grace.identity_method, grace.role) == ("verified", "patent", "owner")
    event = audit.trail(grace).get(action="identity.patent_carried_over")
    assert (event.from_state, event.to_state) == ("unverified", "verified")


@pytest.mark.parametrize(
    ("on_record", "typed"),
    [
        (("Grace Brewster", "Hopper"), ("grace brewster", "HOPPER")),  # case
        (("Grace Brewster", "Hopper"), ("  Grace \t Brewster ", "Hopper  ")),  # spaces
        (("Grace Brewster", "Hopper"), ("Ｇｒａｃｅ Ｂｒｅｗｓｔｅｒ", "Ｈｏｐｐｅｒ")),  # fullwidth letters (NFKC)
        (("Jörg", "Groß"), ("JÖRG", "GROSS")),  # case-folded: ß is ss
        (("Jörg", "Groß"), ("Jo\u0308rg", "Groß")),  # o and a combining diaeresis is ö (NFKC)
    ],
)
def test_names_are_compared_after_normalisation(on_record, typed):
    PatentIdentity.objects.create(
        email="inventor@navy.example",
        first_name=on_record[0],
        last_name=on_record[1],
        role="owner",
        verified_on=date(2022, 3, 1),
    )
    account = accounts.register_user(email="inventor@navy.example", first_name=typed[0], last_name=typed[1])

    account = accounts.confirm_email(make_token(account))

    assert (account.identity_state, account.identity_method) == ("verified", "patent")


@pytest.mark.parametrize(
    ("first", "last"),
    [("Mallory", "Hopper"), ("Grace", "Hooper"), ("Grace M.", "Hopper"), ("G", "Hopper")],
)
def test_a_confirmed_address_with_another_full_name_gets_no_carry_over(first, last):
    grace_hopper_record()
    account = accounts.register_user(email="grace@navy.example", first_name=first, last_name=last)

    account = accounts.confirm_email(make_token(account))

    assert (account.identity_state, account.identity_method) == (IdentityState.UNVERIFIED, "")


def test_an_office_account_never_gets_the_carry_over():
    grace_hopper_record()
    erin = examiner()  # the office's tooling made her account, then her address changed to Grace's
    User.objects.filter(pk=erin.pk).update(
        email="grace@navy.example", first_name="Grace", last_name="Hopper", email_confirmed_at=None
    )

    erin = accounts.confirm_email(make_token(User.objects.get(pk=erin.pk)))

    assert erin.identity_state == IdentityState.UNVERIFIED


def test_the_import_carries_over_only_to_accounts_that_confirmed_the_address(tmp_path):
    person("ada", role="", first_name="Ada", last_name="Lovelace")  # confirmed
    grace = person("grace", role="", first_name="Grace", last_name="Hopper", confirmed=False)
    mallory = person("mallory", role="", first_name="Mallory", last_name="Lovelace")  # confirmed, another name
    path = write_csv(
        tmp_path,
        "ada@example.test,Ada,Lovelace,P-1,owner,2022-03-01\n"
        "grace@example.test,Grace,Hopper,P-2,owner,2022-03-02\n"
        "mallory@example.test,Ada,Lovelace,P-3,owner,2022-03-03\n",
    )

    result = accounts.import_patent_identities(path.read_text())

    assert (result.imported, result.carried_over) == (3, 1)
    states = dict(User.objects.values_list("email", "identity_method"))
    assert states == {"ada@example.test": "patent", "grace@example.test": "", "mallory@example.test": ""}

    # Grace confirms later: the carry-over happens then
    grace = accounts.confirm_email(make_token(grace))
    assert grace.identity_method == "patent"
    mallory.refresh_from_db()
    assert mallory.identity_state == IdentityState.UNVERIFIED

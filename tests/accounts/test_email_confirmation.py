"""Email confirmation (issue 18, hole 6; docs/DECISIONS.md 46-48): a signed, expiring,
single-use link proves the account receives mail at its address. Until then it may sign
in, but not verify or file. Sign-up never says whether an address has an account."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connections

from accounts import confirmation
from accounts import services as accounts
from accounts.models import IdentityState, PaperVerification, User, UserManager, VerificationRequest
from applications import services as filings
from applications.models import Application
from tests.factories import dana, examiner, filing_data, person, refusal
from tmverify import audit, clock

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-77"


def link_in(message) -> str:
    return next(word for word in message.body.split() if "/accounts/confirm/" in word)


def token_in(message) -> str:
    return link_in(message).rstrip("/").rsplit("/", 1)[-1]


def sign_up(email="olga@example.test", first_name="Olga", last_name="Tester", password=PASSWORD):
    return accounts.sign_up(email=email, first_name=first_name, last_name=last_name, password=password, country="US")


# --- a new account ------------------------------------------------------------------------
def test_a_new_account_is_unconfirmed_and_is_mailed_its_link_when_the_sign_up_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        olga = sign_up()
    assert mail.outbox == []  # nothing leaves before the account is committed

    for callback in callbacks:
        callback()

    assert olga.email_confirmed_at is None
    assert [m.to for m in mail.outbox] == [["olga@example.test"]]
    assert "Confirm your email address" in mail.outbox[0].subject
    assert link_in(mail.outbox[0]).startswith("http://127.0.0.1:8000/accounts/confirm/")
    assert audit.trail(olga).filter(action="account.confirmation_sent").count() == 1


def test_the_link_carries_no_personal_data(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(email="olga.tester@example.test")
    link = link_in(mail.outbox[0])
    decoded = signing.b64_decode(token_in(mail.outbox[0]).split(":")[0].encode()).decode()

    for personal in ("olga", "tester", "example"):
        assert personal not in link.lower() and personal not in decoded.lower()


def test_confirming_through_the_link_records_when_and_audits_it():
    olga = person("olga", confirmed=False)

    confirmed = accounts.confirm_email(confirmation.make_token(olga))

    assert confirmed.email_confirmed_at == clock.now()
    assert User.objects.get(pk=olga.pk).has_confirmed_email
    assert audit.trail(olga).filter(action="account.email_confirmed").count() == 1


def test_a_link_works_once():
    olga = person("olga", confirmed=False)
    token = confirmation.make_token(olga)
    accounts.confirm_email(token)
    first = User.objects.get(pk=olga.pk).email_confirmed_at

    clock.advance(timedelta(hours=1))
    with pytest.raises(ValidationError, match="already used"):
        accounts.confirm_email(token)

    assert User.objects.get(pk=olga.pk).email_confirmed_at == first
    assert accounts.account_to_confirm(token) is None


def test_a_link_works_for_three_days_and_not_a_second_more():
    olga, nina = person("olga", confirmed=False), person("nina", confirmed=False)
    olgas, ninas = confirmation.make_token(olga), confirmation.make_token(nina)

    clock.advance(timedelta(days=3))
    accounts.confirm_email(olgas)  # exactly 3 days old: still good ("older" is strict)
    clock.advance(timedelta(seconds=1))
    with pytest.raises(ValidationError):
        accounts.confirm_email(ninas)

    assert User.objects.get(pk=olga.pk).has_confirmed_email
    assert not User.objects.get(pk=nina.pk).has_confirmed_email


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature altered
        lambda token: token.replace(token.split(":")[0], signing.b64_encode(b'{"u":1,"b":"x","t":0}').decode()),
        lambda token: signing.Signer(salt="another-use").sign_object({"u": 1}),  # signed for something else
        lambda token: "made-up",
        lambda token: "",
    ],
)
def test_a_forged_or_altered_link_confirms_nothing_and_leaves_no_event(forge):
    olga = person("olga", confirmed=False)
    events = audit.trail(olga).count()

    with pytest.raises(ValidationError):
        accounts.confirm_email(forge(confirmation.make_token(olga)))

    assert not User.objects.get(pk=olga.pk).has_confirmed_email
    assert audit.trail(olga).count() == events


def test_a_link_for_an_address_the_account_no_longer_has_confirms_nothing():
    olga = person("olga", confirmed=False)
    token = confirmation.make_token(olga)
    User.objects.filter(pk=olga.pk).update(email="olga.new@example.test")  # the office changed it

    with pytest.raises(ValidationError):
        accounts.confirm_email(token)
    assert not User.objects.get(pk=olga.pk).has_confirmed_email


# --- until confirmed: sign in, but not verify or file ---------------------------------------
def test_an_unconfirmed_account_cannot_verify_by_any_method():
    olga = person("olga", confirmed=False)

    assert refusal(lambda: accounts.start_verification(olga, method="online", role="owner")) == ["email_unconfirmed"]
    assert refusal(lambda: accounts.start_verification(olga, method="video", role="owner")) == ["email_unconfirmed"]
    assert refusal(
        lambda: accounts.file_paper_verification(olga, role="owner", document_country="US", document_number="P-1")
    ) == ["email_unconfirmed"]

    assert not VerificationRequest.objects.exists() and not PaperVerification.objects.exists()
    assert User.objects.get(pk=olga.pk).identity_state == IdentityState.UNVERIFIED


def test_an_unconfirmed_account_cannot_file_even_before_verification_is_mandatory():
    clock.set_today(clock.today().replace(year=2022, month=3, day=1))  # no one needs to verify yet (R2)
    olga = person("olga", confirmed=False)

    assert refusal(lambda: filings.create_application(olga, filing_data(applicant=None))) == ["email_unconfirmed"]
    assert not Application.objects.exists()


def test_a_verified_account_that_never_confirmed_its_email_cannot_file_until_it_does():
    # as migration 0010 leaves an account made before confirmation existed
    lawyer = dana()
    User.objects.filter(pk=lawyer.pk).update(email_confirmed_at=None)
    lawyer.refresh_from_db()

    assert refusal(lambda: filings.create_application(lawyer, filing_data())) == ["email_unconfirmed"]

    assert accounts.resend_email_confirmation(lawyer)
    accounts.confirm_email(confirmation.make_token(lawyer))
    lawyer.refresh_from_db()
    assert filings.create_application(lawyer, filing_data()).pk


def test_an_office_account_needs_no_confirmation_and_is_told_only_that_it_does_not_file():
    erin = examiner()
    User.objects.filter(pk=erin.pk).update(email_confirmed_at=None)  # made by office tooling
    erin = User.objects.get(pk=erin.pk)

    assert refusal(lambda: accounts.start_verification(erin, method="online", role="owner")) == ["role_not_permitted"]
    assert refusal(lambda: filings.create_application(erin, filing_data())) == ["role_not_permitted"]


# --- sign-up tells no one whether an address has an account -------------------------------
def test_signing_up_with_a_taken_address_makes_no_account_and_mails_its_owner(django_capture_on_commit_callbacks):
    olga = person("olga")
    with django_capture_on_commit_callbacks(execute=True):
        answer = sign_up(email=" OLGA@example.test ", first_name="Mallory", last_name="Stone")

    assert answer is None
    assert User.objects.count() == 1
    assert User.objects.get(pk=olga.pk).first_name == "Olga"  # nothing of hers changed
    [message] = mail.outbox
    assert message.to == ["olga@example.test"]
    assert "Someone tried to create a tmverify account with this email address" in message.body
    assert "http://127.0.0.1:8000/accounts/login/" in message.body
    assert "http://127.0.0.1:8000/accounts/password/reset/" in message.body
    assert "/accounts/confirm/" not in message.body
    assert audit.trail(olga).filter(action="account.sign_up_attempted").count() == 1


def test_a_password_is_hashed_once_whether_or_not_the_address_is_taken(monkeypatch):
    person("olga")
    hashed = []
    encode = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *a, **k: hashed.append(1) or encode(self, *a, **k))

    sign_up(email="olga@example.test")
    taken = len(hashed)
    sign_up(email="new@example.test")

    assert taken == 1 and len(hashed) == 2


def test_an_address_gets_at_most_three_of_its_own_mails_an_hour(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        olga = sign_up()  # 1: its confirmation link
        assert accounts.resend_email_confirmation(olga)  # 2
        sign_up()  # 3: someone tries the address
        assert not accounts.resend_email_confirmation(olga)  # held back
        sign_up()  # held back: no mail, no event
    assert len(mail.outbox) == 3
    assert audit.trail(olga).filter(action="account.sign_up_attempted").count() == 1

    clock.advance(timedelta(hours=1, seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert accounts.resend_email_confirmation(olga)
    assert len(mail.outbox) == 4


def test_a_confirmed_account_is_sent_no_new_link(django_capture_on_commit_callbacks):
    olga = person("olga")
    sent = audit.trail(olga).filter(action="account.confirmation_sent").count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert not accounts.resend_email_confirmation(olga)

    assert callbacks == [] and mail.outbox == []
    assert audit.trail(olga).filter(action="account.confirmation_sent").count() == sent


def test_the_loser_of_two_sign_ups_of_one_address_at_once_is_answered_as_taken(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The race made certain: the loser's check finds no account (the winner's is not yet
    committed); the database refuses its insert, and it is answered as a taken address."""
    olga = person("olga")
    blind = iter([True])
    by_email = UserManager.by_email
    monkeypatch.setattr(
        UserManager, "by_email", lambda self, e: self.none() if next(blind, False) else by_email(self, e)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert sign_up(email="olga@example.test") is None

    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["olga@example.test"]]
    assert audit.trail(olga).filter(action="account.sign_up_attempted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_sign_ups_of_one_new_address_at_once_make_one_account_and_no_error():
    barrier, crashes, answers = threading.Barrier(8), [], []

    def attempt():
        try:
            barrier.wait()
            answers.append(sign_up(email="rush@example.test"))
        except Exception as exc:  # an IntegrityError reaching the page would be a 500
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not crashes, crashes
    assert User.objects.filter(email="rush@example.test").count() == 1
    assert sum(answer is not None for answer in answers) == 1
    assert audit.verify_chain().ok

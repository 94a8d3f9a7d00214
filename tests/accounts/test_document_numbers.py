"""Document numbers that look alike (issue 18, hole 5): a number is fingerprinted in its
normal form (NFKC, other digits and look-alike letters folded to A-Z and 0-9, spaces and
dashes dropped), and one with anything else left is refused, so `Ｄ１０００００１`, Arabic-
Indic digits or a Cherokee letter cannot pass for a fresh document next to D1000001."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import services as accounts
from accounts.models import IdentityState, PaperVerification, User, VerificationAttempt
from tests.factories import examiner, person, provider_answer, through_the_provider, upload, verify
from tmverify import audit, crypto
from tmverify.document_numbers import DocumentNumberError, masked, normal_number
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db

FULLWIDTH = "\uff24\uff11\uff10\uff10\uff10\uff10\uff10\uff11"  # Ｄ１０００００１
ARABIC_INDIC = "D\u0661\u0660\u0660\u0660\u0660\u0660\u0661"  # D١٠٠٠٠٠١
CHEROKEE = "\u13a01000001"  # Ꭰ (CHEROKEE LETTER A) looks like D
LOOKALIKES = {"fullwidth": FULLWIDTH, "arabic-indic digits": ARABIC_INDIC, "cherokee D": CHEROKEE}


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


# --- the normal form ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        FULLWIDTH,
        ARABIC_INDIC,
        CHEROKEE,
        "d1000001",
        "D 100-0001",
        "D\u2013100\u00a00001",  # en dash, no-break space
        "D\u06f1\u0966\u0e500001",  # Persian, Devanagari and Thai digits
        "\u24b9" + "1000001",  # Ⓓ, folded by NFKC
        "\uab70" + "1000001",  # Cherokee small letter a, upper-cased to Ꭰ
    ],
)
def test_lookalike_spellings_have_the_normal_form_of_d1000001(typed):
    assert normal_number(typed) == "D1000001"
    assert crypto.fingerprint("US", typed) == crypto.fingerprint("US", "D1000001")


def test_cyrillic_and_greek_capitals_that_look_latin_fold_to_them():
    assert normal_number("\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425") == "ABEKMHOPCTX"
    assert normal_number("\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7") == (
        "ABEZHIKMNOPTYX"
    )
    assert normal_number("\u0440\u0441") == "PC"  # small letters upper-case first


@pytest.mark.parametrize(
    "typed",
    ["D100#001", "D1000001.", "D10\u03a90001", "D1000\u200b001", "\U0001f600", "", "  - "],
)
def test_anything_left_outside_a_to_z_and_0_to_9_is_refused(typed):
    with pytest.raises(DocumentNumberError):
        normal_number(typed)


def test_the_message_names_the_characters_refused():
    with pytest.raises(DocumentNumberError) as error:
        normal_number("D10\u03a90001")
    assert "A-Z" in str(error.value) and "U+03A9" in str(error.value)


def test_a_number_is_masked_but_for_its_last_four():
    assert masked("D1000001") == "•••0001"
    assert masked("E12") == "•••"


# --- through the service ----------------------------------------------------------------------
@pytest.mark.parametrize("typed", LOOKALIKES.values(), ids=list(LOOKALIKES))
def test_a_lookalike_number_next_to_a_verified_d1000001_goes_to_fraud_hold(typed):
    olga = person("olga", verified=True, document="D1000001")
    oleg = person("oleg")

    assert refusal(lambda: verify(oleg, document=typed)) == ["duplicate_identity"]

    oleg.refresh_from_db()
    assert (oleg.identity_state, oleg.duplicate_of) == (IdentityState.FRAUD_HOLD, olga)


@pytest.mark.parametrize("typed", LOOKALIKES.values(), ids=list(LOOKALIKES))
def test_a_lookalike_number_on_a_paper_form_goes_to_fraud_hold_when_approved(typed):
    olga = person("olga", verified=True, document="D1000001")
    oleg = person("oleg")
    paper = accounts.file_paper_verification(oleg, role="owner", document_country="US", document_number=typed)

    assert refusal(lambda: accounts.review_paper_verification(examiner(), paper, approve=True)) == [
        "duplicate_identity"
    ]

    oleg.refresh_from_db()
    assert (oleg.identity_state, oleg.duplicate_of) == (IdentityState.FRAUD_HOLD, olga)


def test_a_provider_result_with_a_number_outside_the_alphabet_is_refused_and_changes_nothing():
    oleg = person("oleg")
    request = accounts.start_verification(oleg, method="online", role="owner")
    token = provider_answer(request, document_country="US", document_number="D10\u03a90001")

    with pytest.raises(Refused) as refused:
        accounts.complete_verification(oleg, token)

    assert refused.value.codes == ["verification_failed"]
    assert "A-Z" in refused.value.reasons[0].message
    oleg.refresh_from_db()
    assert (oleg.identity_state, oleg.document_fingerprint, oleg.document_ciphertext) == ("unverified", "", "")
    assert not VerificationAttempt.objects.filter(user=oleg).exists()
    request.refresh_from_db()
    assert request.used_at is None
    assert audit.trail(oleg).filter(action="identity.verify.refused").count() == 1


def test_a_paper_form_with_a_number_outside_the_alphabet_is_refused_and_changes_nothing():
    oleg = person("oleg")
    with pytest.raises(ValidationError) as error:
        accounts.file_paper_verification(oleg, role="owner", document_country="US", document_number="D100#001")
    assert error.value.code == "document_number"
    oleg.refresh_from_db()
    assert oleg.identity_state == "unverified"
    assert not PaperVerification.objects.exists()


# --- through the pages -------------------------------------------------------------------------
def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("typed", LOOKALIKES.values(), ids=list(LOOKALIKES))
def test_a_lookalike_number_through_the_provider_pages_goes_to_fraud_hold(typed, builtin_provider):
    olga = person("olga", verified=True, document="D1000001")
    oleg = person("oleg")
    client = signed_in(oleg)

    response = through_the_provider(client, document_country="US", document_number=typed)

    assert "duplicate_identity" in response.content.decode()
    oleg.refresh_from_db()
    assert (oleg.identity_state, oleg.duplicate_of) == (IdentityState.FRAUD_HOLD, olga)


def test_a_number_outside_the_alphabet_through_the_provider_pages_is_refused_with_a_reason(builtin_provider):
    oleg = person("oleg")
    client = signed_in(oleg)

    response = through_the_provider(client, document_country="US", document_number="D100#001")

    html = response.content.decode()
    assert response.status_code == 200
    assert "verification_failed" in html and "A-Z" in html
    oleg.refresh_from_db()
    assert oleg.identity_state == "unverified"


def test_the_paper_form_page_says_what_is_wrong_with_the_number():
    oleg = person("oleg")
    response = signed_in(oleg).post(
        "/accounts/identity/paper/",
        {"role": "owner", "document_country": "US", "document_number": "D100#001", "scan": upload()},
    )

    assert response.status_code == 200
    assert "A-Z" in " ".join(response.context["form"].errors["document_number"])
    oleg.refresh_from_db()
    assert oleg.identity_state == "unverified"
    assert not PaperVerification.objects.exists()


# --- stored fingerprints are recomputed (accounts migration 0008) ---------------------------
def test_the_migration_recomputes_stored_fingerprints_in_the_normal_form():
    migration = importlib.import_module("accounts.migrations.0008_normal_document_fingerprints")
    # Olga verified with the fullwidth spelling before issue 18, Oleg filed a paper form
    # with the Cherokee one: as stored then, the two fingerprints and D1000001's all differ
    olga = person("olga", verified=True, document=FULLWIDTH)
    oleg = person("oleg")
    paper = accounts.file_paper_verification(oleg, role="owner", document_country="US", document_number=CHEROKEE)
    stored = {"olga": migration._old_fingerprint("US", FULLWIDTH), "paper": migration._old_fingerprint("US", CHEROKEE)}
    assert len({*stored.values(), crypto.fingerprint("US", "D1000001")}) == 3
    User.objects.filter(pk=olga.pk).update(document_fingerprint=stored["olga"])
    PaperVerification.objects.filter(pk=paper.pk).update(document_fingerprint=stored["paper"])

    migration.forwards(apps, None)

    normal = crypto.fingerprint("US", "D1000001")
    assert User.objects.get(pk=olga.pk).document_fingerprint == normal
    assert PaperVerification.objects.get(pk=paper.pk).document_fingerprint == normal
    # and the review now sees the duplicate
    assert refusal(lambda: accounts.review_paper_verification(examiner(), paper, approve=True)) == [
        "duplicate_identity"
    ]
    oleg.refresh_from_db()
    assert (oleg.identity_state, oleg.duplicate_of) == (IdentityState.FRAUD_HOLD, olga)

    migration.backwards(apps, None)
    assert User.objects.get(pk=olga.pk).document_fingerprint == stored["olga"]
    assert PaperVerification.objects.get(pk=paper.pk).document_fingerprint == stored["paper"]

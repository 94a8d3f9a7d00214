"""Signatures (R12-R15): in the form, by emailed link, or a pen-and-ink upload; always by
the named signer personally, and only by someone who may sign."""

from pathlib import Path

import pytest
from django.conf import settings

from applications import services as filings
from applications.models import Application, Flag, Signature
from applications.services import ApplicantData
from tests.factories import (
    PNG_PAGE,
    filing_data,
    li,
    pat,
    person,
    signed_by_attorney,
    upload,
)
from tmverify import audit, clock
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


def refusal(action) -> list[str]:
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


# --- in the form (R12) ----------------------------------------------------------------
@pytest.mark.parametrize("text", ["/Dana Kim/", "/dk/", "/ Dana /"])
def test_the_attorney_of_record_signs_in_the_form_between_slashes(attorney, filing, text):
    signature = filings.sign_application(attorney, filing, signature=text, title="Attorney of record")

    filing.refresh_from_db()
    assert filing.state == "signed"
    assert (signature.signer, signature.method, signature.text) == (attorney, "form", text.strip())
    assert signature.signed_on == clock.today() and signature.declaration_accepted
    event = audit.trail(filing).get(action="filing.signed")
    assert (event.from_state, event.to_state, event.data["method"]) == ("draft", "signed", "form")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Dana Kim", "Attorney"),
        ("/Dana Kim", "Attorney"),
        ("//", "Attorney"),
        ("/Dana/Kim/", "Attorney"),
        ("/Dana Kim/", " "),
    ],
)
def test_a_signature_not_between_two_slashes_or_without_a_title_is_refused(attorney, filing, text, title):
    assert refusal(lambda: filings.sign_application(attorney, filing, signature=text, title=title)) == [
        "signature_format"
    ]
    filing.refresh_from_db()
    assert (filing.state, filing.signatures.count()) == ("draft", 0)


def test_the_declaration_must_be_accepted(attorney, filing):
    with pytest.raises(Refused) as refused:
        filings.sign_application(attorney, filing, signature="/Dana Kim/", title="Attorney", declaration_accepted=False)
    assert refused.value.codes == ["signature_format"]
    assert "declaration" in refused.value.reasons[0].message
    assert not Signature.objects.exists()


# --- personally, by someone who may sign (R13, R14) ---------------------------------------
def test_a_paralegal_entering_the_attorneys_signature_is_refused_and_the_filing_flagged(attorney, filing):
    staff = pat(attorney)  # Dana's paralegal

    assert refusal(
        lambda: filings.sign_application(staff, filing, signature="/Dana Kim/", title="Attorney", signer=attorney)
    ) == ["signature_not_personal"]

    filing.refresh_from_db()
    assert (filing.state, filing.signatures.count()) == ("draft", 0)
    assert list(filing.flags.values_list("code", flat=True)) == ["signature_entered_by_other"]
    assert audit.trail(filing).filter(action="filing.flag_raised").count() == 1
    # the flag is kept once, however often it happens
    with pytest.raises(Refused):
        filings.sign_application(staff, filing, signature="/Dana Kim/", title="Attorney", signer=attorney)
    assert Flag.objects.filter(application=filing).count() == 1


def test_an_attorney_entering_the_owners_signature_is_refused_too(attorney, filing):
    assert refusal(
        lambda: filings.sign_application(attorney, filing, signature="/Li Wei/", title="CEO", signer=li())
    ) == ["signature_not_personal"]
    assert filing.flags.filter(code="signature_entered_by_other").exists()


def test_support_staff_can_never_sign_even_for_themselves(attorney, filing):
    staff = pat(attorney)
    assert refusal(lambda: filings.sign_application(staff, filing, signature="/Pat Lee/", title="Paralegal")) == [
        "signatory_not_authorized"
    ]


def test_an_attorney_creator_not_of_record_cannot_sign(attorney):
    ann = person("ann", role="us_attorney", verified=True)  # prepared the filing, Dana is of record
    filing = filings.create_application(ann, filing_data(), attorney=attorney)
    # her access came only through representation, and she does not represent (DECISIONS 9)
    assert refusal(lambda: filings.sign_application(ann, filing, signature="/Ann Tester/", title="Attorney")) == [
        "forbidden"
    ]


def test_the_individual_applicant_signs_in_the_form_once_verified(attorney):
    olga = person("olga", verified=True)  # owner filing in her own name, represented by Dana
    filing = filings.create_application(
        attorney, filing_data(applicant=ApplicantData.for_person(olga)), attorney=attorney
    )
    filings.sign_application(olga, filing, signature="/Olga Tester/", title="Owner")
    assert Application.objects.get(pk=filing.pk).state == "signed"


def test_an_unverified_owner_cannot_sign_in_the_form_after_the_mandatory_date(attorney):
    seller = li()
    filing = filings.create_application(
        attorney, filing_data(applicant=ApplicantData.for_person(seller)), attorney=attorney
    )
    assert refusal(lambda: filings.sign_application(seller, filing, signature="/Li Wei/", title="Owner")) == [
        "identity_unverified"
    ]


def test_a_submitted_filing_cannot_be_signed(attorney):
    filing = filings.submit_filing(attorney, signed_by_attorney(attorney))
    assert refusal(lambda: filings.sign_application(attorney, filing, signature="/Dana Kim/", title="Attorney")) == [
        "invalid_state"
    ]
    assert filing.signatures.count() == 1


def test_editing_a_signed_filing_voids_the_signature_and_returns_it_to_draft(attorney):
    filing = signed_by_attorney(attorney)
    filings.update_application(attorney, filing, filing_data(mark="SUNWAVE PRO"))
    filing.refresh_from_db()
    assert filing.state == "draft"
    assert [r.code for r in filings.can_submit(attorney, filing)] == ["signature_required"]


# --- pen-and-ink upload (R15) ------------------------------------------------------------
def test_a_pen_and_ink_page_is_stored_privately_under_a_random_name(attorney, filing):
    signature = filings.sign_application(
        attorney, filing, signature="", title="Attorney", upload=upload(), upload_shows_declaration=True
    )

    assert (signature.method, signature.upload_content_type) == ("upload", "application/pdf")
    assert signature.upload_shows_declaration
    assert signature.upload_name != "signature.pdf" and signature.upload_name.endswith(".pdf")
    stored = Path(settings.PRIVATE_UPLOAD_ROOT) / signature.upload_name
    assert stored.read_bytes().startswith(b"%PDF-")
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    filing.refresh_from_db()
    assert filing.state == "signed"


def test_a_png_page_is_accepted_by_its_content_whatever_its_name(attorney, filing):
    signature = filings.sign_application(
        attorney,
        filing,
        signature="",
        title="Attorney",
        upload=upload(PNG_PAGE, name="scan.pdf", content_type="application/pdf"),
        upload_shows_declaration=True,
    )
    assert (signature.upload_content_type, signature.upload_name[-4:]) == ("image/png", ".png")


def test_a_pen_and_ink_page_needs_the_signers_confirmation_that_it_shows_the_declaration(attorney, filing):
    with pytest.raises(Refused) as refused:
        filings.sign_application(attorney, filing, signature="", title="Attorney", upload=upload())

    assert refused.value.codes == ["signature_format"]
    assert "declaration text" in refused.value.reasons[0].message
    assert not Signature.objects.exists()
    assert not Path(settings.PRIVATE_UPLOAD_ROOT).exists() or not any(Path(settings.PRIVATE_UPLOAD_ROOT).iterdir())


def test_a_pen_and_ink_page_needs_a_title(attorney, filing):
    assert refusal(
        lambda: filings.sign_application(
            attorney, filing, signature="", title="", upload=upload(), upload_shows_declaration=True
        )
    ) == ["signature_format"]


def test_a_refused_upload_signature_leaves_no_file_behind(attorney, filing):
    staff = pat(attorney)
    with pytest.raises(Refused):
        filings.sign_application(
            staff, filing, signature="", title="Paralegal", upload=upload(), upload_shows_declaration=True
        )
    root = Path(settings.PRIVATE_UPLOAD_ROOT)
    assert not root.exists() or not any(root.iterdir())

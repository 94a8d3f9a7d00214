"""Shared personas and factories for the identity and filing tests: plain functions.

Who is who:
- Li Wei: Chinese seller (owner, domiciled in CN), not verified; signs by link.
- Dana Kim: US attorney with NY bar information, verified online.
- Pat Lee: Dana's paralegal (support staff), sponsored by Dana.
- Mallory Stone: logged in and verified, but must see nothing of Li's.
- Erin Ross: office examiner (reviews paper forms).
- Sam Okafor: office supervisor (fraud holds, suspensions).
"""

from datetime import date
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import claims as provider_claims
from accounts import services as accounts
from accounts.models import User
from accounts.office import make_office_staff
from applications import services as filings
from applications.models import Application
from applications.services import ApplicantData, FilingData, GoodsData
from provider.issuer import SimulatedProvider
from simulator.identity import confirm_email_as_its_owner, verify_with_simulated_provider
from tmverify.reasons import Refused

_documents = count(1)

PDF_PAGE = b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n"
PNG_PAGE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def person(
    key: str,
    *,
    role: str = "owner",
    country: str = "US",
    first_name: str | None = None,
    last_name: str = "Tester",
    verified: bool = False,
    document: str | None = None,
    confirmed: bool = True,
) -> User:
    """An account `key@example.test` that has confirmed its email through the mailed link
    (unless `confirmed=False`); verified online with its own document when asked."""
    user = accounts.register_user(
        email=f"{key}@example.test",
        first_name=first_name or key.title(),
        last_name=last_name,
        role=role,
        country=country,
        password="correct horse battery staple",
    )
    if confirmed:
        user = confirm_email_as_its_owner(user)
    if verified:
        verify(user, document=document)
        user.refresh_from_db()
    return user


def verify(user: User, *, document: str | None = None, passed: bool = True, method: str = "online", role=None):
    """One full round trip through the simulated provider."""
    return verify_with_simulated_provider(
        user,
        method=method,
        role=user.role if role is None else role,
        document_country=user.country.code,
        document_number=document or f"DOC-{next(_documents):06d}",
        passed=passed,
    )


def li(**kwargs) -> User:
    # Chinese seller: an owner domiciled in China, represented, not verified
    return person("li", first_name="Li", last_name="Wei", country="CN", **kwargs)


def dana(**kwargs) -> User:
    # US attorney of record, verified, with complete NY bar information
    kwargs.setdefault("verified", True)
    user = person("dana", role="us_attorney", first_name="Dana", last_name="Kim", **kwargs)
    accounts.add_bar_admission(user, jurisdiction="NY", number="4455667", admitted=date(2015, 1, 10))
    return user


def pat(attorney: User | None = None, **kwargs) -> User:
    # Dana's paralegal: support staff, sponsored by `attorney` when one is given
    user = person("pat", role="support_staff", first_name="Pat", last_name="Lee", **kwargs)
    if attorney is not None:
        accounts.sponsor_staff(attorney, user)
    return user


def mallory(**kwargs) -> User:
    # logged in and verified, unrelated to every filing: must see nothing of Li's
    kwargs.setdefault("verified", True)
    return person("mallory", first_name="Mallory", last_name="Stone", **kwargs)


def examiner() -> User:
    # office examiner: reviews paper forms, no sanctions
    user = person("erin", role="", first_name="Erin", last_name="Ross")
    make_office_staff(user, "examiner")
    return user


def supervisor() -> User:
    # office supervisor: reviews, fraud holds, suspensions
    user = person("sam", role="", first_name="Sam", last_name="Okafor")
    make_office_staff(user, "supervisor")
    return user


def sunwave(**overrides) -> ApplicantData:
    """Li's company: a corporation domiciled in Shenzhen."""
    fields = {
        "name": "Shenzhen Sunwave Co., Ltd.",
        "entity": "corporation",
        "citizenship": "CN",
        "email": "legal@sunwave.example",
        "street": "8 Keji Rd",
        "city": "Shenzhen",
        "country": "CN",
    }
    fields.update(overrides)
    return ApplicantData(**fields)


def filing_data(applicant: ApplicantData | None = None, **overrides) -> FilingData:
    """A complete 1(b) application for SUNWAVE in class 9, every entry from the ID Manual."""
    fields = {
        "applicant": applicant if applicant is not None else sunwave(),
        "mark": "SUNWAVE",
        "basis": "1b",
        "goods": [GoodsData(9, "Portable solar chargers", True)],
    }
    fields.update(overrides)
    return FilingData(**fields)


def draft(attorney: User, creator: User | None = None, **overrides) -> Application:
    """A complete draft for Sunwave with `attorney` of record, created by `creator`."""
    return filings.create_application(creator or attorney, filing_data(**overrides), attorney=attorney)


def signed_by_attorney(attorney: User, **overrides) -> Application:
    """A draft the attorney of record has signed in the form: ready to submit."""
    application = draft(attorney, **overrides)
    filings.sign_application(attorney, application, signature=f"/{attorney.full_name}/", title="Attorney of record")
    application.refresh_from_db()
    return application


def upload(content: bytes = PDF_PAGE, name: str = "signature.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(action) -> list[str]:
    """The codes `action()` is refused with (it must be refused)."""
    with pytest.raises(Refused) as refused:
        action()
    return refused.value.codes


def issued_before_labels(receipt, **changes):
    """The receipt as the office signed it before labels (version 2): the bare digests, no
    audit head; `changes` replace fields of the payload first (a field set to None goes)."""
    from applications.models import Receipt
    from tmverify import crypto

    payload = {name: value for name, value in receipt.payload.items() if name != "audit_head"}
    for name, value in changes.items():
        if value is None:
            payload.pop(name, None)
        else:
            payload[name] = value
    digests = {name: crypto.sha256_hex(crypto.canonical_json(value)) for name, value in payload.items()}
    Receipt.objects.filter(pk=receipt.pk).update(
        payload=payload,
        field_digests=digests,
        signature=crypto.sign(crypto.office_key(), crypto.canonical_json({"receipt_field_digests": digests})),
    )
    return Receipt.objects.get(pk=receipt.pk)


def provider_answer(request, *, passed: bool = True, document_country: str = "CN", document_number: str = "E12345678"):
    """What the simulated provider answers `request` (a VerificationRequest), as the
    relying party reads it: the claims of its ID token through the claims map, or its
    refusal (access_denied). For service tests that skip the HTTP round trip."""
    answer = SimulatedProvider().issue(
        nonce=request.nonce,
        method=request.method,
        passed=passed,
        document_country=document_country,
        document_number=document_number,
    )
    if answer is None:
        return provider_claims.refused_by_provider(request)
    return provider_claims.result_from_claims(answer, method=request.method)


def through_the_provider(client, *, role: str = "owner", method: str = "online", follow: bool = True, **check):
    """A browser's round trip through the built-in provider (needs the `builtin_provider`
    fixture): start on tmverify's page, follow the redirect to the provider's check page,
    fill it (prefilled name and country, a fresh document number, outcome pass, unless
    `check` says otherwise) and
    come back to the callback with the provider's code and state."""
    started = client.post("/accounts/identity/start/", {"role": role, "method": method})
    assert started.status_code == 302, started.content.decode()[:500]
    page = client.get(started["Location"])
    form = {field.name: field.value() or "" for field in page.context["form"]}
    form.update(outcome="pass", document_number=f"E{next(_documents):07d}")
    answer = client.post("/provider/authorize/", {**form, **check, "authorization": page.context["authorization"]})
    assert answer.status_code == 302, answer.content.decode()[:500]
    return client.get(answer["Location"], follow=follow)

"""Plain factories for the console tests: people, officers, attorneys, filings, scans."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services as accounts
from accounts.office import make_office_staff
from applications import services as filings
from applications.services import ApplicantData, FilingData, GoodsData
from simulator.identity import confirm_email_as_its_owner, verify_with_simulated_provider

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 24


def person(key, role="owner", country="US", verified=True, document=None, last_name="Tester"):
    user = accounts.register_user(
        email=f"{key}@example.test", first_name=key.title(), last_name=last_name, role=role, country=country
    )
    user = confirm_email_as_its_owner(user)
    if verified:
        verify_with_simulated_provider(
            user,
            method="online",
            role=role,
            document_country=country,
            document_number=document or f"DOC-{key}",
            passed=True,
        )
    # the services work on their own copies; hand back the account as it now stands
    user.refresh_from_db()
    return user


def officer(key, group):
    user = person(key, role="", verified=False)
    make_office_staff(user, group)
    user.refresh_from_db()
    return user


def attorney(key, bar_number, jurisdiction="NY"):
    user = person(key, "us_attorney")
    accounts.add_bar_admission(user, jurisdiction=jurisdiction, number=bar_number, admitted=date(2015, 1, 10))
    return user


def company(name, country="CN", street="8 Keji Rd", email=None):
    slug = name.lower().replace(" ", "")
    return ApplicantData(
        name=name,
        entity="corporation",
        citizenship=country,
        email=email or f"legal@{slug}.example",
        street=street,
        city="Shenzhen" if country == "CN" else "Springfield",
        country=country,
    )


def submitted_filing(attorney_user, applicant: ApplicantData, mark="SUNWAVE"):
    data = FilingData(applicant=applicant, mark=mark, basis="1b", goods=[GoodsData(9, "Portable solar chargers", True)])
    filing = filings.create_application(attorney_user, data, attorney=attorney_user)
    filings.sign_application(attorney_user, filing, signature=f"/{attorney_user.full_name}/", title="Attorney")
    return filings.submit_filing(attorney_user, filing)


def scan(content=PNG, name="form.png"):
    return SimpleUploadedFile(name, content, content_type="image/png")

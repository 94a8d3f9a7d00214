"""Benchmark data, made fast: one filing goes through the real services, then copies of it
are bulk-inserted in the states a benchmark needs."""

import itertools
from datetime import date

from django.db import transaction

from accounts import services as accounts
from accounts.models import User
from applications import services as filings
from applications.models import Applicant, Application, GoodsEntry, Representation, RepresentationState, Signature
from applications.services import ApplicantData, FilingData, GoodsData
from simulator.identity import confirm_email_as_its_owner, verify_with_simulated_provider
from tmverify import clock

BENCH_ATTORNEY = "bench-attorney@bench.example"
BENCH_DAY = date(2025, 6, 2)
CLIENT_COUNTRIES = ["US", "CN", "CN", "DE", "JP", "GB", "CA", "IN"]


def attorney() -> User:
    """The bench attorney: verified, with bar information, attorney of record everywhere."""
    existing = User.objects.filter(email=BENCH_ATTORNEY).first()
    if existing:
        return existing
    dana = confirm_email_as_its_owner(
        accounts.register_user(
            email=BENCH_ATTORNEY,
            first_name="Dana",
            last_name="Bench",
            password="bench-password-2026",
            role="us_attorney",
        )
    )
    accounts.add_bar_admission(dana, jurisdiction="NY", number="B-1", admitted=date(2015, 1, 10))
    return verify_with_simulated_provider(
        dana, method="online", role="us_attorney", document_country="US", document_number="BENCH-1", passed=True
    )


def _template(actor: User) -> Application:
    data = FilingData(
        applicant=ApplicantData(
            name="Template Client Ltd",
            entity="corporation",
            citizenship="CN",
            email="client@bench.example",
            street="8 Keji Rd",
            city="Shenzhen",
            country="CN",
        ),
        mark="TEMPLATE",
        basis="1b",
        goods=[GoodsData(9, "Portable solar chargers", True)],
    )
    return filings.create_application(actor, data, attorney=actor)


def clone_filings(count: int, *, state: str = "signed", created_by: User | None = None, batch: int = 2000) -> list[int]:
    """Insert `count` valid filings in `state` with the bench attorney of record (signed ones
    carry her signature)."""
    clock.set_today(BENCH_DAY)
    actor = attorney()
    creator = created_by or actor
    _template(actor)
    ids = []
    counter = itertools.count(Application.objects.count())
    for start in range(0, count, batch):
        size = min(batch, count - start)
        with transaction.atomic():
            numbers = [next(counter) for _ in range(size)]
            applicants = Applicant.objects.bulk_create(
                Applicant(
                    name=f"Client {n} Ltd",
                    entity="corporation",
                    citizenship=CLIENT_COUNTRIES[n % len(CLIENT_COUNTRIES)],
                    email=f"client{n}@bench.example",
                    domicile_street=f"{n} Commerce Road",
                    domicile_city="Springfield",
                    domicile_country=CLIENT_COUNTRIES[n % len(CLIENT_COUNTRIES)],
                )
                for n in numbers
            )
            apps = Application.objects.bulk_create(
                Application(applicant=a, mark=f"MARK{n}", basis="1b", created_by=creator, state=state)
                for n, a in zip(numbers, applicants, strict=True)
            )
            now = clock.now()
            Representation.objects.bulk_create(  # the bench attorney of record on each, as if she filed it
                Representation(
                    application=a,
                    attorney=actor,
                    named_by=creator,
                    state=RepresentationState.OF_RECORD,
                    named_at=now,
                    of_record_at=now,
                )
                for a in apps
            )
            GoodsEntry.objects.bulk_create(
                GoodsEntry(application=a, nice_class=9, text="Portable solar chargers", id_manual=True) for a in apps
            )
            if state == "signed":
                Signature.objects.bulk_create(
                    Signature(
                        application=a,
                        signer=actor,
                        signer_name=actor.full_name,
                        signer_email=actor.email,
                        text="/Dana Bench/",
                        title="Attorney of record",
                        signed_on=BENCH_DAY,
                        method="form",
                        declaration_accepted=True,
                    )
                    for a in apps
                )
            ids.extend(a.pk for a in apps)
    return ids

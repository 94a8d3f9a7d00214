"""A fault between a state change and its audit event rolls the whole action back:
state, serial counter and audit chain are exactly as before, for every service."""

from datetime import date

import pytest
from django.apps import apps

from accounts import services as accounts
from accounts.office import make_office_staff
from applications import services as filings
from applications.services import ApplicantData, FilingData, GoodsData
from tmverify import audit

pytestmark = pytest.mark.django_db


class InjectedFault(Exception):
    pass


def snapshot():
    """Every row of every table of the project's apps."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.app_label in {"tmverify", "accounts", "applications"}
    }


def person(key, role="owner", country="US", verified=True):
    user = accounts.register_user(
        email=f"{key}@example.test", first_name=key.title(), last_name="Tester", role=role, country=country
    )
    if verified:
        accounts.verify_with_simulated_provider(
            user, method="online", role=role, document_country=country, document_number=f"DOC-{key}", passed=True
        )
    return user


@pytest.fixture
def world():
    dana = person("dana", "us_attorney")  # US attorney of record
    accounts.add_bar_admission(dana, jurisdiction="NY", number="1", admitted=date(2015, 1, 10))
    li = person("li", "owner", "CN", verified=False)  # Chinese seller, represented
    pat = person("pat", "support_staff", verified=False)  # paralegal asking for sponsorship
    sam = person("sam", "", verified=False)  # supervisor
    make_office_staff(sam, "supervisor")
    data = FilingData(
        applicant=ApplicantData(
            name="Sunwave Ltd",
            entity="corporation",
            citizenship="CN",
            email="legal@sunwave.example",
            street="8 Keji Rd",
            city="Shenzhen",
            country="CN",
        ),
        mark="SUNWAVE",
        basis="1b",
        goods=[GoodsData(9, "Portable solar chargers", True)],
    )
    draft = filings.create_application(dana, data, attorney=dana)
    signed = filings.create_application(dana, data, attorney=dana)
    filings.sign_application(dana, signed, signature="/Dana Tester/", title="Attorney")
    link_filing = filings.create_application(dana, data, attorney=dana)
    link = filings.request_signature(dana, link_filing, li)
    paper_person = person("paula", verified=False)
    paper = accounts.file_paper_verification(paper_person, role="owner", document_country="US", document_number="P-1")
    requested = accounts.request_sponsorship(pat, dana)
    return locals()


ACTIONS = {
    "register": lambda w: accounts.register_user(email="new@example.test", first_name="New", last_name="Person"),
    "verify": lambda w: accounts.verify_with_simulated_provider(
        w["li"], method="online", role="owner", document_country="CN", document_number="LI-1", passed=True
    ),
    "paper_review": lambda w: accounts.review_paper_verification(w["sam"], w["paper"], approve=True, note="ok"),
    "suspend": lambda w: accounts.suspend_account(w["sam"], w["li"], note="test"),
    "sponsor_approve": lambda w: accounts.approve_sponsorship(w["dana"], w["requested"]),
    "create": lambda w: filings.create_application(w["dana"], FilingData(mark="NEW"), attorney=w["dana"]),
    "request_signature": lambda w: filings.request_signature(w["dana"], w["draft"], w["li"]),
    "sign": lambda w: filings.sign_application(w["dana"], w["draft"], signature="/Dana Tester/", title="Attorney"),
    "sign_by_link": lambda w: filings.sign_by_link(w["link"].token, signature="/Li Tester/", title="CEO"),
    "submit": lambda w: filings.submit_filing(w["dana"], w["signed"]),
    "withdraw": lambda w: filings.withdraw_representation(w["dana"], w["draft"]),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_fault_before_the_audit_event_rolls_back_the_whole_action(world, action, monkeypatch):
    before = snapshot()

    def failing_record(*args, **kwargs):
        raise InjectedFault("the disk filled up between the change and its audit event")

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(InjectedFault):
        ACTIONS[action](world)
    monkeypatch.undo()
    assert snapshot() == before
    assert audit.verify_chain().ok
    # without the fault the same call goes through: the rollback undid a real change
    ACTIONS[action](world)
    assert snapshot() != before

"""A fault between a state change and its audit event rolls the whole action back:
state, serial counter and audit chain are exactly as before, for every service."""

import pytest
from django.apps import apps

from accounts import confirmation
from accounts import services as accounts
from applications import services as filings
from applications.services import FilingData
from simulator.identity import verify_with_simulated_provider
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


ACTIONS = {
    "register": lambda w: accounts.register_user(email="new@example.test", first_name="New", last_name="Person"),
    "confirm_email": lambda w: accounts.confirm_email(confirmation.make_token(w["nell"])),
    "reset_password": lambda w: accounts.reset_password(w["li"], "a-new-long-passphrase"),
    "verify": lambda w: verify_with_simulated_provider(
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

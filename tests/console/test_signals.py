"""R23 fraud signals on a generated population: the mills are found, honest filers are not,
and the queries do not grow with the population (no N+1)."""

import pytest
from console_people import attorney, company, person
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts
from accounts.models import BarAdmission, User
from applications import fraud_signals
from applications import services as filings
from applications.models import Application
from applications.services import FilingData, GoodsData
from simulator.identity import verify_with_simulated_provider
from tmverify.models import AuditEvent
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.SIGNAL_OWNERS_PER_ACCOUNT = 8
    settings.SIGNAL_ACCOUNTS_PER_BAR_NUMBER = 2
    settings.SIGNAL_FILINGS_PER_BAR_NUMBER = 8
    settings.SIGNAL_SIGNATURES_BY_OTHERS = 1
    settings.SIGNAL_STAFF_PER_ATTORNEY = 4
    settings.SIGNAL_MAIL_DROP_FILINGS = 3
    settings.SIGNAL_ACCOUNTS_PER_DOCUMENT = 2


def file(actor, name, street="8 Keji Rd", attorney_user=None):
    data = FilingData(applicant=company(name, street=street), mark=name.upper()[:10], basis="1b")
    data.goods = [GoodsData(9, "Phone cases", True)]
    return filings.create_application(actor, data, attorney=attorney_user or actor)


def mill(prefix, owners=10, mail_drops=4):
    """A filing mill: an attorney account filing for many owners from a mail drop, its
    bar number copied onto two more accounts, mass-sponsored staff, and one document
    behind three accounts."""
    boss = attorney(f"{prefix}boss", "999", "NY")
    for i in range(owners):
        street = "PO Box 77" if i < mail_drops else f"{i} Market St"
        file(boss, f"{prefix} Owner {i} Trading", street)
    clones = []
    for n, jurisdiction in enumerate(["ny", " NY "]):
        clone = attorney(f"{prefix}clone{n}", " 999", jurisdiction)
        clones.append(clone)
    for n in range(5):
        staff = person(f"{prefix}staff{n}", "support_staff", verified=False)
        accounts.sponsor_staff(boss, staff)
    victim = person(f"{prefix}victim", verified=False)  # an owner whose signature the mill enters
    target = file(boss, f"{prefix} Victim Goods")
    with pytest.raises(Refused):
        filings.sign_application(boss, target, signature=f"/{victim.full_name}/", title="CEO", signer=victim)
    doc_holders = [person(f"{prefix}doc0", document=f"{prefix}-DOC")]
    for n in (1, 2):
        held = person(f"{prefix}doc{n}", verified=False)
        with pytest.raises(Refused):
            verify_with_simulated_provider(
                held, method="online", role="owner", document_country="US", document_number=f"{prefix}-DOC", passed=True
            )
        doc_holders.append(held)
    return {"boss": boss, "clones": clones, "doc_holders": doc_holders}


def honest():
    """Honest filers near, but under, every threshold."""
    dana = attorney("dana", "4455667", "NY")  # busy honest attorney: five clients and Li, one paralegal
    carl = attorney("carl", "4455667", "CA")  # same number, another state's bar: a different credential
    for i in range(5):
        file(dana, f"Client {i} Inc")
    file(carl, "Maple Foods")
    pat = person("pat", "support_staff", verified=False)
    accounts.sponsor_staff(dana, pat)
    li = person("li", "owner", "US")  # owner filing for herself, once from a c/o address
    for filing in (
        file(li, "Li Tea", street="c/o Wei Family, 3 Elm St", attorney_user=dana),
        file(li, "Li Coffee", attorney_user=dana),
    ):
        filings.accept_appointment(dana, filing)  # R24: Li named her; of record once she accepts
    return {"dana": dana, "carl": carl, "li": li}


def ids(*users):
    return {u.pk for u in users}


def test_the_mills_are_found_and_honest_filers_are_not():
    m = mill("Acme")
    h = honest()
    boss = m["boss"]
    assert fraud_signals.flagged_account_ids("many_owners") == ids(boss)
    assert fraud_signals.flagged_account_ids("shared_bar_number") == ids(boss, *m["clones"])
    assert fraud_signals.flagged_account_ids("bar_number_filings") == ids(boss, *m["clones"])
    assert fraud_signals.flagged_account_ids("signature_entered_by_other") == ids(boss)
    assert fraud_signals.flagged_account_ids("staff_per_attorney") == ids(boss)
    assert fraud_signals.flagged_account_ids("mail_drop_domicile") == ids(boss)
    assert fraud_signals.flagged_account_ids("accounts_per_document") == ids(*m["doc_holders"])
    everyone_found = set().union(*(fraud_signals.flagged_account_ids(s.key) for s in fraud_signals.SIGNALS))
    assert everyone_found.isdisjoint(ids(*h.values()))


def test_thresholds_are_settings(settings):
    honest()
    assert fraud_signals.flagged_account_ids("many_owners") == set()
    settings.SIGNAL_OWNERS_PER_ACCOUNT = 5
    assert fraud_signals.flagged_account_ids("many_owners") == {User.objects.get(email="dana@example.test").pk}


def test_signal_queries_do_not_grow_with_the_population():
    mill("Acme")
    honest()

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            for spec in fraud_signals.SIGNALS:
                fraud_signals.evaluate(spec, with_filings=True)
        return len(captured)

    small = count_queries()
    mill("Bolt", owners=12, mail_drops=5)
    mill("Crux", owners=9, mail_drops=3)
    assert len(fraud_signals.evaluate(fraud_signals.SIGNALS_BY_KEY["many_owners"]).rows) == 3
    assert count_queries() == small
    assert small <= 4 * len(fraud_signals.SIGNALS)


def test_the_signals_page_counts_and_drills_down(client, office):
    m = mill("Acme")
    client.force_login(office["erin"])
    page = client.get("/console/signals/").content.decode()
    assert "Accounts filing for many unrelated owners" in page and "Mail-drop domiciles" in page
    detail = client.get("/console/signals/mail_drop_domicile/").content.decode()
    assert "acmeboss@example.test" in detail and "PO Box 77" in detail
    assert "Suspend account and its pending filings" not in detail  # examiners cannot act
    staff = client.get("/console/signals/staff_per_attorney/").content.decode()
    assert "acmestaff4@example.test" in staff
    assert BarAdmission.objects.filter(attorney__in=m["clones"]).count() == 2


def test_a_supervisor_suspends_a_mill_and_its_pending_filings_in_one_step(client, office):
    boss = mill("Acme")["boss"]
    client.force_login(office["sam"])
    assert "Suspend account and its pending filings" in client.get("/console/signals/many_owners/").content.decode()
    pending = set(
        Application.objects.filter(representations__attorney=boss, representations__state="of_record").values_list(
            "pk", flat=True
        )
    )
    before = AuditEvent.objects.count()
    response = client.post("/console/signals/many_owners/act/", {"account": boss.pk, "note": "filing mill"})
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    boss.refresh_from_db()
    assert boss.identity_state == "suspended"
    assert set(Application.objects.filter(pk__in=pending).values_list("state", flat=True)) == {"suspended"}
    changed = AuditEvent.objects.filter(seq__gt=before)
    assert changed.filter(action="account.suspended").count() == 1
    assert changed.filter(action="filing.suspended").count() == len(pending) == 11


def test_acting_on_a_row_needs_a_reason_and_a_supervisor(client, office):
    boss = mill("Acme", owners=2, mail_drops=0)["boss"]
    client.force_login(office["sam"])
    response = client.post("/console/signals/many_owners/act/", {"account": boss.pk, "note": ""})
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    client.force_login(office["erin"])
    response = client.post("/console/signals/many_owners/act/", {"account": boss.pk, "note": "mill"})
    assert any("(role_not_permitted)" in str(m) for m in get_messages(response.wsgi_request))
    boss.refresh_from_db()
    assert boss.identity_state == "verified"

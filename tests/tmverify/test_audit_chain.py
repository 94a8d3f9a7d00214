"""Every state change writes a hash-chained audit event in its own transaction; an edited,
deleted or truncated chain is detected, by the function and by `verify_audit_chain`."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import services as accounts
from tests.factories import dana, pat, person, verify
from tmverify import audit
from tmverify.models import AuditEvent
from tmverify.reasons import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    """A few real flows: registrations, a verification, a sponsorship, a refusal."""
    attorney = dana()
    pat(attorney)
    olga = person("olga")
    with pytest.raises(Refused):
        verify(olga, passed=False)
    verify(olga)
    chain = list(AuditEvent.objects.order_by("seq"))
    assert len(chain) >= 8
    return chain


def assert_broken(at: int, problem: str):
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_at == at
    assert problem in report.problem
    with pytest.raises(CommandError, match=f"audit chain broken at event #{at}"):
        call_command("verify_audit_chain")


def test_an_untouched_chain_verifies(events, capsys):
    report = audit.verify_chain()
    assert (report.ok, report.checked) == (True, len(events))
    call_command("verify_audit_chain")
    assert f"audit chain intact: {len(events)} events verified" in capsys.readouterr().out


def test_events_link_each_to_the_one_before(events):
    assert events[0].prev_hash == audit.GENESIS
    for previous, event in zip(events, events[1:], strict=False):
        assert event.seq == previous.seq + 1
        assert event.prev_hash == previous.hash
        assert event.hash == audit.compute_hash(event)


def test_an_event_records_who_what_and_the_move(events):
    oleg = person("oleg")
    verify(oleg)
    event = audit.trail(oleg).get(action="identity.verified")
    assert (event.actor_id, event.actor_label) == (oleg.pk, "oleg@example.test")
    assert (event.from_state, event.to_state) == ("unverified", "verified")
    assert event.data["method"] == "online"
    refused = AuditEvent.objects.filter(action="identity.verify.refused").get()
    assert refused.reasons == ["verification_failed"]


def test_an_edited_event_is_detected(events):
    target = events[3]
    AuditEvent.objects.filter(pk=target.pk).update(to_state="verified")
    assert_broken(target.seq, "edited")


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(events):
    target = AuditEvent.objects.get(pk=events[3].pk)
    target.data = {"note": "rewritten"}
    target.hash = audit.compute_hash(target)
    target.save()
    assert_broken(events[4].seq, "link to the previous event")


def test_an_event_edited_with_raw_sql_is_detected(events):
    target = events[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tmverify_auditevent SET actor_label = %s WHERE id = %s", ["someone@else", target.pk])
    assert_broken(target.seq, "edited")


def test_a_deleted_event_is_detected(events):
    target = events[4]
    AuditEvent.objects.filter(pk=target.pk).delete()
    assert_broken(events[5].seq, f"event #{target.seq} is missing")


def test_a_deleted_first_event_is_detected(events):
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    assert_broken(events[1].seq, "link to the previous event")


def test_truncating_the_newest_events_is_detected(events):
    AuditEvent.objects.filter(seq__gt=events[-3].seq).delete()
    report = audit.verify_chain()
    assert (report.ok, report.checked) == (False, len(events) - 2)
    assert "newest events were removed" in report.problem
    with pytest.raises(CommandError, match="newest events were removed"):
        call_command("verify_audit_chain")


def test_deleting_every_event_is_detected(events):
    AuditEvent.objects.all().delete()
    report = audit.verify_chain()
    assert not report.ok
    assert "removed" in report.problem
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")


def test_a_refused_step_leaves_only_its_refusal(events):
    nia = person("nia")  # an owner: may not sponsor anyone
    before = AuditEvent.objects.count()
    with pytest.raises(Refused):
        accounts.sponsor_staff(nia, nia)
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().action == "sponsorship.sponsor.refused"
    assert audit.verify_chain().ok

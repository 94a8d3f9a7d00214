"""Running one scenario in-process: what a step reports when it holds and when it does not,
and that nothing of a scenario outlives it (database, clock, policy)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from simulator.parser import ScenarioError, parse_scenario
from simulator.runner import run_scenario
from tmverify import clock, policy

pytestmark = pytest.mark.django_db

DANA = {
    "name": "Dana Kim",
    "role": "us_attorney",
    "bar": {"jurisdiction": "NY", "number": "1", "admitted": "2015-01-10"},
}
LI = {"name": "Li Wei", "role": "owner", "country": "CN"}


def scenario(steps, actors=None, **top):
    raw = {"name": "under test", "actors": actors if actors is not None else {"dana": DANA, "li": LI}, "steps": steps}
    return parse_scenario({**raw, **top}, "inline.json", 1)


def run(steps, actors=None, **top):
    return run_scenario(scenario(steps, actors, **top))


def test_a_refusal_that_was_expected_is_ok():
    result = run(
        [{"actor": "li", "do": "verify", "method": "online", "result": "fail", "expect": ["verification_failed"]}]
    )

    assert result.passed
    assert result.steps[0].ok


def test_a_refused_step_expected_to_succeed_fails_with_its_codes_and_message():
    result = run([{"actor": "li", "do": "verify", "method": "online", "result": "fail"}])

    step = result.steps[0]
    assert not result.passed
    assert (step.ok, step.expected) == (False, "ok")
    assert step.actual.startswith("refused [verification_failed]: ")


def test_a_step_that_succeeds_when_a_refusal_was_expected_fails():
    result = run(
        [{"actor": "dana", "do": "verify", "method": "online", "result": "pass", "expect": ["verification_failed"]}]
    )

    assert (result.steps[0].ok, result.steps[0].expected, result.steps[0].actual) == (
        False,
        "refused [verification_failed]",
        "ok",
    )


def test_a_refusal_with_other_codes_than_expected_fails_showing_both():
    result = run(
        [
            {"actor": "dana", "do": "verify", "method": "online", "result": "pass"},
            {"actor": "dana", "do": "verify", "method": "online", "result": "pass", "expect": ["verification_locked"]},
        ]
    )

    assert result.steps[1].expected == "refused [verification_locked]"
    assert result.steps[1].actual == "refused [already_verified]"


def test_a_check_that_does_not_hold_names_the_key_with_expected_and_actual():
    result = run(
        [
            {"actor": "dana", "do": "verify", "method": "video", "result": "pass"},
            {"check": "identity", "actor": "dana", "state": "verified", "method": "online", "role": "us_attorney"},
        ]
    )

    check = result.steps[1]
    assert not check.ok
    assert (check.expected, check.actual) == ("method online", "method video")


def test_a_failed_step_does_not_stop_the_scenario_and_later_steps_are_reported():
    result = run(
        [
            {"actor": "li", "do": "verify", "method": "video", "result": "fail"},
            {"check": "identity", "actor": "li", "state": "unverified"},
        ]
    )

    assert [s.ok for s in result.steps] == [False, True]


def test_a_step_on_a_filing_whose_creation_was_refused_fails_without_crashing():
    result = run(
        [
            {
                "actor": "li",
                "do": "create_application",
                "ref": "A1",
                "applicant": "li",
                "expect": ["identity_unverified"],
            },
            {"actor": "li", "do": "submit", "filing": "A1"},
        ]
    )

    assert result.steps[0].ok
    assert not result.steps[1].ok
    assert "A1 does not exist" in result.steps[1].actual


def test_bad_input_caught_by_a_service_is_a_failed_step_with_its_message():
    result = run(
        [
            {"actor": "dana", "do": "verify", "method": "online", "result": "pass"},
            {
                "actor": "dana",
                "do": "create_application",
                "ref": "A1",
                "attorney": "dana",
                "basis": "1a",
                "first_use": "2030-01-01",
            },
        ]
    )

    assert not result.steps[1].ok
    assert result.steps[1].actual == "bad input: The date of first use cannot be in the future."


def test_a_scenario_leaves_nothing_in_the_database():
    users, filings = User.objects.count(), Application.objects.count()

    result = run(
        [
            {"actor": "dana", "do": "verify", "method": "online", "result": "pass"},
            {"actor": "dana", "do": "create_application", "ref": "A1", "attorney": "dana", "applicant": "li"},
        ]
    )

    assert result.passed
    assert (User.objects.count(), Application.objects.count()) == (users, filings)


def test_two_scenarios_with_the_same_actors_do_not_see_each_other():
    first = run([{"actor": "dana", "do": "verify", "method": "online", "result": "pass"}])
    second = run([{"check": "identity", "actor": "dana", "state": "unverified"}])

    assert first.passed and second.passed


def test_the_scenario_sets_its_date_and_policy_and_both_are_reset_afterwards():
    original = policy.current().name

    result = run(
        [
            {
                "actor": "li",
                "do": "create_application",
                "ref": "A1",
                "applicant": "li",
                "expect": ["identity_unverified"],
            },
        ],
        policy="announced",
        date="2022-05-02",
    )
    after = clock.now()

    assert result.passed  # mandatory from 2022-04-09 only under the announced profile
    assert policy.current().name == original == "enacted"
    # the clock is no longer pinned to the scenario's day: it runs with real time again
    assert abs(after - timezone.now()) < timedelta(minutes=5)


def test_set_date_processes_deadlines_as_the_clock_moves():
    result = run(
        [
            {"actor": "dana", "do": "verify", "method": "online", "result": "pass"},
            {"actor": "dana", "do": "create_application", "ref": "A1", "attorney": "dana", "applicant": "li"},
            {"actor": "dana", "do": "request_signature", "filing": "A1", "signer": "li"},
            {"do": "set_date", "date": "2023-07-15"},
            {
                "actor": "li",
                "do": "sign_by_link",
                "filing": "A1",
                "signature": "/Li Wei/",
                "title": "Owner",
                "expect": ["signature_link_invalid"],
            },
        ]
    )

    assert result.passed, [s.actual for s in result.steps]


def test_the_json_form_of_a_result_carries_every_step():
    result = run([{"actor": "li", "do": "verify", "method": "online", "result": "fail"}])

    document = json.loads(json.dumps(result.as_dict()))

    assert document["passed"] is False
    assert document["steps"][0]["actual"].startswith("refused [verification_failed]")


def test_an_actors_email_in_capitals_with_spaces_still_carries_a_patent_verification_over():
    ada = {
        "name": "Ada Byron",
        "role": "owner",
        "email": " Ada@Example.test ",
        "patent_verified": True,
        "patent_role": "owner",
    }
    result = run(
        [{"check": "identity", "actor": "ada", "state": "verified", "method": "patent", "role": "owner"}], {"ada": ada}
    )

    assert result.passed, [step.actual for step in result.steps]


def test_two_actors_whose_emails_differ_only_in_case_and_spaces_are_refused():
    with pytest.raises(ScenarioError, match="already another actor's"):
        scenario(
            [], {"ada": {"name": "Ada Byron", "email": "ada@x.test"}, "bo": {"name": "Bo Li", "email": " ADA@x.test"}}
        )

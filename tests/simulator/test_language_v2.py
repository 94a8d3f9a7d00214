"""The scenario language's version 2 parts (SCENARIOS.md "(v2)"), as the runner and the
parser carry them out: hours on the clock, `expect: "refused"`, `expect_exactly`,
`no_flags`, `blocked_exactly`, `bar` on any actor, refused values that are refused steps
rather than invalid files, and the codes in the machine-readable report."""

import json
import re
from pathlib import Path

import pytest

from simulator.parser import ScenarioError, load_file
from tests.simulator.test_scenario_runs import DANA, LI, run, scenario

pytestmark = pytest.mark.django_db

ERIN = {"name": "Erin Ross", "role": "examiner"}
SUNWAVE = {
    "name": "Shenzhen Sunwave Co., Ltd.",
    "entity": "corporation",
    "citizenship": "CN",
    "email": "legal@sunwave.example",
    "domicile": {"street": "8 Keji Rd", "city": "Shenzhen", "country": "CN"},
}
GOODS = [{"class": 9, "text": "Portable solar chargers", "id_manual": True}]


def outcomes(result):
    return [(step.ok, step.expected, step.actual) for step in result.steps]


def dana_files_for_sunwave(**extra):
    return [
        {"actor": "dana", "do": "verify", "method": "online", "result": "pass"},
        {"actor": "dana", "do": "create_application", "ref": "A1", "applicant": SUNWAVE, "mark": "SUNWAVE",
         "basis": "1b", "goods": GOODS, **extra},
    ]  # fmt: skip


# --- time ---------------------------------------------------------------------------------
def five_failures():
    return [
        {"actor": "li", "do": "verify", "method": "online", "result": "fail", "expect": ["verification_failed"]}
    ] * 5


def test_advance_by_hours_tests_the_six_hour_lock_to_the_hour():
    result = run(
        [
            *five_failures(),
            {"do": "advance", "hours": 5},
            {"check": "identity", "actor": "li", "state": "locked"},
            {"do": "advance", "hours": 1},
            {"check": "identity", "actor": "li", "state": "unverified"},
            {"actor": "li", "do": "verify", "method": "video", "result": "pass"},
        ]
    )

    assert result.passed, outcomes(result)


def test_advance_takes_days_and_hours_together():
    result = run(
        [
            *five_failures(),
            {"do": "advance", "days": 0, "hours": 5},
            {"check": "identity", "actor": "li", "state": "locked"},
            {"do": "advance", "days": 1, "hours": 0},
            {"check": "identity", "actor": "li", "state": "unverified"},
        ]
    )

    assert result.passed, outcomes(result)


def test_set_date_to_the_same_day_after_advancing_hours_moves_the_clock_backwards():
    with pytest.raises(ScenarioError, match="moves the clock backwards"):
        scenario([{"do": "advance", "hours": 1}, {"do": "set_date", "date": "2023-06-01"}])


def test_set_date_to_the_next_day_after_advancing_hours_is_forwards():
    assert scenario([{"do": "advance", "hours": 23}, {"do": "set_date", "date": "2023-06-02"}]).steps


@pytest.mark.parametrize(
    ("step", "says"),
    [
        ({"do": "advance"}, "advance needs days or hours"),
        ({"do": "advance", "hours": -2}, "whole number, zero or more"),
        ({"do": "advance", "hours": 1.5}, "whole number, zero or more"),
    ],
)
def test_a_bad_advance_is_an_invalid_file(step, says):
    with pytest.raises(ScenarioError, match=says):
        scenario([step])


def test_an_advance_step_describes_its_days_and_hours():
    steps = scenario([{"do": "advance", "days": 2, "hours": 3}, {"do": "advance", "hours": 6}]).steps

    assert [step.describe() for step in steps] == ["advance 2 day(s) 3 hour(s)", "advance 6 hour(s)"]


# --- expectations -----------------------------------------------------------------------
def test_expect_refused_holds_for_any_refusal_and_fails_when_the_step_succeeds():
    result = run(
        [
            {"actor": "li", "do": "verify", "method": "online", "result": "fail", "expect": "refused"},
            {"actor": "dana", "do": "verify", "method": "online", "result": "pass", "expect": "refused"},
        ]
    )

    assert outcomes(result) == [(True, "", ""), (False, "refused", "ok")]


def test_expect_exactly_compares_the_codes_as_sets():
    steps = [
        {"actor": "erin", "do": "create_application", "ref": "A1", "applicant": "li",
         "expect_exactly": ["role_not_permitted"]},
        {"actor": "li", "do": "create_application", "ref": "A2", "applicant": "li",
         "expect_exactly": ["identity_unverified"]},
        {"actor": "li", "do": "create_application", "ref": "A3", "applicant": "li",
         "expect_exactly": ["identity_unverified", "identity_unverified"]},
    ]  # fmt: skip
    result = run(steps, {"li": LI, "erin": ERIN})

    assert [step.ok for step in result.steps] == [True, True, True]


def test_expect_exactly_fails_on_a_code_more_or_a_code_less():
    steps = [
        {"actor": "li", "do": "create_application", "ref": "A1", "applicant": "li",
         "expect_exactly": ["identity_unverified", "role_required"]},
        {"actor": "mo", "do": "create_application", "ref": "A2", "applicant": "mo",
         "expect_exactly": ["identity_unverified"]},
    ]  # fmt: skip
    result = run(steps, {"li": LI, "mo": {"name": "Mo Chen"}})

    assert outcomes(result) == [
        (False, "exactly [identity_unverified, role_required]", "refused [identity_unverified]"),
        (False, "exactly [identity_unverified]", "refused [role_required, identity_unverified]"),
    ]


@pytest.mark.parametrize(
    ("step", "says"),
    [
        ({"expect": "refused", "expect_exactly": ["identity_unverified"]}, "either expect or expect_exactly"),
        ({"expect_exactly": []}, "non-empty list of reason codes"),
        ({"expect_exactly": ["nope"]}, "unknown reason code(s) nope"),
        ({"expect": "maybe"}, 'expect must be "ok", "refused" or a non-empty list'),
        ({"expect": []}, 'expect must be "ok", "refused" or a non-empty list'),
    ],
)
def test_a_bad_expectation_is_an_invalid_file(step, says):
    with pytest.raises(ScenarioError, match=re.escape(says)):
        scenario([{"actor": "li", "do": "verify", "method": "online", **step}])


# --- checks -----------------------------------------------------------------------------
def test_no_flags_holds_when_none_of_the_listed_flags_is_raised_and_names_the_one_that_is():
    mail_drop = {**SUNWAVE, "domicile": {"street": "PO Box 12", "city": "Shenzhen", "country": "CN"}}
    result = run(
        [
            *dana_files_for_sunwave(),
            {"check": "filing", "filing": "A1", "no_flags": ["mail_drop_domicile", "insufficient_information"]},
            {"actor": "dana", "do": "create_application", "ref": "A2", "applicant": mail_drop, "mark": "SUNWAVE",
             "basis": "1b", "goods": GOODS},
            {"check": "filing", "filing": "A2", "no_flags": ["mail_drop_domicile", "insufficient_information"]},
        ]
    )  # fmt: skip

    assert outcomes(result)[2] == (True, "", "")
    assert outcomes(result)[4] == (
        False,
        "no_flags none of [mail_drop_domicile, insufficient_information]",
        "no_flags raised [mail_drop_domicile]",
    )


def test_blocked_exactly_compares_the_gates_codes_as_sets():
    result = run(
        [
            *dana_files_for_sunwave(),
            {"check": "can_submit", "filing": "A1", "actor": "dana", "blocked_exactly": ["signature_required"]},
            {"check": "can_submit", "filing": "A1", "actor": "li", "blocked_exactly": ["forbidden"]},
            {"check": "can_submit", "filing": "A1", "actor": "dana",
             "blocked_exactly": ["signature_required", "us_counsel_required"]},
        ]
    )  # fmt: skip

    assert [step.ok for step in result.steps[2:]] == [True, True, False]
    assert outcomes(result)[4][1:] == (
        "gate exactly [signature_required, us_counsel_required]",
        "gate refused [signature_required]",
    )


@pytest.mark.parametrize(
    "check",
    [
        {"blocked": ["forbidden"], "blocked_exactly": ["forbidden"]},
        {"ok": True, "blocked_exactly": ["forbidden"]},
        {"blocked_exactly": []},
    ],
)
def test_can_submit_takes_one_of_ok_blocked_or_blocked_exactly(check):
    with pytest.raises(ScenarioError, match="either"):
        scenario([*dana_files_for_sunwave(), {"check": "can_submit", "filing": "A1", "actor": "dana", **check}])


@pytest.mark.parametrize(("key", "value"), [("deadline", "2024-01-01"), ("deadline", None), ("registration", True)])
def test_the_prosecution_keys_of_the_filing_check_are_read(key, value):
    parsed = scenario([*dana_files_for_sunwave(), {"check": "filing", "filing": "A1", key: value}])
    assert key in parsed.steps[-1].args


@pytest.mark.parametrize(("key", "value"), [("deadline", "soon"), ("registration", "yes")])
def test_a_bad_prosecution_key_of_the_filing_check_makes_the_file_invalid(key, value):
    with pytest.raises(ScenarioError, match=key):
        scenario([*dana_files_for_sunwave(), {"check": "filing", "filing": "A1", key: value}])


@pytest.mark.parametrize("name", ["issue_office_action", "respond", "file_statement_of_use"])
def test_the_prosecution_steps_are_read(name):
    parsed = scenario([*dana_files_for_sunwave(), {"actor": "dana", "do": name, "filing": "A1"}])
    assert parsed.steps[-1].name == name


def test_decide_opposition_needs_a_known_decision():
    with pytest.raises(ScenarioError, match="decision"):
        scenario([*dana_files_for_sunwave(), {"actor": "dana", "do": "decide_opposition", "filing": "A1"}])
    with pytest.raises(ScenarioError, match="not one of"):
        scenario(
            [*dana_files_for_sunwave(), {"actor": "dana", "do": "decide_opposition", "filing": "A1", "decision": "x"}]
        )


# --- actors -----------------------------------------------------------------------------
def test_an_actor_with_no_role_may_carry_bar_information_and_use_it_once_an_attorney():
    ada = {
        "name": "Ada Byron",
        "patent_verified": True,
        "bar": {"jurisdiction": "DC", "number": "77", "admitted": "2011-05-01"},
    }
    result = run(
        [
            {"actor": "ada", "do": "choose_role", "role": "us_attorney"},
            {"actor": "ada", "do": "create_application", "ref": "A1", "applicant": SUNWAVE, "mark": "SUNWAVE",
             "basis": "1b", "goods": GOODS},
            {"actor": "ada", "do": "sign", "filing": "A1", "signature": "/Ada Byron/", "title": "Attorney"},
            {"check": "can_submit", "filing": "A1", "actor": "ada", "ok": True},
        ],
        {"ada": ada},
    )  # fmt: skip

    assert result.passed, outcomes(result)


def test_an_owner_may_carry_bar_information_which_makes_no_attorney_of_record():
    olga = {"name": "Olga Berg", "role": "owner", "bar": {"jurisdiction": "NY", "admitted": "2011-05-01"}}
    result = run(
        [
            {"actor": "olga", "do": "verify", "method": "online", "result": "pass"},
            {"actor": "olga", "do": "create_application", "ref": "A1", "applicant": SUNWAVE, "mark": "SUNWAVE",
             "basis": "1b", "goods": GOODS},
            {"check": "can_submit", "filing": "A1", "actor": "olga", "blocked": ["us_counsel_required"]},
            {"check": "access", "filing": "A1", "actor": "olga", "allowed": True},
        ],
        {"olga": olga},
    )  # fmt: skip

    assert result.passed, outcomes(result)


# --- refused values ---------------------------------------------------------------------
def test_a_signature_without_a_title_is_a_refused_step_not_an_invalid_file():
    result = run(
        [
            *dana_files_for_sunwave(),
            {"actor": "dana", "do": "sign", "filing": "A1", "signature": "/Dana Kim/",
             "expect_exactly": ["signature_format"]},
            {"actor": "dana", "do": "sign", "filing": "A1", "title": "Attorney", "expect_exactly": ["signature_format"]},
            {"actor": "dana", "do": "request_signature", "filing": "A1", "signer": "li"},
            {"actor": "li", "do": "sign_by_link", "filing": "A1", "signature": "/Li Wei/",
             "expect_exactly": ["signature_format"]},
            {"check": "filing", "filing": "A1", "state": "awaiting_signature"},
        ]
    )  # fmt: skip

    assert result.passed, outcomes(result)


@pytest.mark.parametrize("country", ["ZZ", "USA", "", "1"])
def test_an_unknown_domicile_country_is_a_refused_step_that_creates_nothing(country):
    nowhere = {**SUNWAVE, "domicile": {"street": "8 Keji Rd", "city": "Shenzhen", "country": country}}
    result = run(
        [
            *dana_files_for_sunwave(),
            {"actor": "dana", "do": "create_application", "ref": "A2", "applicant": nowhere,
             "expect_exactly": ["domicile_required"]},
            {"check": "filing", "filing": "A2", "state": "draft"},
        ]
    )  # fmt: skip

    assert [step.ok for step in result.steps] == [True, True, country != "", country == ""]
    if country:
        assert "A2 does not exist" in result.steps[3].actual


# --- the machine-readable report --------------------------------------------------------
def test_each_step_of_the_report_carries_its_actual_codes():
    result = run(
        [
            {"actor": "li", "do": "create_application", "ref": "A1", "applicant": "li", "expect": "refused"},
            {"actor": "dana", "do": "verify", "method": "online", "result": "pass"},
            {"check": "identity", "actor": "dana", "state": "verified"},
        ]
    )

    steps = json.loads(json.dumps(result.as_dict()))["steps"]

    assert [step["codes"] for step in steps] == [["identity_unverified"], [], None]


def test_every_step_and_check_example_of_the_scenarios_doc_is_a_valid_step(tmp_path):
    # docs/SCENARIOS.md, the project's words for the contract: each `{"do": ...}` and
    # `{"check": ...}` example it gives is read by the parser as written
    doc = (Path(__file__).resolve().parents[2] / "docs" / "SCENARIOS.md").read_text(encoding="utf-8")
    examples = [json.loads(text) for text in re.findall(r'(\{"(?:do|check)": .*?\})(?:`|\n)', doc)]
    actors = {
        "dana": DANA,
        "li": LI,
        "max": {"name": "Max Mueller"},
        "pat": {"name": "Pat Lee", "role": "support_staff"},
    }
    path = tmp_path / "examples.json"
    path.write_text(json.dumps({"name": "examples", "date": "2022-01-10", "actors": actors,
                                "steps": [*dana_files_for_sunwave(), *examples]}))  # fmt: skip

    steps = load_file(path)[0].steps[2:]

    assert len(steps) == len(examples) >= 10
    assert {step.name for step in steps} >= {"set_date", "advance", "identity", "filing", "can_submit", "access"}

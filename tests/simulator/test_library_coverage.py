"""The bundled library (tests/scenarios) against the scenario language: every step, key,
check, expectation, reason code and flag the runner implements is exercised by some
scenario, and everything SCENARIOS.md v2 names is either implemented or listed in
NOT_YET, which names the work it waits for and shrinks as that work lands."""

from pathlib import Path

from simulator.parser import _ACTIONS, _CHECKS, load_file
from tmverify.reasons import CODES, FLAGS

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "tests" / "scenarios").glob("*.json"))

# SCENARIOS.md v2, word for word: each step and check with its optional keys (the
# required ones come with the step), the expectations, the codes and the flags.
CONTRACT_STEPS = {
    "set_date": set(),
    "advance": {"days", "hours"},
    "verify": {"result", "role", "document"},
    "review_paper": set(),
    "choose_role": set(),
    "fraud_review": set(),
    "suspend_account": set(),
    "reinstate_account": set(),
    "sponsor": set(),
    "request_sponsorship": set(),
    "approve_sponsorship": set(),
    "deny_sponsorship": set(),
    "end_sponsorship": {"staff", "attorney"},
    "create_application": {"applicant", "mark", "basis", "goods", "attorney", "first_use", "specimen"},
    "request_signature": set(),
    "sign_by_link": {"signature", "title"},
    "sign": {"signature", "title", "signer"},
    "submit": set(),
    "appoint_attorney": set(),
    "accept_appointment": set(),
    "decline_appointment": set(),
    "withdraw_representation": set(),
    "revoke_attorney": set(),
    "issue_office_action": {"final"},
    "request_extension": {"signature", "title"},
    "respond": {"signature", "title"},
    "petition_to_revive": {"signature", "title"},
    "approve_for_publication": set(),
    "file_opposition": set(),
    "decide_opposition": set(),
    "file_statement_of_use": {"first_use", "specimen", "signature", "title"},
    "request_sou_extension": {"signature", "title"},
}
CONTRACT_CHECKS = {
    "identity": {"state", "method", "role"},
    "filing": {"state", "serial", "fee", "flags", "no_flags", "attorneys", "pending", "deadline", "registration"},
    "can_submit": {"blocked", "blocked_exactly", "ok"},
    "sponsorship": set(),
    "access": set(),
}
CONTRACT_EXPECTATIONS = {"expect: ok", "expect: refused", "expect: codes", "expect_exactly"}
CONTRACT_CODES = set(CODES) | {"deadline_passed", "extension_not_available"}

# What the contract names and the runner does not carry out yet, and the work it waits for
# (empty since prosecution, issue 21, landed).
NOT_YET: dict[str, str] = {}


def vocabulary(steps: dict, checks: dict, codes, flags, expectations) -> set[str]:
    words = set(expectations) | {f"code {code}" for code in codes} | {f"flag {flag}" for flag in flags}
    for name, keys in steps.items():
        words |= {f"step {name}"} | {f"step {name}.{key}" for key in keys}
    for name, keys in checks.items():
        words |= {f"check {name}"} | {f"check {name}.{key}" for key in keys}
    return words


def contract() -> set[str]:
    return vocabulary(CONTRACT_STEPS, CONTRACT_CHECKS, CONTRACT_CODES, FLAGS, CONTRACT_EXPECTATIONS)


def implemented() -> set[str]:
    """What the parser accepts: its step and check tables (optional keys), and the codes
    and flags of `tmverify.reasons`."""
    steps = {name: set(optional) for name, (_, optional) in _ACTIONS.items()}
    checks = {name: set(optional) for name, (_, optional) in _CHECKS.items()}
    return vocabulary(steps, checks, CODES, FLAGS, CONTRACT_EXPECTATIONS)


def exercised() -> set[str]:
    """What the bundled scenarios use, read through the parser."""
    words = set()
    for path in LIBRARY:
        for scenario in load_file(path):
            for step in scenario.steps:
                kind = "step" if step.kind == "do" else "check"
                words |= {f"{kind} {step.name}"} | {f"{kind} {step.name}.{key}" for key in step.args}
                if step.kind == "do" and step.name not in ("set_date", "advance"):
                    if step.exactly:
                        words.add("expect_exactly")
                    elif step.expect is None:
                        words.add("expect: ok")
                    else:
                        words.add("expect: codes" if step.expect else "expect: refused")
                    words |= {f"code {code}" for code in step.expect or []}
                for key in ("blocked", "blocked_exactly"):
                    words |= {f"code {code}" for code in step.args.get(key, [])}
                for key in ("flags", "no_flags"):
                    words |= {f"flag {flag}" for flag in step.args.get(key, [])}
    return words


def test_the_library_exercises_every_step_key_check_expectation_code_and_flag_the_runner_implements(capsys):
    missing = sorted(implemented() - exercised())
    with capsys.disabled():
        print(f"\nnot yet in the runner ({len(NOT_YET)}): " + ", ".join(sorted(NOT_YET)))
    assert missing == []


def test_everything_the_contract_names_is_implemented_or_listed_as_not_yet():
    assert sorted(contract() - implemented() - set(NOT_YET)) == []


def test_nothing_listed_as_not_yet_is_implemented_so_the_list_shrinks_as_work_lands():
    assert sorted(set(NOT_YET) & implemented()) == []


def test_the_runner_implements_nothing_the_contract_does_not_name():
    assert sorted(implemented() - contract()) == []


def test_each_not_yet_entry_is_part_of_the_contract():
    assert sorted(set(NOT_YET) - contract()) == []

"""The bundled scenario library (tests/scenarios): every scenario passes when run through
the services in-process, and together they exercise every reason code and flag."""

import json
import re
from pathlib import Path

import pytest

from simulator.parser import load_file
from simulator.runner import run_scenario
from tmverify.reasons import CODES, FLAGS

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "tests" / "scenarios").glob("*.json"))
SCENARIOS_MD = ROOT.parent / "shared" / "SCENARIOS.md"


def library():
    return [scenario for path in LIBRARY for scenario in load_file(path)]


def keys_named(value, key):
    """Every value stored under `key` anywhere in a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                yield v
            yield from keys_named(v, key)
    elif isinstance(value, list):
        for item in value:
            yield from keys_named(item, key)


def test_the_library_holds_at_least_forty_scenarios_with_distinct_names():
    names = [scenario.name for scenario in library()]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", library(), ids=lambda s: f"{Path(s.file).stem}#{s.index}")
def test_every_bundled_scenario_passes(scenario):
    result = run_scenario(scenario)

    failures = [
        f"step {s.number} {s.description}: expected {s.expected}, got {s.actual}" for s in result.steps if not s.ok
    ]
    assert not result.error, result.error
    assert failures == []
    assert len(result.steps) == len(scenario.steps)


def test_the_library_expects_every_reason_code_of_the_contract():
    documents = [json.loads(path.read_text()) for path in LIBRARY]
    used = set()
    for document in documents:
        for key in ("expect", "blocked"):
            for codes in keys_named(document, key):
                if isinstance(codes, list):
                    used.update(codes)
    assert sorted(set(CODES) - used) == []


def test_the_library_checks_every_flag_of_the_contract():
    used = {flag for path in LIBRARY for flags in keys_named(json.loads(path.read_text()), "flags") for flag in flags}
    assert sorted(set(FLAGS) - used) == []


def test_the_contract_example_is_in_the_library_verbatim():
    if not SCENARIOS_MD.exists():
        pytest.skip("SCENARIOS.md is not next to this checkout")
    example = re.search(r"## A file.*?```json\n(.*?)```", SCENARIOS_MD.read_text(), re.S).group(1)
    assert (ROOT / "tests" / "scenarios" / "contract_example.json").read_text() == example

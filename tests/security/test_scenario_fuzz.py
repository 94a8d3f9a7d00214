"""The scenario parser and runner over arbitrary JSON and mutated valid scenarios: either
a ScenarioError (what `manage.py simulate` turns into exit 2) or a run with a result,
never an unhandled exception."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.parser import ScenarioError, load_file, parse_scenario
from simulator.runner import run_scenario

pytestmark = pytest.mark.django_db

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def _library() -> list:
    scenarios = []
    for path in sorted(LIBRARY.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        scenarios += data if isinstance(data, list) else [data]
    return scenarios


VALID = _library()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
# words the parser knows, so arbitrary objects often get past the first checks
known_words = st.sampled_from(
    [
        "name",
        "date",
        "policy",
        "actors",
        "steps",
        "do",
        "check",
        "actor",
        "filing",
        "ref",
        "role",
        "expect",
        "ok",
        "verify",
        "submit",
        "sign",
        "create_application",
        "owner",
        "us_attorney",
        "2023-06-01",
        "enacted",
        "li",
    ]
)


def parse_and_run(raw):
    """What simulate does with one scenario: parse it; when valid, run it."""
    try:
        scenario = parse_scenario(raw, "fuzz.json", 1)
    except ScenarioError as exc:
        assert str(exc).startswith("fuzz.json: scenario 1")
        return None
    return run_scenario(scenario)


@settings(max_examples=60, deadline=None, database=None)
@given(raw=st.one_of(json_values, st.dictionaries(known_words, json_values, max_size=6)))
def test_arbitrary_json_is_either_refused_or_run(raw):
    parse_and_run(raw)


def mutate(data, value, draw):
    """Replace, delete or add one thing somewhere inside `data` (a copy)."""
    data = json.loads(json.dumps(data))
    node = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "replace":
            node[key] = value
        elif action == "delete":
            del node[key]
        elif isinstance(node, list):
            node.insert(key, json.loads(json.dumps(child)))
        else:
            node[draw(st.text(max_size=8))] = child
        break
    return data


@pytest.mark.skipif(not VALID, reason="no scenario library")
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_valid_scenarios_are_either_refused_or_run(data):
    base = data.draw(st.sampled_from(VALID), label="scenario")
    mutated = mutate(base, data.draw(json_values, label="new value"), data.draw)
    result = parse_and_run(mutated)
    assert result is None or result.name


def test_the_unmutated_library_parses_and_runs():
    results = [parse_and_run(raw) for raw in VALID]
    assert results and all(r is not None for r in results)


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe not utf-8", b"{", b"[]", b"null", b'"text"', b"[" * 100_000, b'{"a":' * 50_000],
    ids=["empty", "not utf-8", "cut off", "no scenario", "null", "a string", "deep list", "deep object"],
)
def test_a_scenario_file_that_is_not_a_scenario_is_a_scenario_error(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ScenarioError):
        load_file(path)

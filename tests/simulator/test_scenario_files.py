"""A scenario file that is not valid is refused as a whole, naming the file, the step and
what is wrong: nothing of it runs."""

import json

import pytest

from simulator.parser import ScenarioError, load_file

GOOD_STEP = {"actor": "dana", "do": "verify", "method": "online", "result": "pass"}


def write(tmp_path, document, name="case.json"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def scenario(steps, **top):
    actors = {"dana": {"name": "Dana Kim", "role": "us_attorney"}, "li": {"name": "Li Wei", "country": "CN"}}
    return {"name": "case", "actors": actors, "steps": steps, **top}


def refusal(tmp_path, document) -> str:
    path = write(tmp_path, document)
    with pytest.raises(ScenarioError) as error:
        load_file(path)
    message = str(error.value)
    assert message.startswith(str(path))
    return message


def test_a_valid_file_holds_one_scenario_or_a_list_of_them(tmp_path):
    one = load_file(write(tmp_path, scenario([GOOD_STEP]), "one.json"))
    two = load_file(write(tmp_path, [scenario([GOOD_STEP]), scenario([], name="second")], "two.json"))

    assert [s.name for s in one] == ["case"]
    assert [(s.name, s.index) for s in two] == [("case", 1), ("second", 2)]
    assert one[0].actors["dana"].email == "dana@example.test"
    assert one[0].actors["li"].role == ""


def test_bad_json_names_the_line(tmp_path):
    assert "not valid JSON" in refusal(tmp_path, '{"name": "x",\n "steps": [}')


@pytest.mark.parametrize(
    ("step", "says"),
    [
        ({"actor": "dana", "do": "fly"}, 'unknown step "fly"'),
        ({"actor": "dana", "do": "verify", "method": "online", "colour": "red"}, "unknown key(s) colour"),
        ({"actor": "bob", "do": "verify", "method": "online"}, 'unknown actor "bob"'),
        ({"actor": "dana", "do": "submit", "filing": "A9"}, 'unknown filing "A9"'),
        ({"do": "set_date", "date": "2023-02-30"}, "'2023-02-30' is not a date"),
        ({"do": "set_date", "date": "2023-05-01"}, "moves the clock backwards"),
        ({"do": "advance", "days": -1}, "whole number, zero or more"),
        ({"actor": "dana", "do": "verify", "method": "fax"}, 'method "fax" is not one of online, video, paper'),
        (
            {"actor": "dana", "do": "verify", "method": "online", "role": "judge"},
            'role "judge" is not a trademark role',
        ),
        ({"actor": "dana", "do": "verify", "method": "paper", "result": "pass"}, "result applies to online and video"),
        ({"actor": "dana", "do": "verify", "method": "online", "expect": ["no_such_code"]}, "unknown reason code"),
        ({"check": "filing", "filing": "A1"}, 'unknown filing "A1"'),
        ({"check": "identity", "actor": "dana", "state": "happy"}, 'state "happy" is not one of'),
        ({"check": "teapot"}, 'unknown check "teapot"'),
        ({"actor": "dana", "do": "end_sponsorship"}, "exactly one of staff"),
        ({"actor": "dana"}, "exactly one of 'do'"),
        ({"actor": "dana", "do": "review_paper", "subject": "li"}, "review_paper needs decision"),
        ({"do": "advance", "days": 10**9}, "at most 36525 days"),
        ({"actor": "dana", "do": "create_application", "ref": "A1", "mark": "M" * 201}, "mark is longer than 200"),
        ({"do": ["verify"], "actor": "dana"}, 'unknown step ["verify"]'),
        ({"actor": "dana", "do": "accept_appointment", "filing": "A9"}, 'unknown filing "A9"'),
        ({"actor": "dana", "do": "decline_appointment"}, "decline_appointment needs filing"),
        ({"actor": "li", "do": "revoke_attorney", "filing": "A9", "attorney": "dana"}, 'unknown filing "A9"'),
    ],
)
def test_an_invalid_step_names_the_file_the_step_number_and_the_problem(tmp_path, step, says):
    message = refusal(tmp_path, scenario([GOOD_STEP, step]))

    assert ", step 2: " in message
    assert says in message


def test_the_backwards_clock_is_judged_against_the_days_advanced_before(tmp_path):
    steps = [{"do": "advance", "days": 10}, {"do": "set_date", "date": "2023-06-05"}]

    assert "it is 2023-06-11 by then" in refusal(tmp_path, scenario(steps))


@pytest.mark.parametrize(
    ("top", "says"),
    [
        ({"policy": "someday"}, 'unknown policy "someday"'),
        ({"date": "June 1st"}, "'June 1st' is not a date"),
        ({"author": "me"}, "unknown key(s) author"),
        ({"actors": {"x": {"name": "X Y", "role": "wizard"}}}, "unknown role 'wizard'"),
        ({"actors": {"x": {"name": "X Y", "role": "owner", "bar": "NY"}}}, "bar must be an object"),
        ({"actors": {"x": {"name": "X Y", "country": "USA"}}}, "two-letter ISO country code"),
        ({"actors": {"x": {"role": "owner"}}}, "needs a name"),
        ({"actors": {"x": {"name": "X Y", "shoe": 9}}}, "unknown key(s) shoe"),
        ({"policy": ["enacted"]}, 'unknown policy ["enacted"]'),
    ],
)
def test_an_invalid_scenario_or_actor_is_named(tmp_path, top, says):
    document = {**scenario([]), **top}

    assert says in refusal(tmp_path, document)


def test_one_bad_scenario_refuses_the_whole_file(tmp_path):
    document = [scenario([GOOD_STEP]), scenario([{"do": "jump"}], name="broken")]

    message = refusal(tmp_path, document)

    assert "scenario 2 (broken), step 1" in message


def test_json_nested_too_deeply_is_refused_as_not_valid(tmp_path):
    assert "nested too deeply" in refusal(tmp_path, "[" * 100_000)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_file(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("check", "says"),
    [
        ({"attorneys": ["bob"]}, "unknown actor(s) bob in attorneys"),
        ({"pending": "dana"}, "pending must be a list of actors"),
        ({"attorneys": [1]}, "attorneys must be a list of actors"),
    ],
)
def test_the_filing_checks_attorneys_and_pending_name_known_actors(tmp_path, check, says):
    create = {"actor": "dana", "do": "create_application", "ref": "A1"}
    message = refusal(tmp_path, scenario([GOOD_STEP, create, {"check": "filing", "filing": "A1", **check}]))

    assert ", step 3: " in message and says in message


def test_the_r24_steps_and_check_keys_are_read(tmp_path):
    steps = [
        GOOD_STEP,
        {"actor": "li", "do": "create_application", "ref": "A1", "applicant": "li", "attorney": "dana"},
        {"actor": "dana", "do": "accept_appointment", "filing": "A1"},
        {"actor": "dana", "do": "decline_appointment", "filing": "A1", "expect": ["invalid_state"]},
        {"actor": "li", "do": "revoke_attorney", "filing": "A1", "attorney": "dana"},
        {"check": "filing", "filing": "A1", "attorneys": [], "pending": ["dana", "li"]},
    ]
    (parsed,) = load_file(write(tmp_path, scenario(steps)))
    assert [step.name for step in parsed.steps[2:5]] == ["accept_appointment", "decline_appointment", "revoke_attorney"]
    assert parsed.steps[5].args == {"filing": "A1", "attorneys": [], "pending": ["dana", "li"]}

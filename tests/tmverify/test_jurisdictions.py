"""R16's United States: a domicile in a state or territory is domestic (37 CFR 2.11(a)),
and a US bar is a state's, DC's or a territory's (37 CFR 11.1, 2.17(b))."""

import pytest

from tmverify.jurisdictions import US_STATES, US_TERRITORIES, is_domestic, is_us_bar


@pytest.mark.parametrize("country", ["US", "PR", "GU", "VI", "AS", "MP", "UM", "pr"])
def test_the_united_states_and_its_territories_are_domestic(country):
    assert is_domestic(country)


@pytest.mark.parametrize("country", ["CA", "CN", "MX", "GB", "", None])
def test_other_countries_and_none_are_not_domestic(country):
    assert not is_domestic(country)


def test_fifty_states_and_dc_and_six_territories_are_us_bars():
    assert len(US_STATES) == 51 and len(US_TERRITORIES) == 6
    assert all(is_us_bar(code) and is_us_bar(name) for code, name in {**US_STATES, **US_TERRITORIES}.items())


@pytest.mark.parametrize("jurisdiction", ["NY", "ny", "N.Y.", " New  York ", "CA", "Washington, D.C.", "D.C.", "PR"])
def test_a_us_bar_is_named_by_code_or_name_whatever_the_case_dots_or_spaces(jurisdiction):
    assert is_us_bar(jurisdiction)


@pytest.mark.parametrize("jurisdiction", ["ON", "Ontario", "Quebec", "England and Wales", "Canada", "", "USA", "New"])
def test_a_provincial_or_foreign_bar_is_not_a_us_bar(jurisdiction):
    assert not is_us_bar(jurisdiction)

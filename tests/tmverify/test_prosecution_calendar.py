"""The prosecution calendar (R21, R22): USPTO month arithmetic, the 37 CFR 2.196 roll
forward over weekends and DC federal holidays, and the later forms' fees by day."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmverify import policy

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2035, 12, 31))


@given(days, st.integers(min_value=0, max_value=72))
def test_n_months_after_is_the_same_day_or_the_months_last_day(day, months):
    later = policy.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(later.year, later.month)[1]
    assert later.day == min(day.day, last)


@given(days, st.integers(min_value=0, max_value=36), st.integers(min_value=0, max_value=36))
def test_counting_months_is_monotone(day, first, second):
    first, second = sorted((first, second))
    assert policy.add_months(day, first) <= policy.add_months(day, second)


@given(days)
def test_the_next_open_day_is_open_and_every_day_before_it_is_closed(day):
    moved = policy.next_open_day(day)
    assert moved >= day
    assert not policy.is_office_closed(moved)
    assert moved.weekday() < 5
    step = day
    while step < moved:
        assert policy.is_office_closed(step)
        step += timedelta(days=1)
    assert moved - day <= timedelta(days=4)  # at most a long weekend with a holiday


@given(days)
def test_rolling_forward_twice_changes_nothing(day):
    once = policy.next_open_day(day)
    assert policy.next_open_day(once) == once


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year: the month's last day
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2023, 1, 31), 3, date(2023, 4, 30)),
        (date(2023, 3, 15), 3, date(2023, 6, 15)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2023, 10, 31), 14, date(2024, 12, 31)),
    ],
)
def test_months_as_the_uspto_counts_them(start, months, expected):
    assert policy.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("day", "moved"),
    [
        (date(2023, 6, 3), date(2023, 6, 5)),  # Saturday
        (date(2023, 6, 4), date(2023, 6, 5)),  # Sunday
        (date(2023, 6, 19), date(2023, 6, 20)),  # Juneteenth
        (date(2023, 11, 10), date(2023, 11, 13)),  # Veterans Day observed on Friday, then the weekend
        (date(2022, 12, 26), date(2022, 12, 27)),  # Christmas observed on Monday
        (date(2021, 12, 31), date(2022, 1, 3)),  # New Year's Day 2022 observed on Friday 2021-12-31
        (date(2021, 1, 20), date(2021, 1, 21)),  # Inauguration Day
        (date(2025, 1, 20), date(2025, 1, 21)),  # Inauguration Day and Martin Luther King Jr. Day
        (date(2023, 4, 17), date(2023, 4, 17)),  # DC Emancipation Day (observed) does not count
        (date(2025, 4, 16), date(2025, 4, 16)),  # nor on its own day
        (date(2023, 6, 6), date(2023, 6, 6)),  # an ordinary Tuesday
    ],
)
def test_a_deadline_on_a_closed_day_moves_to_the_next_open_day(day, moved):
    assert policy.next_open_day(day) == moved


def test_the_response_period_is_three_months_from_2022_12_03_and_six_before():
    assert policy.response_months(date(2022, 12, 2)) == 6
    assert policy.response_months(date(2022, 12, 3)) == 3


def test_the_opposition_period_ends_30_days_after_publication_and_never_moves():
    assert policy.opposition_ends(date(2023, 5, 4)) == date(2023, 6, 3)  # a Saturday, kept


@pytest.mark.parametrize(
    ("form", "on", "classes", "fee"),
    [
        ("response", date(2024, 1, 1), 1, 0),
        ("response_extension", date(2023, 1, 1), 2, 125),
        ("response_extension", date(2025, 6, 1), 1, 125),
        ("revival", date(2020, 12, 31), 1, 100),
        ("revival", date(2021, 1, 2), 1, 150),
        ("revival", date(2025, 1, 18), 1, 250),
        ("statement_of_use", date(2024, 1, 1), 2, 200),
        ("statement_of_use", date(2025, 1, 18), 2, 300),
        ("sou_extension", date(2020, 6, 1), 1, 150),
        ("sou_extension", date(2021, 1, 2), 3, 375),
        ("sou_extension", date(2025, 1, 18), 1, 250),
        ("opposition", date(2023, 1, 1), 0, 400),
    ],
)
def test_each_later_form_costs_what_37_cfr_2_6_said_on_the_day(form, on, classes, fee):
    assert policy.prosecution_fee(form, on, classes) == fee

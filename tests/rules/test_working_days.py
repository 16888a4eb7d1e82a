"""Working days in England: weekends and England bank holidays skipped."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passport.rules.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Good Friday 3 April and Easter Monday 6 April 2026
        (date(2026, 3, 27), 20, date(2026, 4, 28)),
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        # Spring bank holiday, Monday 25 May 2026
        (date(2026, 5, 22), 20, date(2026, 6, 22)),
        # Summer bank holiday, Monday 31 August 2026
        (date(2026, 8, 28), 20, date(2026, 9, 28)),
        (date(2026, 8, 21), 15, date(2026, 9, 14)),
        # Christmas 2026: Boxing Day falls on a Saturday, so Monday 28 December is a holiday
        (date(2026, 12, 23), 3, date(2026, 12, 30)),
        # A start on a weekend is not counted
        (date(2026, 11, 21), 1, date(2026, 11, 23)),
        (date(2026, 11, 25), 0, date(2026, 11, 25)),
        (date(2026, 4, 7), -1, date(2026, 4, 2)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_one_off_bank_holidays_are_not_working_days():
    assert not is_working_day(date(2022, 9, 19))  # State Funeral of Queen Elizabeth II
    assert not is_working_day(date(2023, 5, 8))  # Coronation of King Charles III
    assert is_working_day(date(2023, 5, 9))
    assert not is_working_day(date(2026, 11, 28))  # a Saturday


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 3, 27), date(2026, 4, 28)) == 20
    assert working_days_between(date(2026, 4, 28), date(2026, 3, 27)) == -20
    assert working_days_between(date(2026, 4, 3), date(2026, 4, 6)) == 0
    assert working_days_between(date(2024, 12, 20), date(2027, 1, 4)) == 512


def test_holidays_are_built_once_per_year():
    assert bank_holidays(2026) is bank_holidays(2026)
    assert date(2026, 12, 28) in bank_holidays(2026)


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31)),
    n=st.integers(min_value=0, max_value=400),
)
def test_between_inverts_add(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert is_working_day(end) or n == 0
    assert add_working_days(end, -n) <= start or n == 0


@given(
    a=st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31)),
    days=st.integers(min_value=0, max_value=60),
)
def test_between_matches_a_day_by_day_count(a, days):
    b = a + timedelta(days=days)
    expected = sum(is_working_day(a + timedelta(days=i)) for i in range(1, days + 1))
    assert working_days_between(a, b) == expected

"""Working days in England: Monday to Friday, less England and Wales bank holidays.

The calendar comes from the ``holidays`` package (country ``GB``, subdivision ``ENG``), which
includes substitute days ("Boxing Day (observed)") and one-off holidays such as the State
Funeral of 19 September 2022. Each year's holidays are built once and cached for the life of
the process, so a caseload run of thousands of records pays for each year only once.

Counting convention (used by the 20-working-day IHA rule and the 15-working-day information
request rule): the start date itself is never counted; the first working day *after* it is day
1. So ``add_working_days(start, 20)`` is the 20th working day after ``start`` and an IHA done
on that day is on time.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays

__all__ = [
    "add_working_days",
    "bank_holidays",
    "is_working_day",
    "working_days_between",
]

_ONE_DAY = timedelta(days=1)


@functools.cache
def bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in ``year`` (including substitute days)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    """True for Monday to Friday unless the day is an England bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The ``n``th working day after ``start`` (before it when ``n`` is negative).

    ``start`` is not counted, whether or not it is a working day; ``n == 0`` returns ``start``.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    day = start
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def _weekdays_up_to(day: date) -> int:
    # date.min (ordinal 1) is a Monday, so each complete week of ordinals holds five weekdays.
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    ``working_days_between(start, add_working_days(start, n)) == n`` for every ``n >= 0``.
    Runs in time proportional to the number of years spanned, not the number of days.
    """
    if b < a:
        return -working_days_between(b, a)
    weekdays = _weekdays_up_to(b) - _weekdays_up_to(a)
    holidays_on_weekdays = sum(
        1
        for year in range(a.year, b.year + 1)
        for holiday in bank_holidays(year)
        if a < holiday <= b and holiday.weekday() < 5
    )
    return weekdays - holidays_on_weekdays

"""Calendar arithmetic shared by the rules: months, ages and English school years.

Two ways of adding months, on purpose:

* ``add_months`` is for intervals ("6 months after the last assessment"): a day that does not
  exist in the target month is clamped to the month's last day (31 August + 6 months is
  28 or 29 February).
* ``age_date`` is for ages ("the day the child is 3 years 4 months old"): a day that does not
  exist rolls on to the 1st of the next month, which is how a birthday of 29 February is kept
  in England in other years (1 March). ``age_in_years`` agrees with it.

School years follow England: a child born between 1 September and 31 August of the next year
is in one year group; Reception starts in the September after the child turns 4, and Year N
starts N years later.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def parse_date(value: str | date | None) -> date | None:
    """An ISO ``YYYY-MM-DD`` string (as the exchange format holds it) as a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def required_date(value: str | date) -> date:
    """``parse_date`` for a field the format requires: never None."""
    day = parse_date(value)
    if day is None:
        raise ValueError("a required date is missing")
    return day


def add_months(day: date, months: int) -> date:
    """``day`` plus a number of months, clamped to the end of a shorter month."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_date(
    date_of_birth: date, *, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0
) -> date:
    """The day a child born on ``date_of_birth`` reaches the given age."""
    total_months = years * 12 + months
    if total_months:
        year, month_index = divmod(date_of_birth.month - 1 + total_months, 12)
        year += date_of_birth.year
        month = month_index + 1
        if date_of_birth.day > calendar.monthrange(year, month)[1]:
            reached = date(year + (month == 12), month % 12 + 1, 1)
        else:
            reached = date(year, month, date_of_birth.day)
    else:
        reached = date_of_birth
    return reached + timedelta(weeks=weeks, days=days)


def age_in_years(date_of_birth: date, on: date) -> int:
    """Completed years of age on ``on`` (a 29 February birthday counts from 1 March)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def school_year_start(date_of_birth: date, year_group: int) -> date:
    """1 September at the start of ``year_group`` (8 for Year 8) for this child."""
    cohort = date_of_birth.year if date_of_birth.month >= 9 else date_of_birth.year - 1
    return date(cohort + 5 + year_group, 9, 1)


def school_year_end(date_of_birth: date, year_group: int) -> date:
    """31 August at the end of ``year_group`` for this child."""
    return date(school_year_start(date_of_birth, year_group).year + 1, 8, 31)


def long_date(day: date | str | None) -> str:
    """``10 June 2026``: the date style of every message, page and document of the product
    (an ISO string is read as a date; no date is the empty string). The one date formatter:
    the documents, the pages and the FHIR narrative all use it."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

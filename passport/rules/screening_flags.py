"""The screening-on-arrival flags, from what ``screening`` reads of a record.

UASC_SCREENING_INCOMPLETE (an unaccompanied asylum-seeking child) or
ARRIVAL_SCREENING_INCOMPLETE (another child who arrived from abroad in the last 5 years, with a
known ``child.arrived_in_uk``): a test indicated by status and country of origin has no result
other than ``pending``. BCG_ELIGIBLE: a new entrant from a high-incidence TB country with no BCG
recorded and no positive TB result (NICE NG33). The decisions are in the docstrings of
``checks`` and ``screening``, the sources in ``docs/rules.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from . import screening
from .dates import add_months
from .record_view import Child, make_flag
from .report import Flag

__all__ = ["arrival_flags"]

_TEST_NAMES = screening.TEST_NAMES


def _tests_text(tests: Sequence[str]) -> str:
    names = [_TEST_NAMES[test] for test in tests]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def arrival_flags(record: Mapping[str, Any], child: Child, as_of: date) -> list[Flag]:
    found = screening.arrival(record)
    if found is None:
        return []
    arrived = found.arrived_on or child.entered_care
    return [
        *_screening_incomplete_flags(record, found, arrived, as_of),
        *_bcg_flags(record, found, child, arrived, as_of),
    ]


def _country_reason(found: screening.Arrival) -> str:
    """Why these tests: the country of origin, or that the table does not know it."""
    if found.country is None:
        return ""
    if found.known_country:
        return f" ({found.country_name}: by country of origin)"
    return (
        f" ({found.country}: not in the country table, so every test is "
        f"prompted; check the Migrant Health Guide country page)"
    )


def _screening_incomplete_flags(
    record: Mapping[str, Any], found: screening.Arrival, arrived: date, as_of: date
) -> list[Flag]:
    """UASC_SCREENING_INCOMPLETE or ARRIVAL_SCREENING_INCOMPLETE: a test has no result."""
    new_entrant = as_of < add_months(arrived, 60)
    tests = screening.indicated_tests(found)
    if not found.uasc and not (found.arrived_on is not None and new_entrant):
        tests = []  # only new entrants with a known arrival date are screened by country
    missing, waiting = screening.outstanding_tests(record, tests, as_of)
    if not missing:
        return []
    waiting_text = f" (awaiting the result for {_tests_text(waiting)})" if waiting else ""
    history = (
        " Take a sexual history: syphilis and other infections are tested by history too."
        if "syphilis" not in missing and found.uasc
        else ""
    )
    code = "UASC_SCREENING_INCOMPLETE" if found.uasc else "ARRIVAL_SCREENING_INCOMPLETE"
    return [
        make_flag(
            code,
            "warning",
            f"Screening on arrival has no result for {_tests_text(missing)}{waiting_text}"
            f"{_country_reason(found)}. Arrange the tests or record the results.{history}",
            missing=missing,
            since=arrived,
            country=found.country_name,
        )
    ]


def _bcg_flags(
    record: Mapping[str, Any], found: screening.Arrival, child: Child, arrived: date, as_of: date
) -> list[Flag]:
    """BCG_ELIGIBLE: a new entrant from a high-incidence TB country, no BCG, no positive test."""
    if not screening.bcg_eligible(record, found, child.date_of_birth, child.entered_care, as_of):
        return []
    return [
        make_flag(
            "BCG_ELIGIBLE",
            "warning",
            f"Came from {found.country_name}, a country with a high rate of TB, and no BCG is "
            f"recorded. Look for a BCG scar; if there is none and the TB test is negative, "
            f"offer BCG (NICE NG33).",
            since=arrived,
            country=found.country_name,
        )
    ]

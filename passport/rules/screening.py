"""Screening by country of origin and history for a child who arrived from abroad.

The country facts are data (``arrival_screening.json`` in this package, each with its
sources); this module only reads a record against them. It reads two fields that format /2
will carry and /1 does not: ``child.country_of_origin`` (an ISO 3166-1 alpha-2 code or the
English name) and ``child.arrived_in_uk`` (an ISO date). Records without them behave as before:
an unaccompanied asylum-seeking child is prompted for TB, hepatitis B and C and HIV.

Which tests are indicated (RCPCH; Migrant Health Guide; NICE NG33):

* every unaccompanied asylum-seeking child: TB, hepatitis B, hepatitis C, HIV;
* by country: TB from a high-incidence country (40 or more per 100,000), hepatitis B where
  prevalence is intermediate or high, hepatitis C and HIV where the country page says to offer
  them to every new entrant, syphilis with HIV, schistosomiasis and strongyloides where
  endemic;
* a country the table does not know: every test, so a gap in the data never hides one.

A recorded result other than ``pending`` counts as done (``declined`` is an answer). TB,
hepatitis and HIV, syphilis are matched on the format's ``test`` code; schistosomiasis and
strongyloides are ``parasites`` (or ``other``) tests whose ``name`` says which ("Schistosoma
serology", "Strongyloides serology"): a parasite screen that does not say cannot be counted
for either, since stool microscopy misses both.

BCG (NICE NG33): offered to a previously unvaccinated new entrant from a high-incidence
country who is under 16, or 16 to 35 and from sub-Saharan Africa or a country of 500 or more
per 100,000, once a TB test is negative. A recorded BCG, or a positive TB result (treated
instead), ends the prompt. "New entrant" means arrived in the last 5 years; with no arrival
date the entry into care stands in for it. Only a child whose country of origin is recorded is
prompted (a country the table does not know counts as high incidence).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from .dates import add_months, age_in_years, parse_date

__all__ = [
    "ARRIVAL_TESTS",
    "TEST_NAMES",
    "UASC_TESTS",
    "Arrival",
    "arrival",
    "bcg_eligible",
    "indicated_tests",
    "load_countries",
    "outstanding_tests",
]

UASC_TESTS = ("tb", "hepatitis_b", "hepatitis_c", "hiv")
ARRIVAL_TESTS = (
    "tb",
    "hepatitis_b",
    "hepatitis_c",
    "hiv",
    "syphilis",
    "schistosomiasis",
    "strongyloides",
)
TEST_NAMES = {
    "tb": "TB",
    "hepatitis_b": "hepatitis B",
    "hepatitis_c": "hepatitis C",
    "hiv": "HIV",
    "syphilis": "syphilis",
    "schistosomiasis": "schistosomiasis",
    "strongyloides": "strongyloides",
}
_BY_NAME = {
    "schistosomiasis": re.compile(r"schisto|bilharz", re.IGNORECASE),
    "strongyloides": re.compile(r"strongyl", re.IGNORECASE),
}
_HIGH_TB = {"40 to 499", "500 or more"}


@functools.cache
def load_countries() -> Mapping[str, Any]:
    """The packaged country table, read once per process."""
    text = (
        resources.files(__package__).joinpath("arrival_screening.json").read_text(encoding="utf-8")
    )
    data: Mapping[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True, slots=True)
class Arrival:
    """What the record says of the child's arrival from abroad."""

    country: str | None  # as recorded
    facts: Mapping[str, Any] | None  # the table's row, None when the country is not in it
    arrived_on: date | None
    uasc: bool

    @property
    def known_country(self) -> bool:
        return self.facts is not None

    @property
    def country_name(self) -> str | None:
        return self.facts["name"] if self.facts else self.country

    @property
    def tb_high_incidence(self) -> bool:
        """From a country of 40 or more per 100,000, or one the table does not know."""
        return self.facts is None or self.facts.get("tb_per_100k") in _HIGH_TB


def _country_facts(country: str) -> Mapping[str, Any] | None:
    table: Mapping[str, Mapping[str, Any]] = load_countries()["countries"]
    key = country.strip()
    if key.upper() in table:
        return table[key.upper()]
    wanted = key.casefold()
    return next((row for row in table.values() if str(row["name"]).casefold() == wanted), None)


def arrival(record: Mapping[str, Any]) -> Arrival | None:
    """The child's arrival from abroad, or None for a child not known to come from abroad
    (no country of origin, the UK, and not an unaccompanied asylum seeker)."""
    child = record["child"]
    country = (child.get("country_of_origin") or "").strip() or None
    facts = _country_facts(country) if country else None
    uasc = bool(child.get("unaccompanied_asylum_seeking"))
    if facts is not None and facts.get("home"):
        return (
            None if not uasc else Arrival(None, None, parse_date(child.get("arrived_in_uk")), uasc)
        )
    if country is None and not uasc:
        return None
    return Arrival(country, facts, parse_date(child.get("arrived_in_uk")), uasc)


def indicated_tests(found: Arrival) -> list[str]:
    """The tests this child should be offered, in a fixed order."""
    wanted: set[str] = set(UASC_TESTS) if found.uasc else set()
    if found.country is not None:
        facts = found.facts
        if facts is None:
            wanted |= set(ARRIVAL_TESTS)
        else:
            if facts.get("tb_per_100k") in _HIGH_TB:
                wanted.add("tb")
            if facts.get("hepatitis_b") in ("intermediate", "high"):
                wanted.add("hepatitis_b")
            for test in ("hepatitis_c", "hiv", "schistosomiasis", "strongyloides"):
                if facts.get(test):
                    wanted.add(test)
            if facts.get("hiv"):
                wanted.add("syphilis")
    return [test for test in ARRIVAL_TESTS if test in wanted]


def _test_of(entry: Mapping[str, Any]) -> list[str]:
    test = entry["test"]
    if test in ("parasites", "other"):
        name = str(entry.get("name") or "")
        return [key for key, pattern in _BY_NAME.items() if pattern.search(name)]
    return [test]


def outstanding_tests(
    record: Mapping[str, Any], tests: Sequence[str], as_of: date
) -> tuple[list[str], list[str]]:
    """(tests without a result, those of them awaiting one), both in ``tests`` order."""
    done: set[str] = set()
    pending: set[str] = set()
    for entry in record.get("screening") or ():
        tested_on = parse_date(entry.get("date"))
        if tested_on is not None and tested_on > as_of:
            continue
        for test in _test_of(entry):
            (pending if entry["result"] == "pending" else done).add(test)
    missing = [test for test in tests if test not in done]
    return missing, [test for test in missing if test in pending]


def bcg_eligible(
    record: Mapping[str, Any], found: Arrival, date_of_birth: date, entered_care: date, as_of: date
) -> bool:
    """NICE NG33: should BCG be considered for this child on ``as_of``? See the module."""
    if found.country is None or not found.tb_high_incidence:
        return False
    arrived = found.arrived_on or entered_care
    if as_of >= add_months(arrived, 12 * load_countries()["new_entrant_years"]):
        return False
    age = age_in_years(date_of_birth, as_of)
    facts = found.facts or {}
    very_high = facts.get("tb_per_100k") == "500 or more" or found.facts is None
    if not (age < 16 or (age <= 35 and (facts.get("sub_saharan_africa") or very_high))):
        return False
    for entry in record.get("immunisations") or ():
        given = parse_date(entry.get("date"))
        if str(entry.get("vaccine", "")).strip().casefold() == "bcg" and (
            given is None or given <= as_of
        ):
            return False
    for entry in record.get("screening") or ():
        tested_on = parse_date(entry.get("date"))
        if (
            entry["test"] == "tb"
            and entry["result"] == "positive"
            and (tested_on is None or tested_on <= as_of)
        ):
            return False
    return True

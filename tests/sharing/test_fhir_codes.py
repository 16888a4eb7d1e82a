"""The codes table the FHIR bundle uses: every code is a well-formed SNOMED CT identifier,
every row cites a source with a confidence, and docs/fhir-codes.md lists exactly the table."""

from __future__ import annotations

import pytest

from passport.sharing.fhir import codes
from tests.conftest import ROOT

ROWS = [
    *[
        (f"{v}, {'any dose' if d is None else f'dose {d}'}", c)
        for (v, d), c in codes.VACCINATION_PROCEDURES.items()
    ],
    *[(v, c) for v, cs in codes.TARGET_DISEASES.items() for c in cs],
    *codes.ALLERGIES.items(),
    *codes.CONDITIONS.items(),
    *codes.RESULTS.items(),
]

# Verhoeff's tables: SNOMED CT identifiers end with a Verhoeff check digit.
_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def verhoeff_ok(number: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(number)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


def test_verhoeff_catches_a_typo():
    assert verhoeff_ok("38598009")  # MMR, from S1
    assert not verhoeff_ok("38598008")
    assert not verhoeff_ok("38589009")


@pytest.mark.parametrize(("words", "code"), ROWS, ids=lambda x: getattr(x, "code", x))
def test_each_code_is_a_concept_id_with_a_cited_source(words, code):
    """SNOMED CT: 6 to 18 digits, a Verhoeff check digit, and the partition identifier (the
    two digits before it) of a concept: 00 (international) or 10 (an extension)."""
    assert code.code.isdigit() and 6 <= len(code.code) <= 18
    assert verhoeff_ok(code.code), code.code
    assert code.code[-3:-1] in ("00", "10"), code.code
    assert code.source in codes.SOURCES
    assert code.confidence in ("H", "M")  # L (test data only) is left out


def test_the_docs_page_lists_exactly_the_table():
    page = (ROOT / "docs" / "fhir-codes.md").read_text(encoding="utf-8")
    rows = {line for line in page.splitlines() if line.startswith("| ") and line[2:3] != "-"}
    for words, code in ROWS:
        display = code.display or "(not verified)"
        expected = f"| {words} | {code.code} | {display} | {code.source} | {code.confidence} |"
        assert expected in rows, expected
    listed = [line for line in rows if line.split(" | ")[1:2] and line.split(" | ")[1].isdigit()]
    assert len(listed) == len(ROWS)


def test_a_dose_without_its_own_code_takes_the_any_dose_code_or_none():
    assert codes.vaccination_procedure("MMR", 2).code == "170433008"
    assert codes.vaccination_procedure("MMR", None).code == "38598009"
    assert codes.vaccination_procedure("Td/IPV", 3).code == "414619005"
    assert codes.vaccination_procedure("5-in-1", 3) is None
    assert codes.vaccination_procedure("MenC", 1) is None


def test_words_match_whole_ignoring_case_and_spacing():
    assert codes.concept_for("  PEANUT ", codes.ALLERGIES)["coding"][0]["code"] == "91935009"
    assert codes.concept_for("Peanut butter", codes.ALLERGIES) == {"text": "Peanut butter"}

"""The record as every flag module reads it: the child, the assessments, and the flag maker.

``read_child`` and ``read_assessments`` take one record in the exchange format on one day
(``as_of``); the rules for who is in care are in ``checks`` (the module docstring).
``make_flag`` builds a ``Flag`` and leaves out the extra keys that are None, so a flag's JSON
only names what it knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .dates import age_date, long_date, parse_date
from .report import Flag

__all__ = ["KIND", "WHO", "Assessment", "Child", "make_flag", "read_assessments", "read_child"]

KIND = {"IHA": "initial health assessment", "RHA": "review health assessment"}
WHO = {
    "gp": "the GP",
    "camhs": "CAMHS",
    "school_nurse": "the school nurse",
    "health_visitor": "the health visitor",
    "previous_authority": "the previous local authority",
    "hospital": "the hospital",
    "other": "another service",
}


@dataclass(frozen=True, slots=True)
class Assessment:
    id: str
    type: str
    date: date
    data: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{KIND.get(self.type, 'health assessment')} {self.id} on {long_date(self.date)}"


@dataclass(frozen=True, slots=True)
class Child:
    ref: str
    name: str
    date_of_birth: date
    entered_care: date
    left_care: date | None
    in_care: bool


def read_child(record: Mapping[str, Any], as_of: date) -> Child:
    child = record["child"]
    date_of_birth = parse_date(child["date_of_birth"])
    entered = parse_date(child["entered_care"])
    left = parse_date(child.get("left_care"))
    assert date_of_birth is not None and entered is not None
    in_care = (
        entered <= as_of
        and (left is None or as_of < left)
        and as_of < age_date(date_of_birth, years=18)
    )
    name = child.get("preferred_name") or child.get("given_name") or child["ref"]
    return Child(child["ref"], name, date_of_birth, entered, left, in_care)


def read_assessments(record: Mapping[str, Any], as_of: date) -> list[Assessment]:
    found = []
    for data in record.get("assessments") or ():
        when = parse_date(data["date"])
        if when is not None and when <= as_of:
            found.append(Assessment(data["id"], data["type"], when, data))
    found.sort(key=lambda assessment: assessment.date)  # stable: record order breaks ties
    return found


def make_flag(code: str, severity: str, message: str, **extra: Any) -> Flag:
    return Flag(
        code, severity, message, {key: value for key, value in extra.items() if value is not None}
    )

"""Hypothesis strategies that build valid lac-health-record/1 and /2 records from the JSON
Schemas' shape.

The schema (/1 vendored in docs/format/lac-health-record-1, /2 in docs/format) is walked: every object gets its required fields and any subset of
its optional ones, every string its pattern or length, every number its bounds. Then the rules the
schema cannot say (real NHS numbers, dates between birth and today and in order, unique
assessment ids, references that resolve) are made true, so every record drawn must import.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from tests.conftest import ROOT, SPEC

SCHEMA = json.loads((SPEC / "lac-health-record.schema.json").read_text())
SCHEMA_2 = json.loads((ROOT / "docs" / "format" / "lac-health-record-2.schema.json").read_text())
PLAIN_TEXT = st.characters(blacklist_categories=("Cs", "Cc"))


def resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    return node


def from_node(
    node: dict[str, Any], dates: st.SearchStrategy[date], defs: dict[str, Any]
) -> st.SearchStrategy:
    node = resolve(node, defs)
    if node.get("format") == "date":
        return dates.map(date.isoformat)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object":
        return objects(node, dates, defs)
    if kind == "array":
        items = from_node(node["items"], dates, defs)
        return st.lists(items, max_size=4)
    if kind == "string":
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).filter(
                lambda s: len(s) <= node.get("maxLength", 10_000)
            )
        return st.text(
            PLAIN_TEXT,
            min_size=node.get("minLength", 0),
            max_size=min(node.get("maxLength", 40), 40),
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(node.get("minimum", 0), node.get("maximum", 100))
    if kind == "number":
        low = node.get("exclusiveMinimum", node.get("minimum", 0))
        high = node["maximum"]
        floats = st.floats(
            low, high, exclude_min="exclusiveMinimum" in node, allow_nan=False, allow_infinity=False
        )
        ints = st.integers(int(low) + 1, int(high))
        return st.one_of(floats, ints)
    raise AssertionError(f"no strategy for {node}")


def objects(
    node: dict[str, Any], dates: st.SearchStrategy[date], defs: dict[str, Any]
) -> st.SearchStrategy:
    properties = node.get("properties", {})
    required = set(node.get("required", []))

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out = {}
        for key, sub in properties.items():
            if key in required or draw(st.booleans()):
                out[key] = draw(from_node(sub, dates, defs))
        return out

    return build()


def nhs_check_digit(first_nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else None if check == 10 else check


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    while True:
        first_nine = "999" + draw(st.text("0123456789", min_size=6, max_size=6))
        check = nhs_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


def _sort_pair(obj: dict[str, Any], earlier: str, later: str) -> None:
    if earlier in obj and later in obj and obj[later] < obj[earlier]:
        obj[earlier], obj[later] = obj[later], obj[earlier]


# Dates that must come in order within one item: (section, earlier, later).
ORDERED_PAIRS = (
    ("placements", "start", "end"),
    ("conditions", "onset", "resolved_on"),
    ("medications", "started", "stopped"),
    ("mental_health", "referred_on", "discharged_on"),
    ("information_requests", "sent_on", "received_on"),
    ("information_requests", "sent_on", "withdrawn_on"),
    ("screening", "date", "result_on"),
    ("hospital_episodes", "date", "discharged_on"),
)


def _consent_agrees(record: dict[str, Any]) -> None:
    """/2: a family entry's consent state and the /1 yes or no must agree (given is yes)."""
    for entry in record.get("family_history", []):
        if "consent_state" in entry and "consent_to_share_with_young_person" in entry:
            entry["consent_to_share_with_young_person"] = entry["consent_state"] == "given"


def _own_ids_once(record: dict[str, Any]) -> None:
    """/2: each of the young person's own notes and appointments has its id once in its list."""
    own = record.get("young_person_own") or {}
    for kind in ("notes", "appointments"):
        for index, entry in enumerate(own.get(kind, [])):
            entry["id"] = f"{entry['id'][:60]}-{index}"


@st.composite
def records(draw: st.DrawFn, today: date, schema: dict[str, Any] = SCHEMA) -> dict[str, Any]:
    born = draw(st.dates(date(2001, 1, 1), today))
    dates = st.dates(born, today)
    record = draw(objects(schema, dates, schema["$defs"]))
    child = record["child"]
    child["date_of_birth"] = born.isoformat()
    if "nhs_number" in child:
        child["nhs_number"] = draw(nhs_numbers())
    _sort_pair(child, "entered_care", "left_care")
    if child["entered_care"] < child["date_of_birth"]:  # cannot happen; dates start at birth
        child["entered_care"] = child["date_of_birth"]
    for section, earlier, later in ORDERED_PAIRS:
        for item in record.get(section, []):
            _sort_pair(item, earlier, later)
    ids = []
    for index, assessment in enumerate(record.get("assessments", [])):
        assessment["id"] = f"{assessment['id'][:60]}-{index}"
        ids.append(assessment["id"])
        for action in assessment.get("health_plan", []):
            if "due" in action:  # a plan may be due in the future
                action["due"] = draw(st.dates(born, today + timedelta(days=400))).isoformat()
    _consent_agrees(record)
    for request in record.get("information_requests", []):
        if ids and draw(st.booleans()):
            request["for_assessment"] = draw(st.sampled_from(ids))
        else:
            request.pop("for_assessment", None)
    choices = record.get("young_person_choices")
    if choices is not None and "summary_quotes" in choices:  # /2: ids of this record, each once
        choices["summary_quotes"] = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    _own_ids_once(record)
    if draw(st.booleans()):
        record["x_local"] = draw(
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(PLAIN_TEXT, max_size=10),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(PLAIN_TEXT, max_size=5), inner, max_size=3)
                ),
                max_leaves=6,
            )
        )
    return record

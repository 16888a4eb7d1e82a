"""Format /2 `young_person_choices`: what a care leaver chose for their summary goes into the
record, so it travels in the export and shows in the history; a /1 file cannot carry it and a
quote must name an assessment of the record, once."""

from __future__ import annotations

import json

import jsonschema
import pytest

from passport.records.changes import describe
from passport.records.service import RecordRefused, check_record, export_record, import_record
from tests.conftest import ROOT, TODAY
from tests.helpers import import_then_export, with_parts

SCHEMA_2 = json.loads((ROOT / "docs" / "format" / "lac-health-record-2.schema.json").read_text())
DANIEL = json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())
CHOICES = {"show_birth_details": True, "summary_quotes": ["RHA-2021", "RHA-2026"]}


def with_choices(choices: dict) -> dict:
    return with_parts(DANIEL, young_person_choices=choices)


def test_the_choices_go_through_import_and_export(db):
    record = with_choices(CHOICES)
    jsonschema.validate(record, SCHEMA_2)
    exported = import_then_export(db, record)
    assert exported["young_person_choices"] == CHOICES
    jsonschema.validate(exported, SCHEMA_2)


def test_a_record_without_choices_exports_none(db):
    with db.transaction() as session:
        import_record(session, check_record(DANIEL, lambda: TODAY), actor="test")
    with db.transaction() as session:
        assert "young_person_choices" not in export_record(session, DANIEL["child"]["ref"])


def test_a_version_1_file_cannot_carry_the_choices():
    record = json.loads(
        (
            ROOT / "docs" / "format" / "lac-health-record-1" / "examples" / "jordan-typical.json"
        ).read_text()
    )
    record["young_person_choices"] = {"show_birth_details": False}
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [str(e) for e in refused.value.errors] == [
        "young_person_choices: is new in lac-health-record/2: "
        "a lac-health-record/1 file cannot carry it"
    ]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (
            {"summary_quotes": ["RHA-2026", "RHA-1999"]},
            'young_person_choices.summary_quotes[1]: names no assessment in this record ("RHA-1999")',
        ),
        (
            {"summary_quotes": ["RHA-2026", "RHA-2026"]},
            'young_person_choices.summary_quotes[1]: "RHA-2026" is chosen twice',
        ),
        (
            {"show_birth_details": "yes"},
            "young_person_choices.show_birth_details: must be true or false",
        ),
        (
            {"birth": True},
            "young_person_choices.birth: is not a field of lac-health-record (/1 or /2)",
        ),
    ],
)
def test_bad_choices_are_refused_naming_the_field(choices, message):
    with pytest.raises(RecordRefused) as refused:
        check_record(with_choices(choices), lambda: TODAY)
    assert message in [str(e) for e in refused.value.errors]


def test_the_history_says_what_was_chosen():
    before = json.loads(json.dumps(DANIEL))
    after = with_choices(CHOICES)
    said = describe(before, after)
    assert "Summary choice: birth details shown" in said
    assert "Summary choice: own words from RHA-2021, RHA-2026" in said
    back = describe(after, with_choices({"summary_quotes": []}))
    assert "Summary choice: birth details not chosen yet" in back
    assert "Summary choice: own words from none" in back

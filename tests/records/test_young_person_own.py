"""Format /2 `young_person_own`: the young person's own part of their passport (issue 16)
goes into the record, so it travels in the export, comes back on import and shows in the
history; it never changes the nurse's fields, a /1 file cannot carry it, and its dates and
ids are checked like the rest of the record."""

from __future__ import annotations

import json

import jsonschema
import pytest

from passport.records.changes import describe
from passport.records.current import current_view
from passport.records.service import (
    RecordRefused,
    check_record,
    export_record,
    import_record,
    load_record,
)
from tests.conftest import ROOT, TODAY
from tests.helpers import import_then_export, own_part, with_parts

SCHEMA_2 = json.loads((ROOT / "docs" / "format" / "lac-health-record-2.schema.json").read_text())
DANIEL = json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())
OWN = own_part("Ask about my knee <b>soon</b>", dentist="Dentist")


def with_own(own: dict) -> dict:
    return with_parts(DANIEL, young_person_own=own)


def test_the_own_part_goes_through_import_and_export_unchanged(db):
    record = with_own(OWN)
    jsonschema.validate(record, SCHEMA_2)
    exported = import_then_export(db, record)
    assert exported["young_person_own"] == OWN
    # The nurse's own fields are not touched by theirs.
    assert exported["child"].get("preferred_name") == DANIEL["child"].get("preferred_name")
    assert exported["child"].get("pronouns") == DANIEL["child"].get("pronouns")
    jsonschema.validate(exported, SCHEMA_2)
    # And the export imports again as it was.
    assert (
        check_record(exported, lambda: TODAY)["young_person_own"]["notes"][0]["text"]
        == (OWN["notes"][0]["text"])
    )


def test_a_record_without_an_own_part_exports_none(db):
    with db.transaction() as session:
        import_record(session, check_record(DANIEL, lambda: TODAY), actor="test")
    with db.transaction() as session:
        assert "young_person_own" not in export_record(session, DANIEL["child"]["ref"])
        loaded = load_record(session, DANIEL["child"]["ref"])
        assert not current_view(loaded, "young_person", TODAY).own_part
        assert not current_view(DANIEL, "young_person", TODAY).own_part


def test_a_version_1_file_cannot_carry_it():
    record = json.loads(
        (
            ROOT / "docs" / "format" / "lac-health-record-1" / "examples" / "jordan-typical.json"
        ).read_text()
    )
    record["young_person_own"] = {"pronouns": "she/her"}
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [str(e) for e in refused.value.errors] == [
        "young_person_own: is new in lac-health-record/2: a lac-health-record/1 file cannot carry it"
    ]


@pytest.mark.parametrize(
    ("own", "message"),
    [
        (
            {"notes": [{"id": "n1", "text": "x", "written_on": "2026-12-01"}]},
            "young_person_own.notes[0].written_on: must not be in the future "
            "(2026-12-01 is after today)",
        ),
        (
            {"appointments": [{"id": "a1", "what": "GP", "date": "1990-01-01"}]},
            "young_person_own.appointments[0].date: must not be before the date of birth",
        ),
        (
            {"appointments": [{"id": "a1", "what": "GP", "date": "2027-01-01", "time": "25:00"}]},
            "young_person_own.appointments[0].time: must be a time written HH:MM",
        ),
        (
            {
                "notes": [
                    {"id": "n1", "text": "x", "written_on": "2026-11-01"},
                    {"id": "n1", "text": "y", "written_on": "2026-11-02"},
                ]
            },
            'young_person_own.notes[1].id: "n1" is already the id of young_person_own.notes[0]',
        ),
        (
            {"notes": [{"id": "n1", "text": "", "written_on": "2026-11-01"}]},
            "young_person_own.notes[0].text: must not be empty",
        ),
        ({"mood": "good"}, "young_person_own.mood: is not a field of lac-health-record"),
    ],
)
def test_its_dates_and_ids_are_checked(own, message):
    with pytest.raises(RecordRefused) as refused:
        check_record(with_own(own), lambda: TODAY)
    assert any(str(e).startswith(message) for e in refused.value.errors), refused.value.errors


def test_an_appointment_to_come_is_allowed():
    own = {"appointments": [{"id": "a1", "what": "GP", "date": "2027-06-01"}]}
    assert check_record(with_own(own), lambda: TODAY)["young_person_own"]["appointments"]


def test_the_history_says_what_they_did_in_their_own_name():
    before = check_record(DANIEL, lambda: TODAY)
    after = check_record(with_own(OWN), lambda: TODAY)
    lines = describe(before, after)
    name = DANIEL["child"].get("preferred_name") or DANIEL["child"]["given_name"]
    assert f"{name} added a note of their own: \u201cAsk about my knee <b>soon</b>\u201d" in lines
    assert (
        f"{name} added an appointment of their own: Physio on 14 December 2026 at 09:30, Northfield"
    ) in lines
    assert f"{name} added their pronouns: he/they" in lines
    changed = with_own(
        {**OWN, "notes": [], "appointments": [{**OWN["appointments"][0], "where": "Eastgate"}]}
    )
    lines = describe(after, check_record(changed, lambda: TODAY))
    assert f"{name} removed a note of their own: \u201cAsk about my knee <b>soon</b>\u201d" in lines
    assert (
        f"{name} changed an appointment of their own to Physio on 14 December 2026 at 09:30, "
        "Eastgate"
    ) in lines
    assert f"{name} removed an appointment of their own: Dentist on 2 October 2026" in lines


def test_the_view_sorts_appointments_and_keeps_them_from_carers():
    record = with_own(OWN)
    view = current_view(record, "young_person", TODAY).own_part
    assert [a["id"] for a in view.appointments_to_come] == ["a1"]
    assert [a["id"] for a in view.appointments_past] == ["a2"]
    assert view.preferred_name == "Danny"
    assert current_view(record, "staff", TODAY).own_part.notes == OWN["notes"]
    assert not current_view(record, "carer", TODAY).own_part

"""lac-health-record/2: files in /1 and /2 both import, /1 is upgraded with nothing lost,
export writes /2, and a /1 file cannot carry what is new in /2."""

from __future__ import annotations

import json

import jsonschema
import pytest

from passport.records.service import RecordRefused, check_record, export_record, import_record
from tests.conftest import ROOT, SPEC, TODAY

SCHEMA_2 = json.loads((ROOT / "docs" / "format" / "lac-health-record-2.schema.json").read_text())
JORDAN = json.loads((SPEC / "examples" / "jordan-typical.json").read_text())


def arrived() -> dict:
    record = json.loads(json.dumps(JORDAN))
    record["format"] = "lac-health-record/2"
    record["child"].update(country_of_origin="ER", arrived_in_uk="2025-09-01")
    return record


def test_a_version_2_file_keeps_country_and_arrival_through_import_and_export(db):
    record = arrived()
    jsonschema.validate(record, SCHEMA_2)
    with db.transaction() as session:
        import_record(session, check_record(record, lambda: TODAY), actor="test")
    with db.transaction() as session:
        exported = export_record(session, record["child"]["ref"])
    assert exported["format"] == "lac-health-record/2"
    assert exported["child"]["country_of_origin"] == "ER"
    assert exported["child"]["arrived_in_uk"] == "2025-09-01"
    jsonschema.validate(exported, SCHEMA_2)


def test_a_version_1_file_is_upgraded_on_import_with_nothing_lost(db):
    with db.transaction() as session:
        import_record(session, check_record(JORDAN, lambda: TODAY), actor="test")
    with db.transaction() as session:
        exported = export_record(session, JORDAN["child"]["ref"])
    assert exported == {
        **JORDAN,
        "format": "lac-health-record/2",
        "child": {
            **JORDAN["child"],
            **{k: v for k, v in exported["child"].items() if k not in JORDAN["child"]},
        },
    }
    assert "country_of_origin" not in exported["child"]
    jsonschema.validate(exported, SCHEMA_2)


@pytest.mark.parametrize("field", ["country_of_origin", "arrived_in_uk"])
def test_a_version_1_file_cannot_carry_what_is_new_in_version_2(field):
    record = arrived()
    record["format"] = "lac-health-record/1"
    record["child"] = {k: v for k, v in record["child"].items() if k in (field, *JORDAN["child"])}
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [str(e) for e in refused.value.errors] == [
        f"child.{field}: is new in lac-health-record/2: a lac-health-record/1 file cannot carry it"
    ]


@pytest.mark.parametrize(
    ("arrival", "message"),
    [
        (
            "2026-12-25",
            "child.arrived_in_uk: must not be in the future (2026-12-25 is after today)",
        ),
        ("2000-01-01", "child.arrived_in_uk: must not be before the date of birth (2011-04-12)"),
    ],
)
def test_the_arrival_date_is_checked_like_every_date(arrival, message):
    record = arrived()
    record["child"]["arrived_in_uk"] = arrival
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert message in [str(e) for e in refused.value.errors]


# What /2 adds to /1, by JSON Schema definition, and how docs/format names each path.
ADDED = {
    ("child", "country_of_origin"): "child.country_of_origin",
    ("child", "arrived_in_uk"): "child.arrived_in_uk",
    ("medication", "stop_reason"): "medications[].stop_reason",
    ("allergy", "status"): "allergies[].status",
    ("allergy", "status_on"): "allergies[].status_on",
    ("allergy", "status_by"): "allergies[].status_by",
    ("allergy", "status_reason"): "allergies[].status_reason",
    ("plan_action", "status_by"): "assessments[].health_plan[].status_by",
    ("plan_action", "cancelled_on"): "assessments[].health_plan[].cancelled_on",
    ("plan_action", "cancelled_reason"): "assessments[].health_plan[].cancelled_reason",
    ("information_request", "withdrawn_on"): "information_requests[].withdrawn_on",
    ("information_request", "withdrawn_reason"): "information_requests[].withdrawn_reason",
    ("screening", "result_on"): "screening[].result_on",
    ("immunisation", "status"): "immunisations[].status",
    ("immunisation", "status_reason"): "immunisations[].status_reason",
    ("immunisation", "status_by"): "immunisations[].status_by",
    ("plan_action", "booked_on"): "assessments[].health_plan[].booked_on",
    ("plan_action", "booked_for"): "assessments[].health_plan[].booked_for",
    ("plan_action", "booked_by"): "assessments[].health_plan[].booked_by",
    ("contacts", "out_of_hours"): "contacts.out_of_hours",
    ("practitioner", "registration_body"): "assessments[].practitioner.registration_body",
    ("practitioner", "registration_number"): "assessments[].practitioner.registration_number",
    ("family_history_entry", "consent_state"): "family_history[].consent_state",
    ("family_history_entry", "consent_on"): "family_history[].consent_on",
    ("family_history_entry", "consent_by"): "family_history[].consent_by",
    ("family_history_entry", "notes_for"): "family_history[].notes_for",
    ("immunisation", "notes_for"): "immunisations[].notes_for",
    ("condition", "notes_for"): "conditions[].notes_for",
    ("mental_health_episode", "notes_for"): "mental_health[].notes_for",
    ("birth_history", "notes_for"): "birth_history.notes_for",
    **{
        ("hospital_episode", field): f"hospital_episodes[].{field}"
        for field in ("kind", "date", "discharged_on", "where", "why", "notes", "notes_for")
    },
    **{
        ("health_advice", field): f"health_advice[].{field}"
        for field in ("topic", "date", "by", "notes", "notes_for")
    },
    **{
        ("young_person_choices", field): f"young_person_choices.{field}"
        for field in ("show_birth_details", "summary_quotes")
    },
    **{
        ("young_person_own", field): f"young_person_own.{field}"
        for field in ("preferred_name", "pronouns", "what_matters", "notes", "appointments")
    },
}
# Whole sections new in /2: section -> the definition of one of its items.
NEW_SECTIONS = {
    "hospital_episodes": "hospital_episode",
    "health_advice": "health_advice",
    "young_person_choices": "young_person_choices",  # one object, not a list
    "young_person_own": "young_person_own",  # one object, not a list
}
NEW_DEFINITIONS = set(NEW_SECTIONS.values())


def test_the_version_2_schema_adds_to_version_1_only_what_is_documented():
    from passport.records.schemas import NEW_IN_2, NEW_IN_2_PLAN_ACTION, SECTIONS_NEW_IN_2

    schema_1 = json.loads((SPEC / "lac-health-record.schema.json").read_text())
    added = set()
    for name, definition in SCHEMA_2["$defs"].items():
        if name in NEW_DEFINITIONS:
            assert name not in schema_1["$defs"]
            added |= {(name, field) for field in definition["properties"]}
            continue
        old = schema_1["$defs"][name]
        new_properties = set(definition.get("properties", {})) - set(old.get("properties", {}))
        added |= {(name, field) for field in new_properties}
        kept = {
            k: v for k, v in definition.get("properties", {}).items() if k not in new_properties
        }
        assert kept == old.get("properties", {}), name
        assert {k: v for k, v in definition.items() if k != "properties"} == {
            k: v for k, v in old.items() if k != "properties"
        }, name
    assert added == set(ADDED)
    assert SCHEMA_2["properties"]["format"] == {"const": "lac-health-record/2"}
    new_sections = set(SCHEMA_2["properties"]) - set(schema_1["properties"])
    assert new_sections == set(NEW_SECTIONS)
    for section, definition in NEW_SECTIONS.items():
        node = SCHEMA_2["properties"][section]
        assert node.get("items", node) == {"$ref": f"#/$defs/{definition}"}
    page = (ROOT / "docs" / "format" / "lac-health-record-2.md").read_text()
    for path in [*ADDED.values(), *NEW_SECTIONS]:
        assert f"`{path}`" in page
    # The loader refuses each new field, and each new section, in a /1 file.
    from passport.records.schemas import NEW_IN_2_PRACTITIONER

    sections = {
        "medication": "medications",
        "allergy": "allergies",
        "information_request": "information_requests",
        "immunisation": "immunisations",
        "family_history_entry": "family_history",
        "condition": "conditions",
        "mental_health_episode": "mental_health",
    }
    assert {(section, name) for section, names in NEW_IN_2.items() for name in names} | {
        ("plan_action", name) for name in NEW_IN_2_PLAN_ACTION
    } | {("practitioner", name) for name in NEW_IN_2_PRACTITIONER} == {
        (sections.get(d, d), f) for d, f in ADDED if d not in NEW_DEFINITIONS
    }
    assert set(SECTIONS_NEW_IN_2) == set(NEW_SECTIONS)


def test_a_version_1_file_cannot_carry_a_stop_reason():
    record = json.loads(json.dumps(JORDAN))
    record["medications"] = [
        {
            "name": "Melatonin",
            "started": "2020-01-01",
            "stopped": "2021-01-01",
            "stop_reason": "Sleeping well",
        }
    ]
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [str(e) for e in refused.value.errors] == [
        "medications[0].stop_reason: is new in lac-health-record/2: a lac-health-record/1 "
        "file cannot carry it"
    ]


def test_a_version_1_file_cannot_carry_a_cancelled_plan_actions_reason_or_a_withdrawal():
    record = json.loads(json.dumps(JORDAN))
    action = {"action": "Eye test", "owner": "carer", "status": "cancelled"}
    record["assessments"][0]["health_plan"] = [{**action, "cancelled_reason": "Done at school"}]
    record["information_requests"] = [
        {"to": "gp", "sent_on": record["assessments"][0]["date"], "withdrawn_on": "2026-01-05"}
    ]
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    new_in_2 = "is new in lac-health-record/2: a lac-health-record/1 file cannot carry it"
    assert sorted(str(e) for e in refused.value.errors) == [
        f"assessments[0].health_plan[0].cancelled_reason: {new_in_2}",
        f"information_requests[0].withdrawn_on: {new_in_2}",
    ]
    record["format"] = "lac-health-record/2"
    loaded = check_record(record, lambda: TODAY)
    assert loaded["information_requests"][0]["withdrawn_on"].isoformat() == "2026-01-05"


def test_a_request_cannot_be_withdrawn_before_it_was_sent():
    record = json.loads(json.dumps(JORDAN))
    record["format"] = "lac-health-record/2"
    record["information_requests"] = [
        {"to": "gp", "sent_on": "2026-01-05", "withdrawn_on": "2026-01-04"}
    ]
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [e.path for e in refused.value.errors] == ["information_requests[0].withdrawn_on"]


def test_the_country_and_arrival_reach_the_rules_through_the_store(cli, db):
    """Yusuf's fixture (/2) names Sudan and his arrival: imported and read back from the
    database, the rules prompt the tests Sudan calls for and plan catch-up from his arrival."""
    from passport.records.exchange import as_exchange_json
    from passport.records.service import load_record
    from passport.rules import check_record as check_rules

    assert cli("import", str(ROOT / "fixtures" / "fx-yusuf.json")).exit_code == 0
    with db.transaction() as session:
        record = as_exchange_json(load_record(session, "FX-YUSUF"))
    assert record["child"]["country_of_origin"] == "SD"
    flags = {flag.code: flag.message for flag in check_rules(record, TODAY).flags}
    assert "schistosomiasis and strongyloides" in flags["UASC_SCREENING_INCOMPLETE"]
    assert "Sudan" in flags["BCG_ELIGIBLE"]
    assert flags["IMMUNISATIONS_INCOMPLETE"].startswith("Catch-up plan from 14 July 2026")


def not_given_and_consent() -> dict:
    """Jordan in /2 with a declined dose, the IHA doctor's register and a consent state."""
    record = arrived()
    record["immunisations"].append(
        {
            "vaccine": "MMR",
            "dose": 2,
            "date": "2026-05-03",
            "source": "gp_record",
            "status": "declined",
            "status_reason": "Parent's wish",
            "status_by": "Dr A Example",
        }
    )
    record["assessments"][0]["practitioner"].update(
        registration_body="GMC", registration_number="7012345"
    )
    record["family_history"] = [
        {
            "relative": "birth_mother",
            "condition": "Asthma",
            "category": "physical",
            "consent_state": "refused",
            "consent_on": "2026-02-01",
            "consent_by": "Sam Patel",
            "consent_to_share_with_young_person": False,
        }
    ]
    return record


def test_a_dose_not_given_the_register_and_a_consent_state_survive_import_and_export(db):
    record = not_given_and_consent()
    jsonschema.validate(record, SCHEMA_2)
    with db.transaction() as session:
        import_record(session, check_record(record, lambda: TODAY), actor="test")
    with db.transaction() as session:
        exported = export_record(session, record["child"]["ref"])
    assert exported["immunisations"][-1] == record["immunisations"][-1]
    assert exported["assessments"][0]["practitioner"] == record["assessments"][0]["practitioner"]
    assert exported["family_history"] == record["family_history"]


@pytest.mark.parametrize(
    ("state", "may_see"), [("given", False), ("refused", True), ("asked", True)]
)
def test_a_consent_state_that_contradicts_the_yes_or_no_is_refused(state, may_see):
    record = not_given_and_consent()
    record["family_history"][0].update(
        consent_state=state, consent_to_share_with_young_person=may_see
    )
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    [error] = refused.value.errors
    assert error.path == "family_history[0].consent_state"
    assert "consent_to_share_with_young_person is " + ("true" if may_see else "false") in (
        error.message
    )


def test_a_consent_date_in_the_future_is_refused():
    record = not_given_and_consent()
    record["family_history"][0]["consent_on"] = "2027-01-01"
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [e.path for e in refused.value.errors] == ["family_history[0].consent_on"]


def test_a_version_1_file_cannot_carry_a_registration_body():
    record = json.loads(json.dumps(JORDAN))
    record["assessments"][0]["practitioner"]["registration_body"] = "GMC"
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [str(e) for e in refused.value.errors] == [
        "assessments[0].practitioner.registration_body: is new in lac-health-record/2: a "
        "lac-health-record/1 file cannot carry it"
    ]


EPISODE = {
    "kind": "operation",
    "date": "2025-06-02",
    "discharged_on": "2025-06-04",
    "where": "Example General Hospital",
    "why": "Appendix removed",
}
ADVICE = {"topic": "registering_with_a_gp", "date": "2026-03-10", "by": "Sam Patel, LAC nurse"}


def test_hospital_episodes_and_health_advice_go_through_import_and_export(db):
    record = arrived()
    record["hospital_episodes"] = [EPISODE, {"kind": "emergency_attendance", "date": "2026-01-05"}]
    record["health_advice"] = [ADVICE]
    jsonschema.validate(record, SCHEMA_2)
    with db.transaction() as session:
        import_record(session, check_record(record, lambda: TODAY), actor="test")
    with db.transaction() as session:
        exported = export_record(session, record["child"]["ref"])
    assert exported["hospital_episodes"] == record["hospital_episodes"]
    assert exported["health_advice"] == [ADVICE]
    jsonschema.validate(exported, SCHEMA_2)


@pytest.mark.parametrize("section", ["hospital_episodes", "health_advice"])
def test_a_version_1_file_cannot_carry_the_new_sections(section):
    record = json.loads(json.dumps(JORDAN))
    record[section] = [EPISODE if section == "hospital_episodes" else ADVICE]
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [str(e) for e in refused.value.errors] == [
        f"{section}: is new in lac-health-record/2: a lac-health-record/1 file cannot carry it"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"discharged_on": "2025-06-01"},
            "hospital_episodes[0].discharged_on: must be on or after date (2025-06-02)",
        ),
        (
            {"date": "2027-01-02", "discharged_on": "2027-01-03"},
            "hospital_episodes[0].date: must not be in the future (2027-01-02 is after today)",
        ),
        (
            {"date": "2001-01-01", "discharged_on": None},
            "hospital_episodes[0].date: must not be before the date of birth (2011-04-12)",
        ),
    ],
)
def test_a_hospital_episodes_dates_must_be_possible(change, message):
    record = arrived()
    record["hospital_episodes"] = [
        {k: v for k, v in {**EPISODE, **change}.items() if v is not None}
    ]
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert message in [str(e) for e in refused.value.errors]


def test_health_advice_needs_a_known_topic_and_a_date():
    record = arrived()
    record["health_advice"] = [{"topic": "vaping"}]
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    paths = {e.path for e in refused.value.errors}
    assert paths == {"health_advice[0].topic", "health_advice[0].date"}


def booked_and_out_of_hours() -> dict:
    """Jordan's record in /2 with an out-of-hours contact and a booked carer's action."""
    record = json.loads(json.dumps(JORDAN))
    record["format"] = "lac-health-record/2"
    record.setdefault("contacts", {})["out_of_hours"] = {
        "name": "Emergency duty team",
        "team": "Example City Council",
        "phone": "01632 960900",
    }
    record["assessments"][0]["health_plan"] = [
        {
            "action": "Dental check-up",
            "owner": "carer",
            "status": "open",
            "due": "2027-01-31",
            "booked_on": "2026-11-20",
            "booked_for": "2026-12-07",  # an appointment may be in the future
            "booked_by": "Jo Carer",
        },
        {
            "action": "Eye test",
            "owner": "carer",
            "status": "done",
            "completed_on": "2026-11-28",
            "status_by": "Jo Carer",
            "booked_on": "2026-11-01",  # a done action keeps its booking
        },
    ]
    return record


def test_a_booking_and_the_out_of_hours_contact_go_through_import_and_export(db):
    record = booked_and_out_of_hours()
    jsonschema.validate(record, SCHEMA_2)
    with db.transaction() as session:
        import_record(session, check_record(record, lambda: TODAY), actor="test")
    with db.transaction() as session:
        exported = export_record(session, record["child"]["ref"])
    assert exported["contacts"]["out_of_hours"] == record["contacts"]["out_of_hours"]
    assert exported["assessments"][0]["health_plan"] == record["assessments"][0]["health_plan"]
    jsonschema.validate(exported, SCHEMA_2)


def test_a_version_1_file_cannot_carry_a_booking_or_an_out_of_hours_contact():
    record = booked_and_out_of_hours()
    record["format"] = "lac-health-record/1"
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    new_in_2 = "is new in lac-health-record/2: a lac-health-record/1 file cannot carry it"
    assert sorted(str(e) for e in refused.value.errors) == [
        f"assessments[0].health_plan[0].booked_by: {new_in_2}",
        f"assessments[0].health_plan[0].booked_for: {new_in_2}",
        f"assessments[0].health_plan[0].booked_on: {new_in_2}",
        f"assessments[0].health_plan[1].booked_on: {new_in_2}",
        f"assessments[0].health_plan[1].status_by: {new_in_2}",
        f"contacts.out_of_hours: {new_in_2}",
    ]


def test_a_booking_cannot_be_made_in_the_future_but_may_be_for_a_day_to_come():
    record = booked_and_out_of_hours()
    record["assessments"][0]["health_plan"][0]["booked_on"] = "2026-11-30"
    with pytest.raises(RecordRefused) as refused:
        check_record(record, lambda: TODAY)
    assert [str(e) for e in refused.value.errors] == [
        "assessments[0].health_plan[0].booked_on: must not be in the future "
        "(2026-11-30 is after today)"
    ]

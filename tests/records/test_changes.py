"""The history says what changed between two versions in plain words (issue 14)."""

from __future__ import annotations

import copy
import json
from datetime import date

from passport.records.changes import describe
from tests.conftest import ROOT


def daniel() -> dict:
    return json.loads((ROOT / "fixtures" / "fx-daniel.json").read_text())


def test_the_first_version_has_nothing_to_compare_with():
    assert describe(None, daniel()) == []


def test_an_unchanged_record_says_nothing():
    assert describe(daniel(), daniel()) == []


def test_a_stopped_medicine_is_said_with_its_date_and_reason():
    before = daniel()
    after = copy.deepcopy(before)
    gel = next(m for m in after["medications"] if m["name"].startswith("Adapalene"))
    gel.update(stopped=date(2023, 3, 14), stop_reason="trial off medication agreed")
    assert describe(before, after) == [
        "Adapalene 0.1% gel: stopped on 14 March 2023 - trial off medication agreed"
    ]


def test_a_changed_dose_says_from_and_to():
    before = daniel()
    after = copy.deepcopy(before)
    gel = next(m for m in after["medications"] if m["name"].startswith("Adapalene"))
    gel["dose"] = "Twice a day"
    assert describe(before, after) == [
        "Adapalene 0.1% gel: dose changed from Thin layer at night to Twice a day"
    ]


def test_an_allergy_ruled_out_names_who_and_why():
    before = daniel()
    after = copy.deepcopy(before)
    pen = next(a for a in after["allergies"] if a["substance"] == "Penicillin")
    pen.update(
        status="refuted",
        status_on="2026-11-20",
        status_by="Allergy clinic",
        status_reason="Negative oral challenge",
    )
    assert describe(before, after) == [
        "Penicillin: ruled out on 20 November 2026 by Allergy clinic - Negative oral challenge"
    ]


def test_an_entry_removed_and_one_added_are_each_named():
    before = daniel()
    after = copy.deepcopy(before)
    removed = after["allergies"].pop(0)
    after["conditions"].append({"name": "Hay fever", "status": "active"})
    lines = describe(before, after)
    assert f"Allergy removed: {removed['substance']}" in lines
    assert "Condition added: Hay fever" in lines
    assert len(lines) == 2


def test_child_details_and_checks_are_said_in_uk_words():
    before = daniel()
    after = copy.deepcopy(before)
    after["child"]["preferred_name"] = "Danny"
    after.setdefault("dental_checks", []).append("2026-11-20")
    lines = describe(before, after)
    assert "Dental check added: 20 November 2026" in lines
    assert any(line == "Preferred name changed from Dan to Danny" for line in lines)


def test_a_plan_action_done_is_said_under_its_assessment():
    before = daniel()
    after = copy.deepcopy(before)
    assessment = next(a for a in after["assessments"] if a.get("health_plan"))
    action = assessment["health_plan"][0]
    action.update(status="done", completed_on="2026-11-20")
    lines = describe(before, after)
    assert lines, lines
    assert all(line.startswith(("Initial health", "Review health")) for line in lines)
    assert any("20 November 2026" in line for line in lines)


def test_a_hospital_episode_added_says_what_when_where_and_why():
    before = daniel()
    before.pop("hospital_episodes", None)
    after = copy.deepcopy(before)
    after["hospital_episodes"] = [
        {
            "kind": "operation",
            "date": "2025-06-02",
            "where": "Example General Hospital",
            "why": "appendix removed",
        },
        {"kind": "emergency_attendance", "date": "2026-01-05"},
    ]
    assert describe(before, after) == [
        "Hospital episode added: operation on 2 June 2025 at Example General Hospital"
        " - appendix removed",
        "Hospital episode added: A&E attendance on 5 January 2026",
    ]


def test_a_discharge_date_added_later_is_said_against_its_episode():
    before = daniel()
    before["hospital_episodes"] = [{"kind": "admission", "date": "2025-06-02", "where": "EGH"}]
    after = copy.deepcopy(before)
    after["hospital_episodes"][0]["discharged_on"] = "2025-06-05"
    assert describe(before, after) == [
        "Hospital episode, admission on 2 June 2025 at EGH: date discharged added: 5 June 2025"
    ]


def test_health_advice_given_names_the_topic_the_date_and_who():
    before = daniel()
    before.pop("health_advice", None)
    after = copy.deepcopy(before)
    after["health_advice"] = [
        {"topic": "registering_with_a_gp", "date": "2026-03-10", "by": "Sam Patel"}
    ]
    assert describe(before, after) == [
        "Health advice added: Registering with a GP on 10 March 2026 by Sam Patel"
    ]

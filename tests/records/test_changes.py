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


def test_a_dose_not_given_says_declined_when_why_and_who_decided():
    before = daniel()
    after = copy.deepcopy(before)
    after["immunisations"].append(
        {
            "vaccine": "MMR",
            "dose": 2,
            "date": "2026-05-03",
            "source": "gp_record",
            "status": "declined",
            "status_reason": "parent's wish",
            "status_by": "Dr A Example",
        }
    )
    assert describe(before, after) == [
        "MMR dose 2: declined on 3 May 2026 - parent's wish, decided by Dr A Example"
    ]


def test_a_dose_corrected_to_contraindicated_is_said_so():
    before = daniel()
    before["immunisations"].append({"vaccine": "BCG", "date": "2026-05-03", "source": "gp_record"})
    after = copy.deepcopy(before)
    after["immunisations"][-1].update(status="contraindicated", status_reason="HIV positive")
    assert describe(before, after) == [
        "BCG: not given (contraindicated) on 3 May 2026 - HIV positive"
    ]


def test_a_relatives_consent_is_said_with_when_and_who():
    before = daniel()
    before["family_history"] = [
        {"relative": "birth_mother", "condition": "Asthma", "category": "physical"}
    ]
    after = copy.deepcopy(before)
    after["family_history"][0].update(
        consent_state="refused",
        consent_on="2026-02-01",
        consent_by="Sam Patel",
        consent_to_share_with_young_person=False,
    )
    assert describe(before, after) == [
        "Birth mother, Asthma: relative's consent refused on 1 February 2026, by Sam Patel"
    ]


def test_the_assessors_register_is_said_in_words():
    before = daniel()
    after = copy.deepcopy(before)
    after["assessments"][0]["practitioner"].update(registration_body="GMC")
    [line] = describe(before, after)
    assert line.endswith(": practitioner's register added: GMC")

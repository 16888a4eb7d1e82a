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


def test_a_move_is_said_as_the_end_of_one_placement_and_the_start_of_the_next():
    before = daniel()
    after = copy.deepcopy(before)
    after["placements"][-1]["end"] = "2026-03-03"
    after["placements"].append(
        {"start": "2026-03-03", "type": "foster_care", "carer_ref": "FC-0200", "area": "in_area"}
    )
    assert describe(before, after) == [
        "Placement with SI-0031 ended on 3 March 2026 - moved to a new carer",
        "Placement added: foster care with FC-0200, from 3 March 2026",
    ]


def test_a_placement_ended_with_no_move_and_one_changed():
    before = daniel()
    after = copy.deepcopy(before)
    after["placements"][-1]["end"] = "2026-03-03"
    after["placements"][3]["host_authority"] = "Eastmoor Borough Council"
    assert describe(before, after) == [
        "Placement (residential with RH-0203, out of area (Westmoor Borough Council), from "
        "11 May 2019): host authority changed from Westmoor Borough Council to Eastmoor "
        "Borough Council",
        "Placement with SI-0031 ended on 3 March 2026",
    ]


def test_the_child_details_say_the_estimated_date_of_birth_and_nhs_number_in_words():
    before = daniel()
    after = copy.deepcopy(before)
    after["child"].update(
        date_of_birth="2008-12-01", date_of_birth_is_estimate=True, nhs_number="9991234578"
    )
    assert describe(before, after) == [
        "Date of birth marked as estimated",
        "NHS number changed from 9996304183 to 9991234578",
        "Date of birth changed from 20 December 2008 to 1 December 2008",
    ]
    assert describe(after, before)[0] == "Date of birth no longer marked as estimated"


def test_contacts_changed_removed_and_added():
    before = daniel()
    after = copy.deepcopy(before)
    after["contacts"]["gp"].update(name="Riverside Surgery", ods_code="Y99055")
    del after["contacts"]["social_worker"]
    after["contacts"]["social_worker"] = {"name": "Omar Haddad"}
    del after["contacts"]["optician"]
    assert describe(before, after) == [
        "GP: name changed from Ashgrove Medical Practice to Riverside Surgery",
        "GP: ODS code changed from Y99021 to Y99055",
        "Optician removed: Clearview Opticians",
        "Social worker: name changed from Hannah Cole to Omar Haddad",
        "Social worker: team removed (was Leaving Care Team)",
        "Social worker: phone removed (was 01632 960230)",
        "Social worker: email removed (was hannah.cole@example.org)",
    ]


def test_an_entry_entered_in_error_is_said_so_with_the_reason():
    before = daniel()
    after = copy.deepcopy(before)
    del after["allergies"][0]
    assert describe(before, after, "Entered in error: recorded on the wrong child") == [
        "Entered in error: Penicillin allergy - recorded on the wrong child"
    ]
    gone = copy.deepcopy(before)
    del gone["medications"][2]
    assert describe(before, gone, "Entered in error: never prescribed") == [
        "Entered in error: Methylphenidate modified-release (medicine) - never prescribed"
    ]


def test_an_entry_removed_for_another_reason_is_not_called_an_error():
    before = daniel()
    after = copy.deepcopy(before)
    del after["allergies"][0]
    assert describe(before, after, "Imported again") == ["Allergy removed: Penicillin"]


def test_a_plan_action_done_or_cancelled_says_when_who_and_why():
    before = daniel()
    done = copy.deepcopy(before)
    rha = next(a for a in done["assessments"] if a["id"] == "RHA-2026")
    rha["health_plan"][0].update(status="done", completed_on="2026-11-20", status_by="Sam Patel")
    assert describe(before, done) == [
        "Review health assessment of 9 March 2026: give Daniel his care-leaver health summary "
        "and go through it with him: done on 20 November 2026 by Sam Patel"
    ]
    cancelled = copy.deepcopy(before)
    rha = next(a for a in cancelled["assessments"] if a["id"] == "RHA-2026")
    rha["health_plan"][1].update(
        status="cancelled", cancelled_on="2026-11-21", cancelled_reason="Has an HC2 already"
    )
    rha["health_plan"][1]["owner"] = "lac_nurse"
    assert describe(before, cancelled) == [
        "Review health assessment of 9 March 2026: apply for an HC2 certificate (help with NHS "
        "costs) with the personal adviser: cancelled on 21 November 2026 - Has an HC2 already",
        "Review health assessment of 9 March 2026: apply for an HC2 certificate (help with NHS "
        "costs) with the personal adviser: who will do it changed from The young person to "
        "LAC nurse",
    ]


def test_an_information_request_withdrawn_says_when_and_why():
    before = daniel()
    after = copy.deepcopy(before)
    after["information_requests"][0].update(
        withdrawn_on="2009-03-20", withdrawn_reason="Discharge summary came with the baby"
    )
    del after["information_requests"][0]["received_on"]
    assert describe(before, after) == [
        "Information request to Hospital, 17 March 2009: withdrawn on 20 March 2009 - "
        "Discharge summary came with the baby",
        "Hospital, 17 March 2009: date answered removed (was 26 March 2009)",
    ]


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

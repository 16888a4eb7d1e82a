"""Issue 15, the FHIR bundle inside a link: each example the issue gives, as a test.

A receiving GP reads the bundle with software, not only with eyes: what is current, what
status each entry has and what it is (a code) must be in the data, not only in the words."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from fhir.resources.R4B.bundle import Bundle

from passport.records.audience import STAFF, YOUNG_PERSON
from passport.records.current import current_view
from passport.sharing.fhir import ips_bundle
from tests.conftest import ROOT, SPEC

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
SNOMED = "http://snomed.info/sct"
DAR = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
DANIEL = ROOT / "fixtures" / "fx-daniel.json"
YUSUF = ROOT / "fixtures" / "fx-yusuf.json"
AMARA = ROOT / "fixtures" / "fx-amara.json"
JORDAN = SPEC / "examples" / "jordan-typical.json"


def load(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def build(record: dict, **options) -> dict:
    bundle = ips_bundle(record, document_title="My health passport", pdf=None, now=NOW, **options)
    Bundle.model_validate(bundle)
    return bundle


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def section(bundle: dict, code: str) -> dict:
    sections = bundle["entry"][0]["resource"]["section"]
    return next(s for s in sections if code in [c["code"] for c in s["code"].get("coding", [])])


def entries(bundle: dict, code: str) -> list[dict]:
    resources_by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    return [resources_by_url[e["reference"]] for e in section(bundle, code).get("entry", [])]


def words(div: str) -> str:
    return " ".join("".join(ET.fromstring(div).itertext()).split())  # noqa: S314


def snomed(concept: dict) -> list[str]:
    return [c["code"] for c in concept.get("coding", []) if c["system"] == SNOMED]


def test_a_medicine_without_dates_still_has_effective_with_a_data_absent_reason():
    """ "MedicationStatement.effective[x] is missing when a medicine has no dates (IPS makes it
    1..1)"."""
    record = load(JORDAN)
    record["medications"] = [{"name": "Emollient cream", "dose": "Twice a day"}]
    [statement] = resources(build(record), "MedicationStatement")
    assert "effectivePeriod" not in statement and "effectiveDateTime" not in statement
    assert statement["_effectiveDateTime"] == {"extension": [{"url": DAR, "valueCode": "unknown"}]}
    assert statement["status"] == "active"


def test_daniels_old_medicines_are_completed_and_only_adapalene_is_active():
    """Daniel's emollient, salbutamol and methylphenidate ended between 2014 and 2023: the
    bundle says so in the data, as the current view has it, and lists the current one first."""
    statements = entries(build(load(DANIEL)), "10160-0")
    assert [(s["medicationCodeableConcept"]["text"], s["status"]) for s in statements] == [
        ("Adapalene 0.1% gel", "active"),
        ("Methylphenidate modified-release", "completed"),
        ("Emollient cream", "completed"),
        ("Salbutamol 100 micrograms inhaler with spacer", "completed"),
    ]
    assert statements[1]["effectivePeriod"] == {"start": "2017-09-04", "end": "2023-07-10"}


def test_a_medicine_stopping_after_today_is_still_active():
    """Status comes from the current view on the day the bundle is made, not from whether a
    stop date is written down: a course ending next week is still being taken."""
    record = load(DANIEL)
    record["medications"][3]["stopped"] = "2026-12-10"
    record["medications"][3]["stop_reason"] = "Planned end of the course"
    adapalene = entries(build(record), "10160-0")[0]
    assert adapalene["status"] == "active"
    assert adapalene["effectivePeriod"]["end"] == "2026-12-10"
    assert adapalene["statusReason"] == [{"text": "Planned end of the course"}]


def test_resolved_and_ruled_out_conditions_leave_the_problem_list():
    """ "Resolved and ruled-out conditions sit in the Problems section (IPS: problems currently
    monitored)": they go to History of Past Illness (11348-0)."""
    record = load(JORDAN)  # Asthma ruled out, short sight active
    record["conditions"].append({"name": "Tonsillitis", "status": "resolved"})
    record["conditions"].append({"name": "Migraine", "status": "suspected"})
    bundle = build(record)
    problems = [c["code"]["text"] for c in entries(bundle, "11450-4")]
    past = [c["code"]["text"] for c in entries(bundle, "11348-0")]
    assert problems == ["Short sight (myopia)", "Migraine"]
    assert past == ["Asthma", "Tonsillitis"]
    migraine = entries(bundle, "11450-4")[1]
    assert migraine["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert "Asthma" not in words(section(bundle, "11450-4")["text"]["div"])
    assert "Ruled out" in words(section(bundle, "11348-0")["text"]["div"])


def test_allergy_status_comes_from_the_record():
    """ "Every allergy is sent active and confirmed": resolved stays resolved, a label disproved
    by testing is refuted (with a clinicalStatus, as FHIR R4 ait-1 requires)."""
    record = load(JORDAN)
    record["format"] = "lac-health-record/2"
    record["allergies"] = [
        {"substance": "Peanut", "severity": "severe"},
        {"substance": "Egg", "status": "resolved", "status_on": "2024-05-01"},
        {
            "substance": "Penicillin",
            "status": "refuted",
            "status_on": "2026-03-01",
            "status_reason": "Negative oral challenge",
        },
    ]
    bundle = build(record)
    statuses = {
        a["code"]["text"]: (
            a["clinicalStatus"]["coding"][0]["code"],
            a["verificationStatus"]["coding"][0]["code"],
        )
        for a in resources(bundle, "AllergyIntolerance")
    }
    assert statuses == {
        "Peanut": ("active", "confirmed"),
        "Egg": ("resolved", "confirmed"),
        "Penicillin": ("inactive", "refuted"),
    }
    narrative = words(section(bundle, "48765-2")["text"]["div"])
    assert "Gone (resolved)" in narrative and "Not allergic" in narrative


def test_the_ips_profiles_are_declared():
    """ "No IPS profile is declared"."""
    bundle = build(load(DANIEL))
    assert bundle["meta"]["profile"] == [IPS + "Bundle-uv-ips"]
    assert bundle["entry"][0]["resource"]["meta"]["profile"] == [IPS + "Composition-uv-ips"]
    for kind, profile in (
        ("Patient", "Patient-uv-ips"),
        ("MedicationStatement", "MedicationStatement-uv-ips"),
        ("AllergyIntolerance", "AllergyIntolerance-uv-ips"),
        ("Condition", "Condition-uv-ips"),
        ("Immunization", "Immunization-uv-ips"),
        ("Procedure", "Procedure-uv-ips"),
        ("Observation", "Observation-results-uv-ips"),
    ):
        found = resources(bundle, kind)
        assert found, kind
        assert all(r["meta"]["profile"] == [IPS + profile] for r in found), kind


def test_the_gp_practice_is_referenced_as_an_ips_organization_with_its_ods_code():
    """ "The GP is not referenced": Patient.generalPractitioner points at the practice, an
    Organization named by its ODS code."""
    bundle = build(load(DANIEL))
    [patient] = resources(bundle, "Patient")
    [reference] = patient["generalPractitioner"]
    practice = next(
        e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference["reference"]
    )
    assert practice["resourceType"] == "Organization"
    assert practice["meta"]["profile"] == [IPS + "Organization-uv-ips"]
    assert practice["name"] == "Ashgrove Medical Practice"
    assert practice["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "Y99021"}
    ]


def test_vaccines_carry_the_uk_procedure_code_and_their_target_diseases():
    """ "Entries carry text only, no codes": a UK schedule vaccine carries its SNOMED CT
    vaccination procedure (UK Core extension; per dose where the code says the dose) and the
    diseases it protects against; a vaccine with no code in the table keeps its text only."""
    record = load(JORDAN)
    record["immunisations"] = [
        {"vaccine": "MMR", "date": "2012-05-01", "dose": 1},
        {"vaccine": "MMR", "date": "2015-06-01", "dose": 2},
        {"vaccine": "MenC", "date": "2011-08-01", "dose": 1},
    ]
    immunizations = {
        (i["vaccineCode"]["text"], i["occurrenceDateTime"]): i
        for i in resources(build(record), "Immunization")
    }

    def procedure(immunization):
        [extension] = immunization["extension"]
        assert extension["url"] == (
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-VaccinationProcedure"
        )
        return snomed(extension["valueCodeableConcept"])

    assert procedure(immunizations[("MMR", "2012-05-01")]) == ["38598009"]
    assert procedure(immunizations[("MMR", "2015-06-01")]) == ["170433008"]
    [applied] = immunizations[("MMR", "2015-06-01")]["protocolApplied"]
    assert [snomed(d)[0] for d in applied["targetDisease"]] == ["14189004", "36989005", "36653000"]
    assert applied["doseNumberPositiveInt"] == 2
    men_c = immunizations[("MenC", "2011-08-01")]
    assert "extension" not in men_c and men_c["vaccineCode"] == {"text": "MenC"}


def test_common_allergies_and_conditions_are_coded_and_keep_their_words():
    bundle = build(load(AMARA))  # peanut allergy
    [peanut] = resources(bundle, "AllergyIntolerance")
    assert snomed(peanut["code"]) == ["91935009"] and peanut["code"]["text"] == "Peanut"
    eczema = [c for c in resources(bundle, "Condition") if c["code"]["text"] == "Eczema"]
    assert [snomed(c["code"]) for c in eczema] == [["43116000"]]
    uncoded = [c for c in resources(bundle, "Condition") if not snomed(c["code"])]
    assert all(c["code"]["text"] for c in uncoded)


def test_screening_results_are_in_results_with_pending_ones_registered():
    """Yusuf's TB test is negative; his hepatitis C and HIV results are awaited."""
    bundle = build(load(YUSUF))
    results = {o["code"]["text"]: o for o in entries(bundle, "30954-2")}
    tb = results["Interferon-gamma release assay (IGRA)"]
    assert tb["status"] == "final" and tb["effectiveDateTime"] == "2026-09-14"
    assert snomed(tb["valueCodeableConcept"]) == ["260385009"]
    assert tb["category"][0]["coding"][0]["code"] == "laboratory"
    hiv = results["HIV test"]
    assert hiv["status"] == "registered" and not any(k.startswith("value") for k in hiv)
    # The follow-up notes (written for staff) stay in the record.
    assert "agreed after a second talk" not in json.dumps(bundle)


def test_the_open_plan_this_reader_may_see_is_the_plan_of_care():
    record = load(DANIEL)
    for_daniel = health_plans(entries(build(record), "18776-5"))
    [plan] = for_daniel
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert [a["detail"]["description"][:31] for a in plan["activity"]] == [
        "Apply for an HC2 certificate (h"
    ]
    assert plan["activity"][0]["detail"]["scheduledPeriod"] == {"end": "2026-12-18"}
    for_staff = health_plans(entries(build(record, audience=STAFF), "18776-5"))
    assert sum(len(p["activity"]) for p in for_staff) == 3
    record["assessments"] = [
        {**a, "health_plan": [{**p, "status": "done"} for p in a.get("health_plan", [])]}
        for a in record["assessments"]
    ]
    # With the plan done, the Plan of Care holds only what is overdue (the leaving-care summary).
    [overdue] = entries(build(record), "18776-5")
    assert overdue["title"] == "Overdue"


def test_with_nothing_due_or_open_there_is_no_plan_of_care():
    record = load(DANIEL)
    record["assessments"] = [
        {**a, "health_plan": [{**p, "status": "done"} for p in a.get("health_plan", [])]}
        for a in record["assessments"]
    ]
    bundle = build(record, audience=STAFF)
    plans = entries(bundle, "18776-5")
    # Daniel's one overdue item is the summary for leaving care: without it, nothing is left.
    assert [p["title"] for p in plans] == ["Overdue"]
    record = load(ROOT / "fixtures" / "fx-rosie.json")
    sections = build(record)["entry"][0]["resource"]["section"]
    assert not [s for s in sections if "18776-5" in json.dumps(s["code"])]


def health_plans(plans: list[dict]) -> list[dict]:
    """The CarePlans made from assessments' health plans (the rest: vaccines due, overdue)."""
    return [p for p in plans if p["title"].startswith("Health plan from")]


def test_an_estimated_date_of_birth_is_said_so_in_the_narrative():
    bundle = build(load(YUSUF))
    [patient] = resources(bundle, "Patient")
    assert patient["birthDate"] == "2010-01-01"
    narrative = words(patient["text"]["div"])
    assert "Date of birth: 1 January 2010 (estimated)" in narrative
    [other] = resources(build(load(DANIEL)), "Patient")
    assert "estimated" not in words(other["text"]["div"])
    assert "Date of birth: 20 December 2008" in words(other["text"]["div"])


STATUS_SYSTEM = "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status"


def test_medicines_are_active_completed_or_stopped():
    """MedicationStatement.status: `active` while taken, `completed` when it ended on its own
    (no reason to stop it), `stopped` when someone stopped it and said why (format /2
    `stop_reason`); the narrative says the same in words."""
    record = load(JORDAN)
    record["format"] = "lac-health-record/2"
    record["medications"] = [
        {"name": "Sertraline 50 mg", "started": "2026-01-05"},
        {"name": "Amoxicillin 250 mg", "started": "2026-03-01", "stopped": "2026-03-08"},
        {
            "name": "Melatonin 2 mg",
            "started": "2025-05-01",
            "stopped": "2026-06-30",
            "stop_reason": "Sleeping well without it",
        },
    ]
    bundle = build(record)
    statuses = {
        s["medicationCodeableConcept"]["text"]: s["status"]
        for s in resources(bundle, "MedicationStatement")
    }
    assert statuses == {
        "Sertraline 50 mg": "active",
        "Amoxicillin 250 mg": "completed",
        "Melatonin 2 mg": "stopped",
    }
    melatonin = next(
        s
        for s in resources(bundle, "MedicationStatement")
        if s["medicationCodeableConcept"]["text"] == "Melatonin 2 mg"
    )
    assert melatonin["statusReason"] == [{"text": "Sleeping well without it"}]
    narrative = words(section(bundle, "10160-0")["text"]["div"])
    assert "Amoxicillin 250 mg 250" not in narrative
    assert "Finished" in narrative and "Stopped" in narrative and "Current" in narrative


def recommendations(bundle: dict) -> list[dict]:
    return [
        item
        for resource in resources(bundle, "ImmunizationRecommendation")
        for item in resource["recommendation"]
    ]


def test_yusufs_missing_vaccines_are_overdue_recommendations_in_the_plan_of_care():
    """Issue 15: the vaccines due are in the bundle as data, not only in the documents. Yusuf's
    history is unknown, so every dose of his catch-up is overdue from the catch-up start."""
    bundle = build(load(YUSUF))
    items = recommendations(bundle)
    assert [(i["vaccineCode"][0]["text"], i["doseNumberPositiveInt"]) for i in items] == [
        ("HPV", 1),
        ("Td/IPV", 2),
        ("Td/IPV", 3),
        ("MMR", 2),
    ]
    for item in items:
        assert item["forecastStatus"]["coding"] == [
            {"system": STATUS_SYSTEM, "code": "overdue", "display": "Overdue"}
        ]
        [criterion] = item["dateCriterion"]
        assert criterion["code"]["coding"][0]["code"] == "30980-7"
        assert criterion["value"] <= "2026-11-29"
    # HPV protects against one disease, so it is coded; MMR against three (R4 allows one).
    assert snomed(items[0]["targetDisease"]) == ["240532009"]
    assert "targetDisease" not in items[3]
    # The Plan of Care reaches the recommendation from a CarePlan, with the procedure codes.
    [due] = [p for p in entries(bundle, "18776-5") if p["title"] == "Vaccinations due"]
    [supporting] = due["supportingInfo"]
    urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    assert urls[supporting["reference"]]["resourceType"] == "ImmunizationRecommendation"
    assert [a["detail"]["code"]["text"] for a in due["activity"]] == [
        "HPV (dose 1)",
        "Td/IPV (dose 2)",
        "Td/IPV (dose 3)",
        "MMR (dose 2)",
    ]
    assert snomed(due["activity"][3]["detail"]["code"]) == ["170433008"]
    assert "MMR" in words(section(bundle, "18776-5")["text"]["div"])


def test_a_vaccine_due_soon_is_due_not_overdue():
    """Chloe's Td/IPV and MenACWY are offered at school this year: `due` (not overdue), from
    the day the current view says each is due (a school-year offer may have opened already)."""
    record = load(ROOT / "fixtures" / "fx-chloe.json")
    items = recommendations(build(record))
    assert [i["vaccineCode"][0]["text"] for i in items] == ["Td/IPV", "MenACWY"]
    assert {i["forecastStatus"]["coding"][0]["code"] for i in items} == {"due"}
    view = current_view(record, YOUNG_PERSON, NOW.date())
    assert [i["dateCriterion"][0]["value"] for i in items] == [
        d.due.isoformat() for d in view.doses_due
    ]


def test_a_vaccine_given_leaves_the_plan_of_care():
    """Once the dose is recorded as given, the current view has nothing due and nor has the
    bundle."""
    record = load(ROOT / "fixtures" / "fx-noah.json")
    assert [i["vaccineCode"][0]["text"] for i in recommendations(build(record))] == ["MMRV"]
    due = recommendations(build(record))[0]["dateCriterion"][0]["value"]
    record["immunisations"].append(
        {"vaccine": "MMRV", "dose": 1, "date": due, "source": "gp_record"}
    )
    assert recommendations(build(record)) == []


def test_overdue_checks_are_carried_with_who_arranges_them():
    """Mason's sight test and dental check are overdue and he has no GP: an "Overdue" CarePlan,
    one activity each, with the day each was due and who is arranging it."""
    bundle = build(load(ROOT / "fixtures" / "fx-mason.json"))
    [overdue] = [p for p in entries(bundle, "18776-5") if p["title"] == "Overdue"]
    details = [a["detail"] for a in overdue["activity"]]
    assert [(d["code"]["text"], d.get("scheduledPeriod")) for d in details] == [
        ("Registering with a GP", None),
        ("Sight test", {"end": "2022-01-10"}),
        ("Dental check", {"end": "2026-08-14"}),
    ]
    assert {d["performer"][0]["display"] for d in details} == {"Carer"}
    assert details[0]["description"] == "Registering with a GP: not done yet"
    assert details[1]["description"] == "Sight test: was due on 10 January 2022"
    assert "Dental check" in words(section(bundle, "18776-5")["text"]["div"])


def test_nothing_due_is_counted_from_a_part_the_link_leaves_out():
    """A link without vaccinations must not say every dose is due (the view counts them from
    the immunisations it no longer has); without health checks, no check is called overdue.
    What does not depend on a part left out (no GP) is still said."""
    from passport.sharing import parts

    record = load(ROOT / "fixtures" / "fx-mason.json")
    chosen = ("allergies_medicines", "conditions", "family_history")
    bundle = build(parts.trimmed(record, chosen), left_out=parts.left_out(chosen))
    assert resources(bundle, "ImmunizationRecommendation") == []
    [overdue] = entries(bundle, "18776-5")
    assert [a["detail"]["code"]["text"] for a in overdue["activity"]] == ["Registering with a GP"]
    # Trimmed but with nothing said left out, the view would count every dose as due.
    assert recommendations(build(parts.trimmed(record, chosen)))

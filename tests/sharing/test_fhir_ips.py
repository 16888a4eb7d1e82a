"""The FHIR bundle keeps the International Patient Summary's rules (HL7 IPS 2.0.0,
http://hl7.org/fhir/uv/ips/), for every example and fixture. Each test names the rule it
checks; fhir.resources (test_fhir.py) checks the base FHIR R4 structure besides."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from passport.sharing.fhir import ips_bundle
from tests.conftest import EXAMPLES, FIXTURES

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
ALL_RECORDS = [*EXAMPLES, *FIXTURES]
IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
LOINC = "http://loinc.org"
DAR = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
EMPTY_REASONS = {"nilknown", "notasked", "withheld", "unavailable", "notstarted", "closed"}

# The profile each kind of resource must claim (IPS 2.0.0 artifacts list).
PROFILES = {
    "Bundle": IPS + "Bundle-uv-ips",
    "Composition": IPS + "Composition-uv-ips",
    "Patient": IPS + "Patient-uv-ips",
    "AllergyIntolerance": IPS + "AllergyIntolerance-uv-ips",
    "MedicationStatement": IPS + "MedicationStatement-uv-ips",
    "Condition": IPS + "Condition-uv-ips",
    "Immunization": IPS + "Immunization-uv-ips",
    "Procedure": IPS + "Procedure-uv-ips",
    "Observation": IPS + "Observation-results-uv-ips",
    "Organization": IPS + "Organization-uv-ips",
    "Practitioner": IPS + "Practitioner-uv-ips",
}

# Composition-uv-ips section slices: LOINC code -> the kinds of entry the slice allows.
SECTION_ENTRIES = {
    "10160-0": {"MedicationStatement", "MedicationRequest"},  # sectionMedications
    "48765-2": {"AllergyIntolerance"},  # sectionAllergies
    "11450-4": {"Condition"},  # sectionProblems
    "11348-0": {"Condition"},  # sectionPastIllnessHx
    "11369-6": {"Immunization"},  # sectionImmunizations
    "47519-4": {"Procedure"},  # sectionProceduresHx
    "30954-2": {"Observation", "DiagnosticReport"},  # sectionResults
    # sectionPlanOfCare: "entry only Reference(CarePlan or DocumentReference)" (IPS 2.0.0
    # Composition-uv-ips); the vaccinations due are an ImmunizationRecommendation reached from
    # a CarePlan's supportingInfo.
    "18776-5": {"CarePlan", "DocumentReference"},
}
REQUIRED_SECTIONS = ("10160-0", "48765-2", "11450-4")  # Medications, Allergies, Problems


def build(path) -> dict:
    record = json.loads(path.read_text(encoding="utf-8"))
    return ips_bundle(record, document_title="My health passport", pdf=None, now=NOW)


@pytest.fixture(params=ALL_RECORDS, ids=lambda p: p.name)
def bundle(request) -> dict:
    return build(request.param)


def composition(bundle: dict) -> dict:
    return bundle["entry"][0]["resource"]


def by_url(bundle: dict) -> dict[str, dict]:
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


def section_codes(item: dict) -> list[str]:
    return [c["code"] for c in item["code"].get("coding", []) if c.get("system") == LOINC]


def test_the_bundle_is_an_ips_document(bundle):
    """Bundle-uv-ips: identifier 1..1, type fixed `document`, timestamp 1..1, the first entry is
    the Composition (bdl-9, bdl-10, bdl-11 of FHIR document Bundles), every entry has a fullUrl
    and a resource, and one Patient is there (the `patient` slice, 1..1)."""
    assert bundle["meta"]["profile"] == [PROFILES["Bundle"]]
    assert bundle["identifier"]["value"] and bundle["type"] == "document"
    assert bundle["timestamp"]
    assert composition(bundle)["resourceType"] == "Composition"
    assert all(entry["fullUrl"] and entry["resource"] for entry in bundle["entry"])
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds.count("Patient") == 1


def test_the_composition_is_a_patient_summary(bundle):
    """Composition-uv-ips: type fixed LOINC 60591-5, subject 1..1 the Patient, author 1..*,
    date, title and status present."""
    document = composition(bundle)
    assert document["meta"]["profile"] == [PROFILES["Composition"]]
    assert document["type"]["coding"][0] == {
        "system": LOINC,
        "code": "60591-5",
        "display": "Patient summary Document",
    }
    assert by_url(bundle)[document["subject"]["reference"]]["resourceType"] == "Patient"
    assert document["author"] and document["date"] and document["title"]
    assert document["status"] == "final"


def test_the_three_required_sections_are_there_once_each(bundle):
    """Composition-uv-ips: sectionMedications (10160-0), sectionAllergies (48765-2) and
    sectionProblems (11450-4) are 1..1; no section code appears twice."""
    codes = [code for item in composition(bundle)["section"] for code in section_codes(item)]
    for required in REQUIRED_SECTIONS:
        assert codes.count(required) == 1
    assert len(codes) == len(set(codes))


def test_each_section_has_entries_or_an_empty_reason_and_a_narrative(bundle):
    """IPS ips-comp-1 ("Either section.entry or emptyReason are present"), FHIR cmp-2 ("A
    section can only have an emptyReason if it is empty"), and section.title, section.code and
    section.text 1..1 in every IPS section slice; emptyReason from list-empty-reason."""
    for item in composition(bundle)["section"]:
        assert item["title"] and item["code"] and item["text"]["div"]
        assert bool(item.get("entry")) != ("emptyReason" in item)
        if "emptyReason" in item:
            (coding,) = item["emptyReason"]["coding"]
            assert coding["system"] == "http://terminology.hl7.org/CodeSystem/list-empty-reason"
            assert coding["code"] in EMPTY_REASONS


def test_each_section_holds_only_what_its_ips_slice_allows(bundle):
    """Composition-uv-ips: each section slice's entry is typed (sectionMedications:
    MedicationStatement or MedicationRequest; sectionProblems: Condition; ...)."""
    resources = by_url(bundle)
    for item in composition(bundle)["section"]:
        for code in section_codes(item):
            if code in SECTION_ENTRIES:
                kinds = {resources[e["reference"]]["resourceType"] for e in item.get("entry", [])}
                assert kinds <= SECTION_ENTRIES[code], code


def test_problems_are_current_and_past_illness_is_not(bundle):
    """IPS sectionProblems: "the problems currently monitored for the patient"; resolved and
    ruled-out conditions belong in sectionPastIllnessHx (11348-0)."""
    resources = by_url(bundle)
    sections = {code: s for s in composition(bundle)["section"] for code in section_codes(s)}

    def statuses(code):
        return [
            (
                resources[e["reference"]]["clinicalStatus"]["coding"][0]["code"],
                resources[e["reference"]]["verificationStatus"]["coding"][0]["code"],
            )
            for e in sections[code].get("entry", [])
        ]

    for clinical, verification in statuses("11450-4"):
        assert clinical == "active" and verification in ("confirmed", "provisional")
    for clinical, verification in statuses("11348-0"):
        assert clinical in ("resolved", "inactive") or verification == "refuted"


def test_every_resource_declares_its_ips_profile(bundle):
    """IPS: each resource conforms to, and here claims in meta.profile, the IPS profile for its
    kind where IPS defines one."""
    for entry in bundle["entry"]:
        resource = entry["resource"]
        expected = PROFILES.get(resource["resourceType"])
        if expected:
            assert resource["meta"]["profile"] == [expected], resource["resourceType"]


def present(resource: dict, element: str) -> bool:
    """A choice element (`effective[x]`) is present with a value or, where IPS allows it, a
    data-absent-reason extension in its place."""
    if not element.endswith("[x]"):
        return bool(resource.get(element))
    stem = element.removesuffix("[x]")
    for key, value in resource.items():
        if key.startswith(stem) and key[len(stem) :][:1].isupper() and value:
            return True
        if key.startswith("_" + stem):
            return any(e["url"] == DAR for e in value.get("extension", []))
    return False


# Each IPS profile's mandatory (1..1 or 1..*) elements.
MANDATORY = {
    "Patient": ("name", "birthDate"),
    "AllergyIntolerance": ("code", "patient"),
    "Condition": ("code", "subject"),
    "MedicationStatement": ("status", "medication[x]", "subject", "effective[x]"),
    "Immunization": ("status", "vaccineCode", "patient", "occurrence[x]"),
    "Procedure": ("status", "code", "subject", "performed[x]"),
    "Observation": ("status", "code", "subject", "effective[x]"),
    "Organization": ("name",),
    "Practitioner": ("name",),
}


def test_each_entry_has_its_mandatory_elements(bundle):
    """The 1..1 and 1..* elements of each IPS profile: Patient-uv-ips name and birthDate (and
    ips-pat-1: a given, family or text name); MedicationStatement-uv-ips effective[x] 1..1
    (data-absent-reason allowed); Immunization-uv-ips occurrence[x]; Procedure-uv-ips
    performed[x]; Observation-results-uv-ips effective[x]; and the subject/patient and code of
    each. FHIR ait-1: an allergy has a clinicalStatus unless entered in error."""
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        for element in MANDATORY.get(kind, ()):
            assert present(resource, element), f"{kind}.{element}"
        if kind == "Patient":
            assert all(n.get("given") or n.get("family") or n.get("text") for n in resource["name"])
        if kind == "AllergyIntolerance":
            assert resource["clinicalStatus"]["coding"][0]["code"]
        if kind == "Observation" and "dataAbsentReason" in resource:
            assert not any(key.startswith("value") for key in resource)  # FHIR obs-6


def test_a_subject_is_always_the_patient(bundle):
    """IPS: subject / patient of every clinical entry references the Patient of the summary
    (Reference(PatientUvIps), reference 1..1)."""
    patient = composition(bundle)["subject"]["reference"]
    for entry in bundle["entry"][1:]:
        resource = entry["resource"]
        for key in ("subject", "patient"):
            if key in resource:
                assert resource[key] == {"reference": patient}


RECOMMENDATION_STATUS = "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status"


def test_every_vaccination_due_is_reached_from_the_plan_of_care(bundle):
    """IPS Composition.section:sectionPlanOfCare entry types (CarePlan or DocumentReference):
    an ImmunizationRecommendation is never a section entry itself, but every one in the
    bundle is the supportingInfo of a CarePlan the Plan of Care (18776-5) lists, so a reader
    following the document from its Composition finds it."""
    resources = by_url(bundle)
    plans = [
        resources[e["reference"]]
        for item in composition(bundle)["section"]
        if "18776-5" in section_codes(item)
        for e in item.get("entry", [])
    ]
    reached = {info["reference"] for plan in plans for info in plan.get("supportingInfo", [])}
    recommendations = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "ImmunizationRecommendation"
    }
    assert recommendations <= reached
    for item in composition(bundle)["section"]:
        for e in item.get("entry", []):
            assert resources[e["reference"]]["resourceType"] != "ImmunizationRecommendation"


def test_each_recommendation_keeps_the_r4_rules(bundle):
    """FHIR R4 ImmunizationRecommendation: patient, date and recommendation 1..*; imr-1 ("One
    of vaccineCode or targetDisease SHALL be present"); forecastStatus 1..1 from
    immunization-recommendation-status; dateCriterion.code and .value 1..1, here LOINC 30980-7
    "Date vaccine due"; the plan of care section (IPS: title, code, text 1..1) says it too."""
    patient = composition(bundle)["subject"]["reference"]
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] != "ImmunizationRecommendation":
            continue
        assert resource["patient"] == {"reference": patient} and resource["date"]
        assert resource["recommendation"]
        for item in resource["recommendation"]:
            assert item.get("vaccineCode") or item.get("targetDisease")  # imr-1
            (status,) = item["forecastStatus"]["coding"]
            assert status["system"] == RECOMMENDATION_STATUS
            assert status["code"] in ("due", "overdue")
            for criterion in item["dateCriterion"]:
                assert criterion["code"]["coding"][0] == {
                    "system": LOINC,
                    "code": "30980-7",
                    "display": "Date vaccine due",
                }
                assert criterion["value"]

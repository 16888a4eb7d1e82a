"""The FHIR R4 resources of a patient summary, one builder each, from a record in the
exchange format (dates as ISO strings). Plain JSON-ready data: no FHIR library needed."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from passport.records.current import DoseDue, Overdue
from passport.sharing.fhir import codes
from passport.sharing.fhir.narrative import div, paragraph, when

LOINC = "http://loinc.org"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
EMPTY_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
ROLE_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
CONDITION_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ALLERGY_VERIFICATION_SYSTEM = (
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
)
REGISTRATION_SYSTEMS = {
    "GMC": "https://fhir.hl7.org.uk/Id/gmc-number",
    "NMC": "https://fhir.hl7.org.uk/Id/nmc-number",
    "HCPC": "https://fhir.hl7.org.uk/Id/hcpc-number",
    "GPHC": "https://fhir.hl7.org.uk/Id/gphc-number",
}

OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DATA_ABSENT_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
VACCINATION_PROCEDURE = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-VaccinationProcedure"
)

# The IPS profiles (HL7 IPS 2.0.0, http://hl7.org/fhir/uv/ips/) each kind of resource claims.
# A kind IPS has no profile for (Encounter, CarePlan, ClinicalImpression, FamilyMemberHistory,
# DocumentReference) claims none.
IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
IPS_PROFILES = {
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


def with_profile(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource with `meta.profile` naming its IPS profile, when IPS has one."""
    profile = IPS_PROFILES.get(resource["resourceType"])
    if not profile:
        return resource
    return {**resource, "meta": {"profile": [profile]}}


def absent(reason: str = "unknown") -> dict[str, Any]:
    """The data-absent-reason extension, for an element IPS requires that the record lacks."""
    return {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": reason}]}


PATIENT_SUMMARY_TYPE = {
    "coding": [{"system": LOINC, "code": "60591-5", "display": "Patient summary Document"}]
}
DEFAULT_AUTHOR_NAME = "Looked-after children's health team"


def text(value: Any) -> str | None:
    """A free-text value worth putting in a FHIR string: stripped, and None when empty."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def concept(text: str) -> dict[str, Any]:
    return {"text": text}


def coded(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


CONDITION_STATUS_WORDS = {
    "active": "Current",
    "resolved": "Resolved",
    "suspected": "Suspected",
    "ruled_out": "Ruled out",
}


ASSESSMENT_WORDS = {"IHA": "Initial health assessment", "RHA": "Review health assessment"}


RELATIVE_CODES = {
    "birth_mother": ("NMTH", "natural mother", "Birth mother"),
    "birth_father": ("NFTH", "natural father", "Birth father"),
    "full_sibling": ("NSIB", "natural sibling", "Brother or sister"),
    "half_sibling": ("HSIB", "half-sibling", "Half-brother or half-sister"),
    "grandparent": ("GRPRN", "grandparent", "Grandparent"),
    "aunt_or_uncle": ("EXT", "extended family member", "Aunt or uncle"),
    "other": ("FAMMEMB", "family member", "Other relative"),
}


def patient(child: Mapping[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient"}
    if text(child.get("nhs_number")):
        patient["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": child["nhs_number"]}]
    names = [
        {
            "use": "official",
            "family": child["family_name"],
            "given": [child["given_name"]],
        }
    ]
    preferred = text(child.get("preferred_name"))
    if preferred:
        names.append({"use": "usual", "family": child["family_name"], "given": [preferred]})
    patient["name"] = names
    if child.get("sex_at_birth") in ("male", "female", "unknown"):
        patient["gender"] = child["sex_at_birth"]
    patient["birthDate"] = child["date_of_birth"]
    language = text(child.get("first_language"))
    if language:
        patient["communication"] = [{"language": concept(language)}]
    patient["text"] = div("".join(paragraph(line) for line in patient_lines(child)))
    return patient


def birth_date_words(child: Mapping[str, Any]) -> str:
    """The date of birth as people read it, saying so when it is an estimate."""
    born = when(child["date_of_birth"]) or child["date_of_birth"]
    return f"{born} (estimated)" if child.get("date_of_birth_is_estimate") else born


def patient_lines(child: Mapping[str, Any]) -> list[str]:
    lines = [f"Name: {child['given_name']} {child['family_name']}"]
    if text(child.get("preferred_name")):
        lines.append(f"Known as: {child['preferred_name'].strip()}")
    if text(child.get("nhs_number")):
        number = child["nhs_number"]
        lines.append(f"NHS number: {number[:3]} {number[3:6]} {number[6:]}")
    lines.append(f"Date of birth: {birth_date_words(child)}")
    if child.get("date_of_birth_is_estimate"):
        lines.append("The date of birth is an estimate: no birth record was available.")
    return lines


def organization(record: Mapping[str, Any]) -> dict[str, Any]:
    nurse = (record.get("contacts") or {}).get("lac_nurse") or {}
    return {
        "resourceType": "Organization",
        "name": text(nurse.get("team")) or DEFAULT_AUTHOR_NAME,
    }


def gp_practice(gp: Mapping[str, Any]) -> dict[str, Any]:
    """The child's GP practice (Patient.generalPractitioner), named by its ODS code."""
    practice: dict[str, Any] = {"resourceType": "Organization", "name": gp["name"]}
    if text(gp.get("ods_code")):
        practice["identifier"] = [{"system": ODS_SYSTEM, "value": gp["ods_code"]}]
    if text(gp.get("phone")):
        practice["telecom"] = [{"system": "phone", "value": gp["phone"].strip()}]
    return practice


def allergy_intolerance(allergy: Mapping[str, Any], patient: str) -> dict[str, Any]:
    """Its status from the record (format /2): active and resolved allergies are confirmed; a
    refuted one (it never was) is `refuted` and `inactive`, since FHIR R4 invariant ait-1
    wants a clinicalStatus whenever the verificationStatus is not entered-in-error."""
    status = allergy.get("status", "active")
    clinical, verification = {
        "active": (("active", "Active"), ("confirmed", "Confirmed")),
        "resolved": (("resolved", "Resolved"), ("confirmed", "Confirmed")),
        "refuted": (("inactive", "Inactive"), ("refuted", "Refuted")),
    }[status]
    resource: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": coded(ALLERGY_CLINICAL_SYSTEM, *clinical),
        "verificationStatus": coded(ALLERGY_VERIFICATION_SYSTEM, *verification),
    }
    resource.update(
        {
            "code": codes.concept_for(allergy["substance"], codes.ALLERGIES),
            "patient": {"reference": patient},
        }
    )
    if status != "active" and text(allergy.get("status_reason")):
        resource["note"] = [{"text": allergy["status_reason"].strip()}]
    if allergy.get("recorded_on"):
        resource["recordedDate"] = allergy["recorded_on"]
    severity = allergy.get("severity")
    severity = severity if severity in ("mild", "moderate", "severe") else None
    reaction = text(allergy.get("reaction"))
    if reaction:
        resource["reaction"] = [
            {"manifestation": [concept(reaction)], **({"severity": severity} if severity else {})}
        ]
    elif severity:
        resource.setdefault("note", []).append({"text": f"Severity: {severity}"})
    return resource


def medication_status(medication: Mapping[str, Any], *, current: bool) -> str:
    """`active` while the medicine is taken (the current view says which are). Once it has
    ended: `stopped` when the record says why it was stopped (`stop_reason`, format /2, asked
    for when someone stops a medicine: it was halted), else `completed` (it ran its course).
    The reason travels as `statusReason` either way."""
    if current:
        return "active"
    return "stopped" if text(medication.get("stop_reason")) else "completed"


def medication_statement(
    medication: Mapping[str, Any], patient: str, *, current: bool
) -> dict[str, Any]:
    """IPS makes effective[x] 1..1: the period the record gives, or, when it gives no date,
    a data-absent-reason extension in its place."""
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "status": medication_status(medication, current=current),
        "medicationCodeableConcept": concept(medication["name"]),
        "subject": {"reference": patient},
    }
    period = {}
    if medication.get("started"):
        period["start"] = medication["started"]
    if medication.get("stopped"):
        period["end"] = medication["stopped"]
    if period:
        resource["effectivePeriod"] = period
    else:
        resource["_effectiveDateTime"] = absent()
    if text(medication.get("stop_reason")):
        resource["statusReason"] = [concept(medication["stop_reason"].strip())]
    if text(medication.get("reason")):
        resource["reasonCode"] = [concept(medication["reason"].strip())]
    if text(medication.get("dose")):
        resource["dosage"] = [{"text": medication["dose"].strip()}]
    return resource


def condition(condition: Mapping[str, Any], patient: str) -> dict[str, Any]:
    status = condition["status"]
    abated = bool(condition.get("resolved_on"))
    clinical, verification = {
        "active": ("active", "confirmed"),
        "resolved": ("resolved", "confirmed"),
        "suspected": ("active", "provisional"),
        "ruled_out": ("resolved" if abated else "inactive", "refuted"),
    }[status]
    if abated and clinical == "active":
        clinical = "resolved"
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "clinicalStatus": coded(CONDITION_CLINICAL_SYSTEM, clinical),
        "verificationStatus": coded(CONDITION_VERIFICATION_SYSTEM, verification),
        "category": [coded(CONDITION_CATEGORY_SYSTEM, "problem-list-item", "Problem List Item")],
        "code": codes.concept_for(condition["name"], codes.CONDITIONS),
        "subject": {"reference": patient},
    }
    if condition.get("onset"):
        resource["onsetDateTime"] = condition["onset"]
    if abated:
        resource["abatementDateTime"] = condition["resolved_on"]
    if text(condition.get("notes")):
        resource["note"] = [{"text": condition["notes"].strip()}]
    return resource


SOURCE_WORDS = {
    "gp_record": "GP record",
    "red_book": "Red Book (personal child health record)",
    "school_programme": "School immunisation programme",
    "country_of_origin_record": "Record from country of origin",
    "self_report": "Told by the young person or family",
    "other": "Other",
}


ACT_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
# Why a dose was not given (format /2 `status`), as v3 ActReason codes.
NOT_DONE_REASONS = {
    "declined": ("PATOBJ", "patient objection"),
    "contraindicated": ("MEDPREC", "medical precaution"),
}
NOT_GIVEN_WORDS = {"declined": "declined", "contraindicated": "not safe to give"}


def not_given_words(immunisation: Mapping[str, Any]) -> str | None:
    """``not given: declined (parent's wish)`` for a dose not given, else None."""
    status = immunisation.get("status")
    if status not in NOT_DONE_REASONS:
        return None
    reason = text(immunisation.get("status_reason"))
    words = f"not given: {NOT_GIVEN_WORDS[status]}"
    return f"{words} ({reason})" if reason else words


def immunization(immunisation: Mapping[str, Any], patient: str) -> dict[str, Any]:
    """An Immunization; a dose declined or contraindicated is "not-done" with a statusReason
    (and its date is the day of the decision)."""
    not_done = NOT_DONE_REASONS.get(immunisation.get("status") or "")
    resource: dict[str, Any] = {"resourceType": "Immunization"}
    procedure = codes.vaccination_procedure(immunisation["vaccine"], immunisation.get("dose"))
    if procedure:
        # UK Core: the procedure code GP systems record; the product (vaccineCode) is unknown.
        resource["extension"] = [
            {
                "url": VACCINATION_PROCEDURE,
                "valueCodeableConcept": {"coding": [procedure.coding()]},
            }
        ]
    resource |= {
        "status": "not-done" if not_done else "completed",
        "vaccineCode": concept(immunisation["vaccine"]),
        "patient": {"reference": patient},
        "occurrenceDateTime": immunisation["date"],
    }
    if not_done:
        reason = coded(ACT_REASON_SYSTEM, *not_done)
        why = text(immunisation.get("status_reason"))
        if why:
            reason["text"] = why
        resource["statusReason"] = reason
    source = immunisation.get("source")
    if source:
        resource["primarySource"] = source == "gp_record"
        if source != "gp_record":
            resource["reportOrigin"] = concept(SOURCE_WORDS.get(source, source))
    notes = [
        {"text": note}
        for note in (
            text(immunisation.get("notes")),
            f"Decided by {immunisation['status_by'].strip()}"
            if not_done and text(immunisation.get("status_by"))
            else None,
        )
        if note
    ]
    if notes:
        resource["note"] = notes
    if immunisation.get("dose") is not None:
        applied: dict[str, Any] = {}
        targets = codes.TARGET_DISEASES.get(immunisation["vaccine"])
        if targets:
            applied["targetDisease"] = [{"coding": [t.coding()]} for t in targets]
        applied["doseNumberPositiveInt"] = immunisation["dose"]
        resource["protocolApplied"] = [applied]
    return resource


def practitioner(practitioner: Mapping[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "name": [{"text": practitioner["name"]}],
    }
    body, number = (
        practitioner.get("registration_body"),
        text(practitioner.get("registration_number")),
    )
    registration = text(practitioner.get("registration"))
    if body in REGISTRATION_SYSTEMS and number:
        resource["identifier"] = [{"system": REGISTRATION_SYSTEMS[body], "value": number}]
    elif registration:
        register, _, number = registration.partition(" ")
        system = REGISTRATION_SYSTEMS.get(register.upper())
        if system and number.strip():
            resource["identifier"] = [{"system": system, "value": number.strip()}]
    qualification = ", ".join(
        part for part in (text(practitioner.get("role")), text(practitioner.get("grade"))) if part
    )
    if qualification:
        resource["qualification"] = [{"code": concept(qualification)}]
    return resource


def practitioner_words(practitioner: Mapping[str, Any]) -> str:
    role = ", ".join(
        part for part in (text(practitioner.get("role")), text(practitioner.get("grade"))) if part
    )
    return f"{practitioner['name']} ({role})" if role else practitioner["name"]


def clinical_impression(
    assessment: Mapping[str, Any], patient: str, assessor: str
) -> dict[str, Any]:
    kind = ASSESSMENT_WORDS.get(assessment["type"], assessment["type"])
    resource: dict[str, Any] = {
        "resourceType": "ClinicalImpression",
        "identifier": [{"value": assessment["id"]}],
        "status": "completed",
        "code": concept(kind),
        "description": f"{kind} by {practitioner_words(assessment['practitioner'])}",
        "subject": {"reference": patient},
        "effectiveDateTime": assessment["date"],
        "date": assessment["date"],
        "assessor": {"reference": assessor},
    }
    summary = text((assessment.get("findings") or {}).get("summary"))
    if summary:
        resource["summary"] = summary
    views = text(assessment.get("young_person_views"))
    if views:
        resource["note"] = [{"text": f"In the young person's own words: {views}"}]
    return resource


def family_member_history(entry: Mapping[str, Any], patient: str) -> dict[str, Any]:
    code, display, words = RELATIVE_CODES.get(
        entry["relative"], ("FAMMEMB", "family member", entry["relative"])
    )
    condition: dict[str, Any] = {"code": concept(entry["condition"])}
    if text(entry.get("notes")):
        condition["note"] = [{"text": entry["notes"].strip()}]
    relationship = coded(ROLE_CODE_SYSTEM, code, display)
    relationship["text"] = words
    resource: dict[str, Any] = {
        "resourceType": "FamilyMemberHistory",
        "status": "completed",
        "patient": {"reference": patient},
        "relationship": relationship,
        "condition": [condition],
    }
    if entry.get("recorded_on"):
        resource["date"] = entry["recorded_on"]
    return resource


def document_reference(
    pdf: bytes, title: str, timestamp: str, patient: str, author: str
) -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference",
        "status": "current",
        "docStatus": "final",
        "type": PATIENT_SUMMARY_TYPE,
        "subject": {"reference": patient},
        "date": timestamp,
        "author": [{"reference": author}],
        "description": title.strip(),
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(pdf).decode("ascii"),
                    "size": len(pdf),
                    # FHIR R4 defines Attachment.hash as the SHA-1 of the data.
                    "hash": base64.b64encode(
                        hashlib.sha1(pdf, usedforsecurity=False).digest()
                    ).decode("ascii"),
                    "title": title.strip(),
                    "creation": timestamp,
                }
            }
        ],
    }


# Hospital episodes (format /2): an operation is a Procedure; an admission or an A&E
# attendance is an Encounter of class inpatient or emergency.
ENCOUNTER_CLASSES = {
    "admission": ("IMP", "inpatient encounter"),
    "emergency_attendance": ("EMER", "emergency"),
}
EPISODE_WORDS = {
    "admission": "Hospital admission",
    "operation": "Operation",
    "emergency_attendance": "A&E attendance",
}


def _episode_period(episode: Mapping[str, Any]) -> dict[str, str]:
    period = {"start": episode["date"]}
    if episode.get("discharged_on"):
        period["end"] = episode["discharged_on"]
    return period


def procedure(episode: Mapping[str, Any], patient: str) -> dict[str, Any]:
    """An operation. The nurse's notes stay in the record; what was done and where go."""
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": concept(text(episode.get("why")) or "Operation"),
        "subject": {"reference": patient},
        "performedPeriod": _episode_period(episode),
    }
    if text(episode.get("where")):
        resource["location"] = {"display": episode["where"].strip()}
    return resource


def encounter(episode: Mapping[str, Any], patient: str) -> dict[str, Any]:
    """A hospital admission or an A&E attendance."""
    code, display = ENCOUNTER_CLASSES[episode["kind"]]
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": ACT_CODE_SYSTEM, "code": code, "display": display},
        "type": [concept(EPISODE_WORDS[episode["kind"]])],
        "subject": {"reference": patient},
        "period": _episode_period(episode),
    }
    if text(episode.get("why")):
        resource["reasonCode"] = [concept(episode["why"].strip())]
    if text(episode.get("where")):
        resource["location"] = [{"location": {"display": episode["where"].strip()}}]
    return resource


# Screening tests (format `screening`), as IPS Results: the test, its date and its result.
SCREENING_WORDS = {
    "tb": "Tuberculosis (TB) screening",
    "hepatitis_b": "Hepatitis B test",
    "hepatitis_c": "Hepatitis C test",
    "hiv": "HIV test",
    "syphilis": "Syphilis test",
    "parasites": "Parasite screening",
    "hearing": "Hearing screening",
    "vision": "Vision screening",
    "other": "Screening test",
}
RESULT_WORDS = {
    "negative": "Negative",
    "positive": "Positive",
    "indeterminate": "Unclear (indeterminate)",
    "declined": "Declined",
    "pending": "Waiting for the result",
}
_EXAMINATIONS = ("hearing", "vision")


def screening_name(test: Mapping[str, Any]) -> str:
    return text(test.get("name")) or SCREENING_WORDS[test["test"]]


def observation(test: Mapping[str, Any], patient: str) -> dict[str, Any]:
    """A screening test as an Observation: `registered` while the result is awaited,
    `cancelled` when it was declined (data-absent-reason asked-declined), else `final` with the
    result coded. IPS makes effective[x] 1..1: the test's date, or data-absent-reason."""
    result = test["result"]
    status = {"pending": "registered", "declined": "cancelled"}.get(result, "final")
    category = "exam" if test["test"] in _EXAMINATIONS else "laboratory"
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": status,
        "category": [coded(OBSERVATION_CATEGORY_SYSTEM, category)],
        "code": concept(screening_name(test)),
        "subject": {"reference": patient},
    }
    if test.get("date"):
        resource["effectiveDateTime"] = test["date"]
    else:
        resource["_effectiveDateTime"] = absent()
    if result in codes.RESULTS:
        resource["valueCodeableConcept"] = {
            "coding": [codes.RESULTS[result].coding()],
            "text": RESULT_WORDS[result],
        }
    elif result == "declined":
        resource["dataAbsentReason"] = coded(
            DATA_ABSENT_REASON_SYSTEM, "asked-declined", "Asked But Declined"
        )
    return resource


OWNER_WORDS = {
    "carer": "Carer",
    "young_person": "Young person",
    "social_worker": "Social worker",
    "lac_nurse": "Looked-after children's nurse",
    "gp": "GP",
    "camhs": "CAMHS",
    "dentist": "Dentist",
    "school_nurse": "School nurse",
    "other": "Someone else",
}


def care_plan(
    assessment: Mapping[str, Any], actions: list[Mapping[str, Any]], patient: str
) -> dict[str, Any]:
    """The open actions of one assessment's health plan (as the current view gives them) as an
    active CarePlan, one activity each: what, who, and by when."""
    kind = ASSESSMENT_WORDS.get(assessment["type"], assessment["type"])
    activities = []
    for action in actions:
        detail: dict[str, Any] = {
            "status": "not-started",
            "description": action["action"],
            "performer": [{"display": OWNER_WORDS.get(action["owner"], action["owner"])}],
        }
        if action.get("due"):
            detail["scheduledPeriod"] = {"end": action["due"]}
        activities.append({"detail": detail})
    return {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "title": f"Health plan from the {kind.lower()} on {when(assessment['date'])}",
        "subject": {"reference": patient},
        "created": assessment["date"],
        "activity": activities,
    }


# --- what is due and overdue (IPS Plan of Care) ----------------------------------------------

RECOMMENDATION_STATUS_SYSTEM = (
    "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status"
)
FORECAST_WORDS = {"due": "Due", "overdue": "Overdue"}
DATE_VACCINE_DUE = coded(LOINC, "30980-7", "Date vaccine due")

# Who acts on an overdue item (`current.WHO_ACTS`), as the recipient reads it.
WHO_WORDS = {**OWNER_WORDS, "nurse": OWNER_WORDS["lac_nurse"]}

# What each overdue item the current view carries is about, for a reader outside the team.
OVERDUE_WORDS = {
    "IHA_MISSING": "Initial health assessment (first health check)",
    "RHA_OVERDUE": "Review health assessment (health check)",
    "DENTAL_CHECK_OVERDUE": "Dental check",
    "SIGHT_TEST_OVERDUE": "Sight test",
    "GP_NOT_REGISTERED": "Registering with a GP",
    "LEAVER_SUMMARY_DUE": "Health summary for leaving care",
    "INFO_REQUEST_OUTSTANDING": "Health records asked for and not yet received",
    "UASC_SCREENING_INCOMPLETE": "Health checks after arriving in the UK",
    "ARRIVAL_SCREENING_INCOMPLETE": "Health checks after arriving in the UK",
}
VACCINES_DUE_TITLE = "Vaccinations due"
OVERDUE_TITLE = "Overdue"


def forecast_status(dose: DoseDue) -> str:
    """`overdue` once the dose's day has passed (the current view says which), else `due`."""
    return "overdue" if dose.overdue else "due"


def dose_words(dose: DoseDue) -> str:
    return f"{dose.vaccine} (dose {dose.dose})"


def immunization_recommendation(doses: list[DoseDue], patient: str, made_on: str) -> dict[str, Any]:
    """The doses still to give (the current view's `doses_due`) as one ImmunizationRecommendation,
    a recommendation each: the vaccine as the record names it, its target disease where the
    vaccine has one only (R4 targetDisease is 0..1), the dose number, `due` or `overdue`, and the
    day it is due from as the dateCriterion LOINC 30980-7."""
    recommendations = []
    for dose in doses:
        recommendation: dict[str, Any] = {"vaccineCode": [concept(dose.vaccine)]}
        targets = codes.TARGET_DISEASES.get(dose.vaccine) or ()
        if len(targets) == 1:
            recommendation["targetDisease"] = {"coding": [targets[0].coding()]}
        status = forecast_status(dose)
        recommendation |= {
            "doseNumberPositiveInt": dose.dose,
            "forecastStatus": coded(RECOMMENDATION_STATUS_SYSTEM, status, FORECAST_WORDS[status]),
            "dateCriterion": [{"code": DATE_VACCINE_DUE, "value": dose.due.isoformat()}],
        }
        recommendations.append(recommendation)
    return {
        "resourceType": "ImmunizationRecommendation",
        "patient": {"reference": patient},
        "date": made_on,
        "recommendation": recommendations,
    }


def vaccines_due_plan(doses: list[DoseDue], patient: str, recommendation: str) -> dict[str, Any]:
    """The same doses as a CarePlan, so the Plan of Care section (whose entries IPS allows to be
    CarePlans) reaches the ImmunizationRecommendation, through `supportingInfo`. Each activity
    carries the vaccination procedure code GP systems record, where `codes` has one."""
    activities = []
    for dose in doses:
        code: dict[str, Any] = {"text": dose_words(dose)}
        procedure = codes.vaccination_procedure(dose.vaccine, dose.dose)
        if procedure:
            code = {"coding": [procedure.coding()], "text": dose_words(dose)}
        status = FORECAST_WORDS[forecast_status(dose)].lower()
        due = when(dose.due.isoformat())
        activities.append(
            {
                "detail": {
                    "code": code,
                    "status": "not-started",
                    "description": f"{dose_words(dose)}: {status} from {due}",
                    "performer": [{"display": OWNER_WORDS["gp"]}],
                    "scheduledPeriod": {"start": dose.due.isoformat()},
                }
            }
        )
    return {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "title": VACCINES_DUE_TITLE,
        "subject": {"reference": patient},
        "supportingInfo": [{"reference": recommendation}],
        "activity": activities,
    }


def overdue_words(item: Overdue) -> str:
    return OVERDUE_WORDS[item.code]


def overdue_plan(items: list[Overdue], patient: str) -> dict[str, Any]:
    """What should have happened by now (the current view's overdue items carried here, as
    `bundle` chooses them) as a CarePlan: what, who is arranging it, and when it was due."""
    activities = []
    for item in items:
        detail: dict[str, Any] = {
            "code": concept(overdue_words(item)),
            "status": "not-started",
            "description": overdue_words(item)
            + (f": was due on {when(item.due.isoformat())}" if item.due else ": not done yet"),
            "performer": [{"display": WHO_WORDS.get(item.who, OWNER_WORDS["other"])}],
        }
        if item.due:
            detail["scheduledPeriod"] = {"end": item.due.isoformat()}
        activities.append({"detail": detail})
    return {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "title": OVERDUE_TITLE,
        "subject": {"reference": patient},
        "activity": activities,
    }

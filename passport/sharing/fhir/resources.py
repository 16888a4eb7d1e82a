"""The FHIR R4 resources of a patient summary, one builder each, from a record in the
exchange format (dates as ISO strings). Plain JSON-ready data: no FHIR library needed."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

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
    return patient


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
    """Its status from the record (format /2): an active or resolved allergy is confirmed; a
    refuted one has no clinicalStatus (FHIR R4 AllergyIntolerance invariant ait-2)."""
    status = allergy.get("status", "active")
    resource: dict[str, Any] = {"resourceType": "AllergyIntolerance"}
    if status == "refuted":
        resource["verificationStatus"] = coded(ALLERGY_VERIFICATION_SYSTEM, "refuted", "Refuted")
    else:
        clinical = ("resolved", "Resolved") if status == "resolved" else ("active", "Active")
        resource["clinicalStatus"] = coded(ALLERGY_CLINICAL_SYSTEM, *clinical)
        resource["verificationStatus"] = coded(
            ALLERGY_VERIFICATION_SYSTEM, "confirmed", "Confirmed"
        )
    resource.update({"code": concept(allergy["substance"]), "patient": {"reference": patient}})
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


def medication_statement(medication: Mapping[str, Any], patient: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "status": "completed" if medication.get("stopped") else "active",
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
        "code": concept(condition["name"]),
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
    resource: dict[str, Any] = {
        "resourceType": "Immunization",
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
        resource["protocolApplied"] = [{"doseNumberPositiveInt": immunisation["dose"]}]
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

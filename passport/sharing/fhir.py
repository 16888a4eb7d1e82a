"""One child's record as a FHIR R4 document Bundle shaped as an International Patient Summary.

The input is a record in the exchange format lac-health-record/1 (a dict exactly as
`json.load` gives it: dates are ISO strings). The output is plain JSON-ready data, no FHIR
library needed: a Bundle of type `document` whose first entry is the Composition, then the
Patient, the author Organization and the resources each section points at.

What reaches the document (it goes to people outside the team: a GP, a university, a carer):
- allergies, medicines, problems (conditions, including ruled-out ones as `refuted`),
  immunisations;
- health assessments: type, date, who did it, the summary and the young person's own words;
  not the detailed findings, SDQ scores or consent notes;
- family health history only where `family_history_filter` allows an entry (default: the
  relative consented to the young person seeing it). An entry kept out leaves no trace, not
  even an "information withheld" marker;
- the PDF of the same document, when given, as a DocumentReference.

All free text is plain text: in narratives it is escaped, never interpreted as HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

LOINC = "http://loinc.org"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
EMPTY_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
ROLE_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
CONDITION_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION_SYSTEM = (
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
)
REGISTRATION_SYSTEMS = {
    "GMC": "https://fhir.hl7.org.uk/Id/gmc-number",
    "NMC": "https://fhir.hl7.org.uk/Id/nmc-number",
    "HCPC": "https://fhir.hl7.org.uk/Id/hcpc-number",
    "GPHC": "https://fhir.hl7.org.uk/Id/gphc-number",
}
XHTML = "http://www.w3.org/1999/xhtml"

PATIENT_SUMMARY_TYPE = {
    "coding": [{"system": LOINC, "code": "60591-5", "display": "Patient summary Document"}]
}
DEFAULT_AUTHOR_NAME = "Looked-after children's health team"

FamilyHistoryFilter = Callable[[Mapping[str, Any]], bool]


def shared_with_young_person(entry: Mapping[str, Any]) -> bool:
    """The default family-history filter: the relative agreed the young person may see it."""
    return entry.get("consent_to_share_with_young_person") is True


def relevant_to_carer(entry: Mapping[str, Any]) -> bool:
    """The family-history filter for a document meant for a carer."""
    return entry.get("relevant_to_carer") is True


def ips_bundle(
    record: Mapping[str, Any],
    *,
    document_title: str,
    pdf: bytes | None,
    family_history_filter: FamilyHistoryFilter | None = None,
    now: datetime,
) -> dict[str, Any]:
    """Build the FHIR R4 document Bundle (an International Patient Summary) for one record.

    `now` must be timezone-aware: it becomes the Bundle's timestamp and the Composition's date.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(document_title, str) or not document_title.strip():
        raise ValueError("document_title must be a non-empty string")
    allow_family_entry = family_history_filter or shared_with_young_person
    timestamp = now.isoformat(timespec="seconds")
    entries = _Entries()

    patient = entries.add(_patient(record["child"]))
    author = entries.add(_organization(record))
    sections = [
        _allergies_section(record, patient, entries),
        _medications_section(record, patient, entries),
        _problems_section(record, patient, entries),
        _immunisations_section(record, patient, entries),
        _assessments_section(record, patient, entries),
        _family_history_section(record, patient, entries, allow_family_entry),
    ]
    if pdf is not None:
        sections.append(
            _printable_copy_section(pdf, document_title, timestamp, patient, author, entries)
        )

    composition_url = _new_url()
    composition = {
        "resourceType": "Composition",
        "id": _id_of(composition_url),
        "status": "final",
        "type": PATIENT_SUMMARY_TYPE,
        "subject": {"reference": patient},
        "date": timestamp,
        "author": [{"reference": author}],
        "title": document_title.strip(),
        "confidentiality": "R",
        "custodian": {"reference": author},
        "section": sections,
    }
    bundle_url = _new_url()
    return {
        "resourceType": "Bundle",
        "id": _id_of(bundle_url),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": bundle_url},
        "type": "document",
        "timestamp": timestamp,
        "entry": [{"fullUrl": composition_url, "resource": composition}, *entries.entries],
    }


# --- plumbing -------------------------------------------------------------------------------


class _Entries:
    """The Bundle's entries after the Composition, each with a fresh urn:uuid."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def add(self, resource: dict[str, Any]) -> str:
        url = _new_url()
        self.entries.append({"fullUrl": url, "resource": {"id": _id_of(url), **resource}})
        return url


def _new_url() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _id_of(url: str) -> str:
    return url.removeprefix("urn:uuid:")


def _text(value: Any) -> str | None:
    """A free-text value worth putting in a FHIR string: stripped, and None when empty."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _concept(text: str) -> dict[str, Any]:
    return {"text": text}


def _coded(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


# --- narrative ------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _e(value: Any) -> str:
    """Escape plain text for XHTML, dropping the characters XML cannot carry."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


def _div(inner: str) -> dict[str, str]:
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{inner}</div>'}


def _paragraph(text: str) -> str:
    return f"<p>{_e(text)}</p>"


def _table(headings: Iterable[str], rows: Iterable[Iterable[str | None]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(cell or '')}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _when(value: Any) -> str | None:
    """An ISO date as people read it in the UK: 24 June 2019."""
    if not isinstance(value, str) or not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


# --- sections -------------------------------------------------------------------------------


def _section(
    title: str,
    code: dict[str, Any],
    references: list[str],
    narrative: str,
    *,
    empty_reason: str | None = None,
) -> dict[str, Any]:
    section: dict[str, Any] = {"title": title, "code": code, "text": _div(narrative)}
    if references:
        section["entry"] = [{"reference": reference} for reference in references]
    else:
        reason = empty_reason or "unavailable"
        display = {"nilknown": "Nil Known", "unavailable": "Unavailable"}[reason]
        section["emptyReason"] = _coded(EMPTY_REASON_SYSTEM, reason, display)
    return section


def _empty_reason(record: Mapping[str, Any], field: str) -> str:
    """`nilknown` when the record holds the list and it is empty, `unavailable` when the
    record says nothing about it."""
    return "nilknown" if isinstance(record.get(field), list) else "unavailable"


def _allergies_section(
    record: Mapping[str, Any], patient: str, entries: _Entries
) -> dict[str, Any]:
    allergies = record.get("allergies") or []
    references, rows = [], []
    for allergy in allergies:
        references.append(entries.add(_allergy_intolerance(allergy, patient)))
        severity = allergy.get("severity")
        rows.append(
            (
                allergy["substance"],
                allergy.get("reaction"),
                severity if severity and severity != "unknown" else None,
                _when(allergy.get("recorded_on")),
            )
        )
    if rows:
        narrative = _table(("Substance", "Reaction", "Severity", "Recorded"), rows)
    elif _empty_reason(record, "allergies") == "nilknown":
        narrative = _paragraph("No known allergies.")
    else:
        narrative = _paragraph("No information about allergies.")
    return _section(
        "Allergies and intolerances",
        _coded(LOINC, "48765-2", "Allergies and adverse reactions Document"),
        references,
        narrative,
        empty_reason=_empty_reason(record, "allergies"),
    )


def _medications_section(
    record: Mapping[str, Any], patient: str, entries: _Entries
) -> dict[str, Any]:
    medications = record.get("medications") or []
    references, rows = [], []
    for medication in medications:
        references.append(entries.add(_medication_statement(medication, patient)))
        rows.append(
            (
                medication["name"],
                medication.get("dose"),
                medication.get("reason"),
                _when(medication.get("started")),
                _when(medication.get("stopped")),
            )
        )
    if rows:
        narrative = _table(("Medicine", "Dose", "Reason", "Started", "Stopped"), rows)
    elif _empty_reason(record, "medications") == "nilknown":
        narrative = _paragraph("No medicines recorded.")
    else:
        narrative = _paragraph("No information about medicines.")
    return _section(
        "Medicines",
        _coded(LOINC, "10160-0", "History of Medication use Narrative"),
        references,
        narrative,
        empty_reason=_empty_reason(record, "medications"),
    )


_CONDITION_STATUS_WORDS = {
    "active": "Current",
    "resolved": "Resolved",
    "suspected": "Suspected",
    "ruled_out": "Ruled out",
}


def _problems_section(record: Mapping[str, Any], patient: str, entries: _Entries) -> dict[str, Any]:
    conditions = record.get("conditions") or []
    references, rows = [], []
    for condition in conditions:
        references.append(entries.add(_condition(condition, patient)))
        rows.append(
            (
                condition["name"],
                _CONDITION_STATUS_WORDS.get(condition["status"], condition["status"]),
                _when(condition.get("onset")),
                _when(condition.get("resolved_on")),
                condition.get("notes"),
            )
        )
    if rows:
        narrative = _table(("Problem", "Status", "Since", "Until", "Notes"), rows)
    elif _empty_reason(record, "conditions") == "nilknown":
        narrative = _paragraph("No health problems recorded.")
    else:
        narrative = _paragraph("No information about health problems.")
    return _section(
        "Health problems",
        _coded(LOINC, "11450-4", "Problem list - Reported"),
        references,
        narrative,
        empty_reason=_empty_reason(record, "conditions"),
    )


def _immunisations_section(
    record: Mapping[str, Any], patient: str, entries: _Entries
) -> dict[str, Any]:
    immunisations = record.get("immunisations") or []
    history = record.get("immunisation_history_status")
    references, rows = [], []
    for immunisation in immunisations:
        references.append(entries.add(_immunization(immunisation, patient)))
        dose = immunisation.get("dose")
        rows.append(
            (
                immunisation["vaccine"],
                str(dose) if dose is not None else None,
                _when(immunisation["date"]),
                _SOURCE_WORDS.get(immunisation.get("source"), immunisation.get("source")),
            )
        )
    parts = []
    if history == "unknown":
        parts.append(
            _paragraph(
                "No record was found of immunisations before coming into care. "
                "A dose without a record counts as not given."
            )
        )
    elif history == "partial":
        parts.append(_paragraph("The immunisation record is incomplete."))
    if rows:
        parts.append(_table(("Vaccine", "Dose", "Date", "Source"), rows))
        empty_reason = None
    elif history == "unknown" or not isinstance(record.get("immunisations"), list):
        parts.append(_paragraph("No immunisations recorded."))
        empty_reason = "unavailable"
    else:
        parts.append(_paragraph("No immunisations recorded."))
        empty_reason = "nilknown"
    return _section(
        "Immunisations",
        _coded(LOINC, "11369-6", "History of Immunization Narrative"),
        references,
        "".join(parts),
        empty_reason=empty_reason,
    )


_ASSESSMENT_WORDS = {"IHA": "Initial health assessment", "RHA": "Review health assessment"}


def _assessments_section(
    record: Mapping[str, Any], patient: str, entries: _Entries
) -> dict[str, Any]:
    assessments = record.get("assessments") or []
    practitioners: dict[tuple[Any, ...], str] = {}
    references, rows = [], []
    for assessment in assessments:
        practitioner = assessment["practitioner"]
        who = tuple(practitioner.get(k) for k in ("name", "role", "grade", "registration"))
        if who not in practitioners:
            practitioners[who] = entries.add(_practitioner(practitioner))
        references.append(
            entries.add(_clinical_impression(assessment, patient, practitioners[who]))
        )
        findings = assessment.get("findings") or {}
        rows.append(
            (
                _when(assessment["date"]),
                _ASSESSMENT_WORDS.get(assessment["type"], assessment["type"]),
                _practitioner_words(practitioner),
                findings.get("summary"),
                assessment.get("young_person_views"),
            )
        )
    if rows:
        narrative = _table(
            ("Date", "Assessment", "By", "Summary", "In the young person's words"), rows
        )
    elif _empty_reason(record, "assessments") == "nilknown":
        narrative = _paragraph("No health assessments yet.")
    else:
        narrative = _paragraph("No information about health assessments.")
    return _section(
        "Health assessments",
        _concept("Health assessments"),
        references,
        narrative,
        empty_reason=_empty_reason(record, "assessments"),
    )


_RELATIVE_CODES = {
    "birth_mother": ("NMTH", "natural mother", "Birth mother"),
    "birth_father": ("NFTH", "natural father", "Birth father"),
    "full_sibling": ("NSIB", "natural sibling", "Brother or sister"),
    "half_sibling": ("HSIB", "half-sibling", "Half-brother or half-sister"),
    "grandparent": ("GRPRN", "grandparent", "Grandparent"),
    "aunt_or_uncle": ("EXT", "extended family member", "Aunt or uncle"),
    "other": ("FAMMEMB", "family member", "Other relative"),
}


def _family_history_section(
    record: Mapping[str, Any],
    patient: str,
    entries: _Entries,
    allow: FamilyHistoryFilter,
) -> dict[str, Any]:
    family_history = record.get("family_history") or []
    shown = [entry for entry in family_history if allow(entry)]
    references, rows = [], []
    for entry in shown:
        references.append(entries.add(_family_member_history(entry, patient)))
        rows.append(
            (
                _RELATIVE_CODES.get(entry["relative"], ("", "", entry["relative"]))[2],
                entry["condition"],
                entry.get("notes"),
            )
        )
    if rows:
        narrative = _table(("Relative", "Condition", "Notes"), rows)
        empty_reason = None
    elif isinstance(record.get("family_history"), list) and not family_history:
        narrative = _paragraph("No family health history known.")
        empty_reason = "nilknown"
    else:
        # Nothing recorded, or nothing this reader may see: the two must look the same.
        narrative = _paragraph("No family health history to show.")
        empty_reason = "unavailable"
    return _section(
        "Family health history",
        _coded(LOINC, "10157-6", "History of family member diseases Narrative"),
        references,
        narrative,
        empty_reason=empty_reason,
    )


def _printable_copy_section(
    pdf: bytes,
    document_title: str,
    timestamp: str,
    patient: str,
    author: str,
    entries: _Entries,
) -> dict[str, Any]:
    if not isinstance(pdf, bytes | bytearray):
        raise TypeError("pdf must be bytes")
    reference = entries.add(
        _document_reference(bytes(pdf), document_title, timestamp, patient, author)
    )
    return _section(
        "Printable copy",
        _concept("Printable copy (PDF)"),
        [reference],
        _paragraph(f"A PDF copy of this document is attached: {document_title.strip()}."),
    )


# --- resources ------------------------------------------------------------------------------


def _patient(child: Mapping[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient"}
    if _text(child.get("nhs_number")):
        patient["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": child["nhs_number"]}]
    names = [
        {
            "use": "official",
            "family": child["family_name"],
            "given": [child["given_name"]],
        }
    ]
    preferred = _text(child.get("preferred_name"))
    if preferred:
        names.append({"use": "usual", "family": child["family_name"], "given": [preferred]})
    patient["name"] = names
    if child.get("sex_at_birth") in ("male", "female", "unknown"):
        patient["gender"] = child["sex_at_birth"]
    patient["birthDate"] = child["date_of_birth"]
    language = _text(child.get("first_language"))
    if language:
        patient["communication"] = [{"language": _concept(language)}]
    return patient


def _organization(record: Mapping[str, Any]) -> dict[str, Any]:
    nurse = (record.get("contacts") or {}).get("lac_nurse") or {}
    return {
        "resourceType": "Organization",
        "name": _text(nurse.get("team")) or DEFAULT_AUTHOR_NAME,
    }


def _allergy_intolerance(allergy: Mapping[str, Any], patient: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": _coded(ALLERGY_CLINICAL_SYSTEM, "active", "Active"),
        "verificationStatus": _coded(ALLERGY_VERIFICATION_SYSTEM, "confirmed", "Confirmed"),
        "code": _concept(allergy["substance"]),
        "patient": {"reference": patient},
    }
    if allergy.get("recorded_on"):
        resource["recordedDate"] = allergy["recorded_on"]
    severity = allergy.get("severity")
    severity = severity if severity in ("mild", "moderate", "severe") else None
    reaction = _text(allergy.get("reaction"))
    if reaction:
        resource["reaction"] = [
            {"manifestation": [_concept(reaction)], **({"severity": severity} if severity else {})}
        ]
    elif severity:
        resource["note"] = [{"text": f"Severity: {severity}"}]
    return resource


def _medication_statement(medication: Mapping[str, Any], patient: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "status": "completed" if medication.get("stopped") else "active",
        "medicationCodeableConcept": _concept(medication["name"]),
        "subject": {"reference": patient},
    }
    period = {}
    if medication.get("started"):
        period["start"] = medication["started"]
    if medication.get("stopped"):
        period["end"] = medication["stopped"]
    if period:
        resource["effectivePeriod"] = period
    if _text(medication.get("reason")):
        resource["reasonCode"] = [_concept(medication["reason"].strip())]
    if _text(medication.get("dose")):
        resource["dosage"] = [{"text": medication["dose"].strip()}]
    return resource


def _condition(condition: Mapping[str, Any], patient: str) -> dict[str, Any]:
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
        "clinicalStatus": _coded(CONDITION_CLINICAL_SYSTEM, clinical),
        "verificationStatus": _coded(CONDITION_VERIFICATION_SYSTEM, verification),
        "category": [_coded(CONDITION_CATEGORY_SYSTEM, "problem-list-item", "Problem List Item")],
        "code": _concept(condition["name"]),
        "subject": {"reference": patient},
    }
    if condition.get("onset"):
        resource["onsetDateTime"] = condition["onset"]
    if abated:
        resource["abatementDateTime"] = condition["resolved_on"]
    if _text(condition.get("notes")):
        resource["note"] = [{"text": condition["notes"].strip()}]
    return resource


_SOURCE_WORDS = {
    "gp_record": "GP record",
    "red_book": "Red Book (personal child health record)",
    "school_programme": "School immunisation programme",
    "country_of_origin_record": "Record from country of origin",
    "self_report": "Told by the young person or family",
    "other": "Other",
}


def _immunization(immunisation: Mapping[str, Any], patient: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Immunization",
        "status": "completed",
        "vaccineCode": _concept(immunisation["vaccine"]),
        "patient": {"reference": patient},
        "occurrenceDateTime": immunisation["date"],
    }
    source = immunisation.get("source")
    if source:
        resource["primarySource"] = source == "gp_record"
        if source != "gp_record":
            resource["reportOrigin"] = _concept(_SOURCE_WORDS.get(source, source))
    if _text(immunisation.get("notes")):
        resource["note"] = [{"text": immunisation["notes"].strip()}]
    if immunisation.get("dose") is not None:
        resource["protocolApplied"] = [{"doseNumberPositiveInt": immunisation["dose"]}]
    return resource


def _practitioner(practitioner: Mapping[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "name": [{"text": practitioner["name"]}],
    }
    registration = _text(practitioner.get("registration"))
    if registration:
        register, _, number = registration.partition(" ")
        system = REGISTRATION_SYSTEMS.get(register.upper())
        if system and number.strip():
            resource["identifier"] = [{"system": system, "value": number.strip()}]
    qualification = ", ".join(
        part for part in (_text(practitioner.get("role")), _text(practitioner.get("grade"))) if part
    )
    if qualification:
        resource["qualification"] = [{"code": _concept(qualification)}]
    return resource


def _practitioner_words(practitioner: Mapping[str, Any]) -> str:
    role = ", ".join(
        part for part in (_text(practitioner.get("role")), _text(practitioner.get("grade"))) if part
    )
    return f"{practitioner['name']} ({role})" if role else practitioner["name"]


def _clinical_impression(
    assessment: Mapping[str, Any], patient: str, assessor: str
) -> dict[str, Any]:
    kind = _ASSESSMENT_WORDS.get(assessment["type"], assessment["type"])
    resource: dict[str, Any] = {
        "resourceType": "ClinicalImpression",
        "identifier": [{"value": assessment["id"]}],
        "status": "completed",
        "code": _concept(kind),
        "description": f"{kind} by {_practitioner_words(assessment['practitioner'])}",
        "subject": {"reference": patient},
        "effectiveDateTime": assessment["date"],
        "date": assessment["date"],
        "assessor": {"reference": assessor},
    }
    summary = _text((assessment.get("findings") or {}).get("summary"))
    if summary:
        resource["summary"] = summary
    views = _text(assessment.get("young_person_views"))
    if views:
        resource["note"] = [{"text": f"In the young person's own words: {views}"}]
    return resource


def _family_member_history(entry: Mapping[str, Any], patient: str) -> dict[str, Any]:
    code, display, words = _RELATIVE_CODES.get(
        entry["relative"], ("FAMMEMB", "family member", entry["relative"])
    )
    condition: dict[str, Any] = {"code": _concept(entry["condition"])}
    if _text(entry.get("notes")):
        condition["note"] = [{"text": entry["notes"].strip()}]
    relationship = _coded(ROLE_CODE_SYSTEM, code, display)
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


def _document_reference(
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

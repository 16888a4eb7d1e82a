"""Between a loaded lac-health-record/1 dict and the version's rows, both ways, losing nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from passport.records import models as m
from passport.records.schemas import FORMAT

# For each table: (field in the format, attribute on the row). Same name unless shown.
CHILD = [
    "ref",
    "nhs_number",
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "date_of_birth_is_estimate",
    "sex_at_birth",
    "gender_identity",
    "pronouns",
    "first_language",
    "interpreter_needed",
    "responsible_authority",
    "legal_status",
    "unaccompanied_asylum_seeking",
    "entered_care",
    "left_care",
    "country_of_origin",
    "arrived_in_uk",
]
PLACEMENT = ["start", "end", "type", "carer_ref", "area", "host_authority"]
PRACTICE = ["name", "ods_code", "phone", "registered_on"]
PERSON = ["name", "team", "phone", "email"]
PRACTICE_KINDS = ("gp", "dentist", "optician")
PERSON_KINDS = ("social_worker", "lac_nurse", "personal_adviser", "out_of_hours")
CONTACT_ORDER = (*PRACTICE_KINDS, *PERSON_KINDS)
PRACTITIONER = [
    ("name", "practitioner_name"),
    ("role", "practitioner_role"),
    ("grade", "practitioner_grade"),
    ("registration", "practitioner_registration"),
    ("registration_body", "practitioner_registration_body"),
    ("registration_number", "practitioner_registration_number"),
]
CONSENT = [
    ("status", "consent_status"),
    ("by", "consent_by"),
    ("recorded_on", "consent_recorded_on"),
    ("to_share_with", "consent_to_share_with"),
    ("notes", "consent_notes"),
]
FINDINGS = [
    "height_cm",
    "weight_kg",
    "vision",
    "hearing",
    "development",
    "emotional_wellbeing",
    "summary",
]
SDQ = [("total", "sdq_total"), ("completed_by", "sdq_completed_by"), ("date", "sdq_date")]
PLAN_ACTION = [
    "action",
    "owner",
    "due",
    "status",
    "completed_on",
    "status_by",
    "cancelled_on",
    "cancelled_reason",
    "booked_on",
    "booked_for",
    "booked_by",
]
INFORMATION_REQUEST = [
    "to",
    "for_assessment",
    "sent_on",
    "chased_on",
    "received_on",
    "summary",
    "withdrawn_on",
    "withdrawn_reason",
]
BIRTH_HISTORY = ["birth_weight_kg", "gestation_weeks", "place_of_birth", "notes", "notes_for"]

# Top-level arrays of objects: section name -> (row class, fields).
LISTS: dict[str, tuple[type, list[Any]]] = {
    "placements": (m.Placement, PLACEMENT),
    "information_requests": (m.InformationRequest, INFORMATION_REQUEST),
    "immunisations": (
        m.Immunisation,
        [
            "vaccine",
            "dose",
            "date",
            "source",
            "notes",
            "notes_for",
            "status",
            "status_reason",
            "status_by",
        ],
    ),
    "allergies": (
        m.Allergy,
        [
            "substance",
            "reaction",
            "severity",
            "recorded_on",
            "status",
            "status_on",
            "status_by",
            "status_reason",
        ],
    ),
    "conditions": (m.Condition, ["name", "status", "onset", "resolved_on", "notes", "notes_for"]),
    "medications": (m.Medication, ["name", "dose", "reason", "started", "stopped", "stop_reason"]),
    "mental_health": (
        m.MentalHealthEpisode,
        ["service", "referred_on", "first_seen_on", "discharged_on", "notes", "notes_for"],
    ),
    "screening": (m.Screening, ["test", "name", "date", "result", "follow_up", "result_on"]),
    "family_history": (
        m.FamilyHistoryEntry,
        [
            "relative",
            "condition",
            "category",
            "notes",
            "notes_for",
            "source",
            "recorded_on",
            "consent_to_share_with_young_person",
            "relevant_to_carer",
            "consent_state",
            "consent_on",
            "consent_by",
        ],
    ),
    # New in lac-health-record/2.
    "hospital_episodes": (
        m.HospitalEpisode,
        ["kind", "date", "discharged_on", "where", "why", "notes", "notes_for"],
    ),
    "health_advice": (m.HealthAdvice, ["topic", "date", "by", "notes", "notes_for"]),
}
CHECKS = {"dental_checks": "dental", "optical_checks": "optical"}
CONTAINERS = (*LISTS, "contacts", "assessments", "dental_checks", "optical_checks", "birth_history")


def _pairs(fields: list[Any]) -> list[tuple[str, str]]:
    return [f if isinstance(f, tuple) else (f, f) for f in fields]


# Lists of dates kept in a JSON column are stored as ISO strings.
DATE_LISTS = {"chased_on"}


def _values(obj: dict[str, Any], fields: list[Any]) -> dict[str, Any]:
    out = {attr: obj[key] for key, attr in _pairs(fields) if key in obj}
    for attr in DATE_LISTS & out.keys():
        out[attr] = [d.isoformat() for d in out[attr]]
    return out


def _read(row: Any, fields: list[Any]) -> dict[str, Any]:
    out = {}
    for key, attr in _pairs(fields):
        value = getattr(row, attr)
        if value is not None:
            out[key] = [date.fromisoformat(d) for d in value] if attr in DATE_LISTS else value
    return out


def version_from_record(record: dict[str, Any], **version_fields: Any) -> m.RecordVersion:
    """Rows for a new version of the record, from a record loaded by `RecordSchema`."""
    version = m.RecordVersion(
        sections_present=[name for name in CONTAINERS if name in record],
        extensions={k: v for k, v in record.items() if k.startswith("x_")} or None,
        immunisation_history_status=record.get("immunisation_history_status"),
        young_person_choices=record.get("young_person_choices"),
        young_person_own=_own_stored(record.get("young_person_own")),
        **version_fields,
    )
    version.child = m.Child(**_values(record["child"], CHILD))
    for section, (row_class, fields) in LISTS.items():
        rows = [
            row_class(position=i, **_values(item, fields))
            for i, item in enumerate(record.get(section, []))
        ]
        setattr(version, section, rows)
    contacts = record.get("contacts", {})
    version.practices = [
        m.ContactPractice(kind=k, **_values(contacts[k], PRACTICE))
        for k in PRACTICE_KINDS
        if k in contacts
    ]
    version.people = [
        m.ContactPerson(kind=k, **_values(contacts[k], PERSON))
        for k in PERSON_KINDS
        if k in contacts
    ]
    version.assessments = [
        _assessment_row(i, a) for i, a in enumerate(record.get("assessments", []))
    ]
    version.routine_checks = [
        m.RoutineCheck(kind=kind, position=i, date=value)
        for section, kind in CHECKS.items()
        for i, value in enumerate(record.get(section, []))
    ]
    if "birth_history" in record:
        version.birth_history = m.BirthHistory(**_values(record["birth_history"], BIRTH_HISTORY))
    return version


# The young person's own entries are kept whole in one JSON column, their dates as ISO text.
OWN_DATES = {"notes": "written_on", "appointments": "date"}


def _own_stored(own: dict[str, Any] | None) -> dict[str, Any] | None:
    if own is None:
        return None
    stored = dict(own)
    for section, name in OWN_DATES.items():
        if section in own:
            stored[section] = [{**item, name: item[name].isoformat()} for item in own[section]]
    return stored


def _own_loaded(stored: dict[str, Any]) -> dict[str, Any]:
    own = dict(stored)
    for section, name in OWN_DATES.items():
        if section in stored:
            own[section] = [
                {**item, name: date.fromisoformat(item[name])} for item in stored[section]
            ]
    return own


def _assessment_row(position: int, a: dict[str, Any]) -> m.Assessment:
    row = m.Assessment(
        position=position,
        assessment_id=a["id"],
        type=a["type"],
        date=a["date"],
        setting=a.get("setting"),
        placed_out_of_area=a.get("placed_out_of_area"),
        sources_consulted=a.get("sources_consulted"),
        young_person_views=a.get("young_person_views"),
        findings_present="findings" in a,
        health_plan_present="health_plan" in a,
        **_values(a["practitioner"], PRACTITIONER),
        **_values(a.get("consent", {}), CONSENT),
        **_values(a.get("findings", {}), FINDINGS),
        **_values(a.get("sdq", {}), SDQ),
    )
    row.health_plan = [
        m.PlanAction(position=i, **_values(action, PLAN_ACTION))
        for i, action in enumerate(a.get("health_plan", []))
    ]
    return row


def record_from_version(version: m.RecordVersion) -> dict[str, Any]:
    """The record as a dict ready for `RecordSchema.dump`, as it was given to us."""
    present = set(version.sections_present)
    record: dict[str, Any] = {"format": FORMAT, "child": _read(version.child, CHILD)}
    for section, (_, fields) in LISTS.items():
        if section in present:
            record[section] = [_read(row, fields) for row in getattr(version, section)]
    if "contacts" in present:
        by_kind = {row.kind: _read(row, PRACTICE) for row in version.practices}
        by_kind |= {row.kind: _read(row, PERSON) for row in version.people}
        record["contacts"] = {k: by_kind[k] for k in CONTACT_ORDER if k in by_kind}
    if "assessments" in present:
        record["assessments"] = [_assessment_dict(row) for row in version.assessments]
    if version.immunisation_history_status is not None:
        record["immunisation_history_status"] = version.immunisation_history_status
    if version.young_person_choices is not None:
        record["young_person_choices"] = dict(version.young_person_choices)
    if version.young_person_own is not None:
        record["young_person_own"] = _own_loaded(version.young_person_own)
    for section, kind in CHECKS.items():
        if section in present:
            record[section] = [c.date for c in version.routine_checks if c.kind == kind]
    if "birth_history" in present and version.birth_history is not None:
        record["birth_history"] = _read(version.birth_history, BIRTH_HISTORY)
    record.update(version.extensions or {})
    return record


def _assessment_dict(row: m.Assessment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.assessment_id,
        "type": row.type,
        "date": row.date,
        "practitioner": _read(row, PRACTITIONER),
    }
    for key in ("setting", "placed_out_of_area"):
        if getattr(row, key) is not None:
            out[key] = getattr(row, key)
    if row.consent_status is not None:
        out["consent"] = _read(row, CONSENT)
    if row.sources_consulted is not None:
        out["sources_consulted"] = row.sources_consulted
    if row.young_person_views is not None:
        out["young_person_views"] = row.young_person_views
    if row.findings_present:
        out["findings"] = _read(row, FINDINGS)
    if row.sdq_total is not None:
        out["sdq"] = _read(row, SDQ)
    if row.health_plan_present:
        out["health_plan"] = [_read(action, PLAN_ACTION) for action in row.health_plan]
    return out

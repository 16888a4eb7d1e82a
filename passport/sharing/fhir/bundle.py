"""One child's record as a FHIR R4 document Bundle shaped as an International Patient Summary.

The input is a record in the exchange format lac-health-record/1 (a dict exactly as
`json.load` gives it: dates are ISO strings). The output is plain JSON-ready data, no FHIR
library needed: a Bundle of type `document` whose first entry is the Composition, then the
Patient, the author Organization and the resources each section points at.

Every section is built from the record's current view (`passport.records.current`) for the
audience on the day the document is made: what is current, past, due and visible is decided
there, never again here. The Bundle declares the IPS profiles (HL7 IPS,
http://hl7.org/fhir/uv/ips/) of the Bundle, the Composition and each entry IPS has one for.

What reaches the document (it goes to people outside the team: a GP, a university, a carer):
- allergies (active, resolved and refuted, each with its status), medicines (current and past,
  each with its status), problems (active and suspected conditions) and the history of past
  illness (resolved and ruled-out ones, the latter as `refuted`), immunisations given and not
  given, with SNOMED CT codes where `codes` has them;
- screening tests and their results (IPS Results), not the follow-up notes;
- what is still to do (IPS Plan of Care): the open actions of the health plan this audience
  may see, the vaccinations due and overdue (an ImmunizationRecommendation) and the overdue
  checks, each from the current view;
- health assessments: type, date, who did it, the summary and the young person's own words;
  not the detailed findings, SDQ scores or consent notes;
- hospital episodes (format /2): operations as Procedures, admissions and A&E attendances as
  Encounters, with dates, where and why; not the nurse's notes;
- family health history only what the audience may see (`records.audience`: by default the
  young person, so entries whose relative consented). An entry kept out leaves no trace, not
  even an "information withheld" marker;
- what the young person added themselves (format /2 `young_person_own`), when the link
  carries it: a section whose author is the Patient, with their appointments as Appointments
  and their notes, what matters to them, the name they like and their pronouns as
  Communications sent by the Patient. Never the nurse's fields;
- the PDF of the same document, when given, as a DocumentReference.

All free text is plain text: in narratives it is escaped, never interpreted as HTML.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from passport.records.audience import YOUNG_PERSON
from passport.records.current import CurrentView, DoseDue, Overdue, current_view
from passport.sharing.fhir import resources as r
from passport.sharing.fhir.narrative import div, paragraph, table, when

Row = Sequence[str | None]


class Entries:
    """The Bundle's entries after the Composition, each with a fresh urn:uuid."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._once: dict[tuple[Any, ...], str] = {}

    def add(self, resource: dict[str, Any], url: str | None = None) -> str:
        url = url or new_url()
        self.entries.append(
            {"fullUrl": url, "resource": {"id": id_of(url), **r.with_profile(resource)}}
        )
        return url

    def add_once(self, key: tuple[Any, ...], make: Callable[[], dict[str, Any]]) -> str:
        """The entry for `key`, added the first time it is asked for."""
        if key not in self._once:
            self._once[key] = self.add(make())
        return self._once[key]


def new_url() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def id_of(url: str) -> str:
    return url.removeprefix("urn:uuid:")


def ips_bundle(
    record: Mapping[str, Any],
    *,
    document_title: str,
    pdf: bytes | None,
    audience: str = YOUNG_PERSON,
    now: datetime,
    left_out: Collection[str] = (),
) -> dict[str, Any]:
    """Build the FHIR R4 document Bundle (an International Patient Summary) for one record.

    `now` must be timezone-aware: it becomes the Bundle's timestamp and the Composition's date,
    and its day is the day the current view is taken on. `left_out` names the record's lists a
    sharing link leaves out (`sharing.parts.left_out`): what is due or overdue is counted from
    them, so nothing counted from a list left out is said.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not isinstance(document_title, str) or not document_title.strip():
        raise ValueError("document_title must be a non-empty string")
    timestamp = now.isoformat(timespec="seconds")
    view = current_view(record, audience, now.date())
    entries = Entries()

    patient_resource = r.patient(record["child"])
    gp = (record.get("contacts") or {}).get("gp")
    gp_url = new_url() if gp else None
    if gp_url:
        patient_resource["generalPractitioner"] = [{"reference": gp_url}]
    patient = entries.add(patient_resource)
    author = entries.add(r.organization(record))
    if gp:
        entries.add(r.gp_practice(gp), gp_url)
    sections = [build_section(spec, record, view, patient, entries) for spec in SECTIONS]
    sections.extend(_hospital_sections(record, view, patient, entries))
    plan = _plan_of_care_section(record, view, patient, entries, timestamp, left_out)
    if plan:
        sections.append(plan)
    sections.append(_family_history_section(record, view, patient, entries))
    own = _own_part_section(view, patient, entries)
    if own:
        sections.append(own)
    if pdf is not None:
        sections.append(
            _printable_copy_section(pdf, document_title, timestamp, patient, author, entries)
        )

    composition_url = new_url()
    composition = {
        "resourceType": "Composition",
        "id": id_of(composition_url),
        "meta": {"profile": [r.IPS_PROFILES["Composition"]]},
        "status": "final",
        "type": r.PATIENT_SUMMARY_TYPE,
        "subject": {"reference": patient},
        "date": timestamp,
        "author": [{"reference": author}],
        "title": document_title.strip(),
        "confidentiality": "R",
        "custodian": {"reference": author},
        "section": sections,
    }
    bundle_url = new_url()
    return {
        "resourceType": "Bundle",
        "id": id_of(bundle_url),
        "meta": {"profile": [r.IPS_PROFILES["Bundle"]]},
        "identifier": {"system": "urn:ietf:rfc:3986", "value": bundle_url},
        "type": "document",
        "timestamp": timestamp,
        "entry": [{"fullUrl": composition_url, "resource": composition}, *entries.entries],
    }


# --- sections -------------------------------------------------------------------------------


def section(
    title: str,
    code: dict[str, Any],
    references: list[str],
    narrative: str,
    *,
    empty_reason: str | None = None,
) -> dict[str, Any]:
    """A Composition section: its entries, or the reason it has none (IPS `emptyReason`)."""
    built: dict[str, Any] = {"title": title, "code": code, "text": div(narrative)}
    if references:
        built["entry"] = [{"reference": reference} for reference in references]
    else:
        reason = empty_reason or "unavailable"
        display = {"nilknown": "Nil Known", "unavailable": "Unavailable"}[reason]
        built["emptyReason"] = r.coded(r.EMPTY_REASON_SYSTEM, reason, display)
    return built


def empty_reason(record: Mapping[str, Any], field: str) -> str:
    """`nilknown` when the record holds the list and it is empty, `unavailable` when the
    record says nothing about it."""
    return "nilknown" if isinstance(record.get(field), list) else "unavailable"


Item = Mapping[str, Any]


@dataclass(frozen=True)
class SectionSpec:
    """One list of the current view as a section: a resource and a table row for each item.
    `field` is the record's list, which says whether an empty section is nil known."""

    field: str
    title: str
    code: dict[str, Any]
    items: Callable[[CurrentView, Mapping[str, Any]], Sequence[Item]]
    headings: tuple[str, ...]
    resource: Callable[[Item, str, Entries, CurrentView], dict[str, Any]]
    row: Callable[[Item, CurrentView], Row]
    none_known: str
    nothing_said: str
    # Paragraphs before the table, and the empty reason when the list is empty (None: the
    # usual nilknown/unavailable from the record).
    preamble: Callable[[Mapping[str, Any]], list[str]] = lambda record: []
    when_empty: Callable[[Mapping[str, Any]], str | None] = lambda record: None


def build_section(
    spec: SectionSpec,
    record: Mapping[str, Any],
    view: CurrentView,
    patient: str,
    entries: Entries,
) -> dict[str, Any]:
    references, rows = [], []
    for item in spec.items(view, record):
        references.append(entries.add(spec.resource(item, patient, entries, view)))
        rows.append(spec.row(item, view))
    reason = spec.when_empty(record) or empty_reason(record, spec.field)
    parts = spec.preamble(record)
    if rows:
        parts.append(table(spec.headings, rows))
    else:
        parts.append(paragraph(spec.none_known if reason == "nilknown" else spec.nothing_said))
    return section(
        spec.title, spec.code, references, "".join(parts), empty_reason=None if rows else reason
    )


def _severity(value: Any) -> str | None:
    return value if value and value != "unknown" else None


def _immunisation_preamble(record: Mapping[str, Any]) -> list[str]:
    history = record.get("immunisation_history_status")
    if history == "unknown":
        return [
            paragraph(
                "No record was found of immunisations before coming into care. "
                "A dose without a record counts as not given."
            )
        ]
    if history == "partial":
        return [paragraph("The immunisation record is incomplete.")]
    return []


def _immunisations_empty(record: Mapping[str, Any]) -> str | None:
    if record.get("immunisation_history_status") == "unknown" or not isinstance(
        record.get("immunisations"), list
    ):
        return "unavailable"
    return "nilknown"


def _is_current(medicine: Item, view: CurrentView) -> bool:
    return any(medicine is current for current in view.medicines_current)


ALLERGY_STATUS_WORDS = {
    "active": "Current",
    "resolved": "Gone (resolved)",
    "refuted": "Not allergic",
}
MEDICATION_STATUS_WORDS = {"active": "Current", "completed": "Finished", "stopped": "Stopped"}


def _immunisations(view: CurrentView, _: Mapping[str, Any]) -> list[Item]:
    """Given and not given, in date order, as the record has them."""
    return sorted([*view.immunisations_given, *view.immunisations_not_given], key=_date)


def _date(item: Item) -> str:
    return str(item["date"])


def _assessment(
    assessment: Mapping[str, Any], patient: str, entries: Entries, view: CurrentView
) -> dict[str, Any]:
    """A ClinicalImpression, with one Practitioner per person however many they did."""
    practitioner = assessment["practitioner"]
    who = (
        "Practitioner",
        *(
            practitioner.get(k)
            for k in ("name", "role", "grade", "registration", "registration_number")
        ),
    )
    assessor = entries.add_once(who, lambda: r.practitioner(practitioner))
    return r.clinical_impression(assessment, patient, assessor)


def _condition_row(c: Item, _: CurrentView) -> Row:
    return (
        c["name"],
        r.CONDITION_STATUS_WORDS.get(c["status"], c["status"]),
        when(c.get("onset")),
        when(c.get("resolved_on")),
        c.get("notes"),
    )


def _condition(c: Item, patient: str, _: Entries, __: CurrentView) -> dict[str, Any]:
    return r.condition(c, patient)


CONDITION_HEADINGS = ("Problem", "Status", "Since", "Until", "Notes")

SECTIONS = (
    SectionSpec(
        "allergies",
        "Allergies and intolerances",
        r.coded(r.LOINC, "48765-2", "Allergies and adverse reactions Document"),
        lambda view, _: [*view.allergies_active, *view.allergies_past],
        ("Substance", "Reaction", "Severity", "Status", "Recorded"),
        lambda a, patient, _, __: r.allergy_intolerance(a, patient),
        lambda a, _: (
            a["substance"],
            a.get("reaction"),
            _severity(a.get("severity")),
            ALLERGY_STATUS_WORDS.get(a.get("status", "active")),
            when(a.get("recorded_on")),
        ),
        "No known allergies.",
        "No information about allergies.",
    ),
    SectionSpec(
        "medications",
        "Medicines",
        r.coded(r.LOINC, "10160-0", "History of Medication use Narrative"),
        lambda view, _: [*view.medicines_current, *view.medicines_past],
        ("Medicine", "Dose", "Reason", "Status", "Started", "Stopped"),
        lambda m, patient, _, view: r.medication_statement(
            m, patient, current=_is_current(m, view)
        ),
        lambda m, view: (
            m["name"],
            m.get("dose"),
            m.get("reason"),
            MEDICATION_STATUS_WORDS[r.medication_status(m, current=_is_current(m, view))],
            when(m.get("started")),
            when(m.get("stopped")),
        ),
        "No medicines recorded.",
        "No information about medicines.",
    ),
    SectionSpec(
        "conditions",
        "Health problems",
        r.coded(r.LOINC, "11450-4", "Problem list - Reported"),
        lambda view, _: view.conditions_active,
        CONDITION_HEADINGS,
        _condition,
        _condition_row,
        "No current health problems recorded.",
        "No information about health problems.",
    ),
    SectionSpec(
        "conditions",
        "Past health problems",
        r.coded(r.LOINC, "11348-0", "History of Past illness Narrative"),
        lambda view, _: view.conditions_past,
        CONDITION_HEADINGS,
        _condition,
        _condition_row,
        "No past health problems recorded.",
        "No information about past health problems.",
    ),
    SectionSpec(
        "immunisations",
        "Immunisations",
        r.coded(r.LOINC, "11369-6", "History of Immunization Narrative"),
        _immunisations,
        ("Vaccine", "Dose", "Date", "Source"),
        lambda i, patient, _, __: r.immunization(i, patient),
        lambda i, _: (
            " - ".join(part for part in (i["vaccine"], r.not_given_words(i)) if part),
            str(i["dose"]) if i.get("dose") is not None else None,
            when(i["date"]),
            r.SOURCE_WORDS.get(i.get("source") or "", i.get("source")),
        ),
        "No immunisations recorded.",
        "No immunisations recorded.",
        preamble=_immunisation_preamble,
        when_empty=_immunisations_empty,
    ),
    SectionSpec(
        "screening",
        "Screening tests and results",
        r.coded(r.LOINC, "30954-2", "Relevant diagnostic tests/laboratory data Narrative"),
        lambda view, _: sorted(
            [*view.screening_pending, *view.screening_done],
            key=lambda s: s.get("date") or "",
            reverse=True,
        ),
        ("Test", "Date", "Result"),
        lambda s, patient, _, __: r.observation(s, patient),
        lambda s, _: (r.screening_name(s), when(s.get("date")), r.RESULT_WORDS[s["result"]]),
        "No screening tests recorded.",
        "No information about screening tests.",
    ),
    SectionSpec(
        "assessments",
        "Health assessments",
        r.concept("Health assessments"),
        lambda _, record: record.get("assessments") or [],
        ("Date", "Assessment", "By", "Summary", "In the young person's words"),
        _assessment,
        lambda a, _: (
            when(a["date"]),
            r.ASSESSMENT_WORDS.get(a["type"], a["type"]),
            r.practitioner_words(a["practitioner"]),
            (a.get("findings") or {}).get("summary"),
            a.get("young_person_views"),
        ),
        "No health assessments yet.",
        "No information about health assessments.",
    ),
)


# Overdue items carried elsewhere in the Plan of Care: a late plan action is in its health plan
# (with the day it was due), missing vaccines are the vaccinations due.
CARRIED_ELSEWHERE = frozenset({"HEALTH_PLAN_ACTION_OVERDUE", "IMMUNISATIONS_INCOMPLETE"})
# The list of the record each overdue item is about. A link that leaves that list out
# (`sharing.parts`: `left_out`) says nothing about it, so the item is not carried: without the
# dental checks, "no dental check recorded" is not knowledge.
OVERDUE_FROM = {
    "IHA_MISSING": "assessments",
    "RHA_OVERDUE": "assessments",
    "DENTAL_CHECK_OVERDUE": "dental_checks",
    "SIGHT_TEST_OVERDUE": "optical_checks",
    "UASC_SCREENING_INCOMPLETE": "screening",
    "ARRIVAL_SCREENING_INCOMPLETE": "screening",
}


def overdue_carried(view: CurrentView, left_out: Collection[str] = ()) -> list[Overdue]:
    """The current view's overdue items the Plan of Care's "Overdue" plan carries."""
    return [
        item
        for item in view.overdue
        if item.code in r.OVERDUE_WORDS
        and item.code not in CARRIED_ELSEWHERE
        and OVERDUE_FROM.get(item.code) not in left_out
    ]


def doses_carried(view: CurrentView, left_out: Collection[str] = ()) -> list[DoseDue]:
    """The current view's doses due, unless the immunisations they are counted from are left
    out (the view would then count every dose as due)."""
    return [] if "immunisations" in left_out else view.doses_due


def _plan_of_care_section(
    record: Mapping[str, Any],
    view: CurrentView,
    patient: str,
    entries: Entries,
    made_on: str,
    left_out: Collection[str],
) -> dict[str, Any] | None:
    """IPS Plan of Care (LOINC 18776-5), from the current view: the open plan actions this
    audience may see (one CarePlan per assessment), the vaccinations due and overdue (an
    ImmunizationRecommendation, reached from a CarePlan: IPS lets this section hold CarePlans
    only) and the overdue checks. An optional IPS section: left out when there is nothing."""
    doses, overdue = doses_carried(view, left_out), overdue_carried(view, left_out)
    if not (view.open_plan or doses or overdue):
        return None
    references, parts = [], []
    if view.open_plan:
        assessments = {a["id"]: a for a in record.get("assessments") or []}
        by_assessment: dict[str, list[Mapping[str, Any]]] = {}
        for action in view.open_plan:
            by_assessment.setdefault(action["assessment_id"], []).append(action)
        references += [
            entries.add(r.care_plan(assessments[key], actions, patient))
            for key, actions in by_assessment.items()
        ]
        rows = [
            (
                action["action"],
                r.OWNER_WORDS.get(action["owner"], action["owner"]),
                when(action.get("due")),
            )
            for action in view.open_plan
        ]
        parts.append(table(("Action", "Who", "By"), rows))
    if doses:
        recommendation = entries.add(r.immunization_recommendation(doses, patient, made_on))
        references.append(entries.add(r.vaccines_due_plan(doses, patient, recommendation)))
        parts.append(paragraph(r.VACCINES_DUE_TITLE))
        parts.append(
            table(
                ("Vaccine", "Dose", "Due from", "Status"),
                [
                    (
                        d.vaccine,
                        str(d.dose),
                        when(d.due.isoformat()),
                        r.FORECAST_WORDS[r.forecast_status(d)],
                    )
                    for d in doses
                ],
            )
        )
    if overdue:
        references.append(entries.add(r.overdue_plan(overdue, patient)))
        parts.append(paragraph(r.OVERDUE_TITLE))
        parts.append(
            table(
                ("What", "Who", "Was due"),
                [
                    (
                        r.overdue_words(item),
                        r.WHO_WORDS.get(item.who, r.OWNER_WORDS["other"]),
                        when(item.due.isoformat()) if item.due else "Not done yet",
                    )
                    for item in overdue
                ],
            )
        )
    return section(
        "Plan of care",
        r.coded(r.LOINC, "18776-5", "Plan of care note"),
        references,
        "".join(parts),
    )


def _family_history_section(
    record: Mapping[str, Any], view: CurrentView, patient: str, entries: Entries
) -> dict[str, Any]:
    shown = view.family_history
    references = [entries.add(r.family_member_history(entry, patient)) for entry in shown]
    rows = [
        (
            r.RELATIVE_CODES.get(e["relative"], ("", "", e["relative"]))[2],
            e["condition"],
            e.get("notes"),
        )
        for e in shown
    ]
    if rows:
        narrative, reason = table(("Relative", "Condition", "Notes"), rows), None
    elif isinstance(record.get("family_history"), list) and not record["family_history"]:
        narrative, reason = paragraph("No family health history known."), "nilknown"
    else:
        # Nothing recorded, or nothing this reader may see: the two must look the same.
        narrative, reason = paragraph("No family health history to show."), "unavailable"
    return section(
        "Family health history",
        r.coded(r.LOINC, "10157-6", "History of family member diseases Narrative"),
        references,
        narrative,
        empty_reason=reason,
    )


def _hospital_sections(
    record: Mapping[str, Any], view: CurrentView, patient: str, entries: Entries
) -> list[dict[str, Any]]:
    """Operations as IPS "History of Procedures" (LOINC 47519-4) with a Procedure each;
    admissions and A&E attendances as "History of Hospitalizations+Outpatient visits"
    (LOINC 46240-8, the encounters section of C-CDA) with an Encounter each. Format /2."""
    episodes = view.hospital_episodes
    reason = empty_reason(record, "hospital_episodes")
    built = []
    for kinds, title, code, resource, none in (
        (
            ("operation",),
            "History of procedures",
            r.coded(r.LOINC, "47519-4", "History of Procedures Document"),
            r.procedure,
            "No operations recorded.",
        ),
        (
            ("admission", "emergency_attendance"),
            "Hospital admissions and A&E attendances",
            r.coded(r.LOINC, "46240-8", "History of Hospitalizations+Outpatient visits Narrative"),
            r.encounter,
            "No hospital admissions or A&E attendances recorded.",
        ),
    ):
        items = [e for e in episodes if e["kind"] in kinds]
        references = [entries.add(resource(e, patient)) for e in items]
        rows = [
            (
                r.EPISODE_WORDS[e["kind"]],
                when(e["date"]),
                when(e.get("discharged_on")),
                e.get("where"),
                e.get("why"),
            )
            for e in items
        ]
        if rows:
            narrative = table(("What", "Date", "Discharged", "Where", "Why"), rows)
        else:
            narrative = paragraph(none if reason == "nilknown" else "No information.")
        built.append(
            section(
                title,
                code,
                references,
                narrative,
                empty_reason=None if rows else reason,
            )
        )
    return built


OWN_PART_TITLE = "Things the young person added"
# What each of the young person's own messages is (Communication.category text).
OWN_WORDS = {
    "preferred_name": "Likes to be called",
    "pronouns": "Pronouns",
    "what_matters": "What matters to me",
}
OWN_NOTE = "Note written by the young person"
LONDON = ZoneInfo("Europe/London")


def _own_appointment(a: Mapping[str, Any], patient: str) -> dict[str, Any]:
    """An appointment of theirs: a start instant when they gave a time (UK time), else the
    day as the requested period."""
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "status": "booked",
        "description": a["what"],
        "participant": [{"actor": {"reference": patient}, "status": "accepted"}],
    }
    if a.get("where"):
        resource["participant"].append({"actor": {"display": a["where"]}, "status": "accepted"})
    if a.get("time"):
        hour, minute = (int(x) for x in a["time"].split(":"))
        day = date.fromisoformat(str(a["date"]))
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
        resource["start"] = at.isoformat(timespec="seconds")
    else:
        resource["requestedPeriod"] = [{"start": str(a["date"])}]
    return resource


def _own_message(
    category: str, text_: str, patient: str, sent: str | None = None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Communication",
        "status": "completed",
        "category": [r.concept(category)],
        "subject": {"reference": patient},
        "sender": {"reference": patient},
        "payload": [{"contentString": text_}],
    }
    if sent:
        resource["sent"] = sent
    return resource


def _own_part_section(view: CurrentView, patient: str, entries: Entries) -> dict[str, Any] | None:
    """What the young person wrote themselves, marked as theirs: the section's author is the
    Patient. Left out when they added nothing (or the link does not carry it)."""
    own = view.own_part
    if not own:
        return None
    references, lines = [], []
    for name, category in OWN_WORDS.items():
        value = getattr(own, name)
        if value:
            references.append(entries.add(_own_message(category, value, patient)))
            lines.append(f"{category}: {value}")
    for a in [*own.appointments_to_come, *own.appointments_past]:
        references.append(entries.add(_own_appointment(a, patient)))
        at = f" at {a['time']}" if a.get("time") else ""
        where = f", {a['where']}" if a.get("where") else ""
        lines.append(f"Appointment: {a['what']}, {when(str(a['date']))}{at}{where}")
    for n in own.notes:
        written = str(n["written_on"])
        references.append(entries.add(_own_message(OWN_NOTE, n["text"], patient, written)))
        lines.append(f"Note, {when(written)}: {n['text']}")
    built = section(
        OWN_PART_TITLE,
        r.concept(OWN_PART_TITLE),
        references,
        paragraph("Written by the young person, in their own words.")
        + "".join(paragraph(line) for line in lines),
    )
    built["author"] = [{"reference": patient}]
    return built


def _printable_copy_section(
    pdf: bytes, document_title: str, timestamp: str, patient: str, author: str, entries: Entries
) -> dict[str, Any]:
    if not isinstance(pdf, bytes | bytearray):
        raise TypeError("pdf must be bytes")
    reference = entries.add(
        r.document_reference(bytes(pdf), document_title, timestamp, patient, author)
    )
    return section(
        "Printable copy",
        r.concept("Printable copy (PDF)"),
        [reference],
        paragraph(f"A PDF copy of this document is attached: {document_title.strip()}."),
    )

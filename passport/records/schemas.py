"""marshmallow schemas for lac-health-record/2 (and /1, which it upgrades), the exchange format.

They implement `lac-health-record.schema.json` field by field and the rules in the format's
README that a JSON Schema cannot say (NHS number check digit, real dates, nothing in the
future, dates in order, unique assessment ids, references that resolve). Loading gives plain
dicts with `datetime.date` values; dumping gives back the exchange format.

Every message is worded to follow the field's JSON path, as in
`assessments[1].date: must not be in the future`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_dump,
    pre_load,
    validates_schema,
)

from passport.records.format_fields import (
    ODS_PATTERN,
    Array,
    Bool,
    CalendarDate,
    Choice,
    NhsNumber,
    Number,
    Obj,
    Pattern,
    Text,
    ref,
    short,
    text,
)
from passport.records.format_rules import record_rule_breaches

FORMAT = "lac-health-record/2"
FORMAT_1 = "lac-health-record/1"
FORMATS = (FORMAT_1, FORMAT)
# Fields a /1 file may not carry: new in /2 (docs/format/lac-health-record-2.md).
NEW_IN_2 = {
    "child": ("country_of_origin", "arrived_in_uk"),
    "medications": ("stop_reason",),
    "allergies": ("status", "status_on", "status_by", "status_reason"),
    "information_requests": ("withdrawn_on", "withdrawn_reason"),
    "screening": ("result_on",),
    "immunisations": ("status", "status_reason", "status_by", "notes_for"),
    "family_history": ("consent_state", "consent_on", "consent_by", "notes_for"),
    "conditions": ("notes_for",),
    "mental_health": ("notes_for",),
    "birth_history": ("notes_for",),
    "contacts": ("out_of_hours",),
}
# The same for the plan actions inside each assessment (`assessments[i].health_plan[j]`).
NEW_IN_2_PLAN_ACTION = (
    "status_by",
    "cancelled_on",
    "cancelled_reason",
    "booked_on",
    "booked_for",
    "booked_by",
)
# New in /2 inside each assessment's practitioner (a /1 file may not carry them either).
NEW_IN_2_PRACTITIONER = ("registration_body", "registration_number")
# Who an entry's `notes` are written for (new in /2): staff only unless the nurse chose the
# young person when writing them. No value: staff (notes written before /2 stay with staff).
NOTES_FOR = ("staff", "young_person")
# Whole sections new in /2.
SECTIONS_NEW_IN_2 = (
    "hospital_episodes",
    "health_advice",
    "young_person_choices",
    "young_person_own",
)


def _new_in_2(data: dict[str, Any]) -> list[tuple[str | int, ...]]:
    """Where a document uses a field that only /2 has (an object, or each item of a list)."""
    found: list[tuple[str | int, ...]] = []
    for section, names in NEW_IN_2.items():
        value = data.get(section)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            for name in names:
                if isinstance(item, dict) and name in item:
                    found.append((section, name) if index is None else (section, index, name))
    for i, assessment in enumerate(data.get("assessments") or []):
        plan = assessment.get("health_plan") if isinstance(assessment, dict) else None
        for j, action in enumerate(plan if isinstance(plan, list) else []):
            for name in NEW_IN_2_PLAN_ACTION:
                if isinstance(action, dict) and name in action:
                    found.append(("assessments", i, "health_plan", j, name))
    for index, assessment in enumerate(data.get("assessments") or []):
        practitioner = assessment.get("practitioner") if isinstance(assessment, dict) else None
        for name in NEW_IN_2_PRACTITIONER:
            if isinstance(practitioner, dict) and name in practitioner:
                found.append(("assessments", index, "practitioner", name))
    found.extend((section,) for section in SECTIONS_NEW_IN_2 if section in data)
    return found


class FormatSchema(Schema):
    """Strict about unknown fields and types, and silent about absent optional ones."""

    error_messages = {
        "unknown": "is not a field of lac-health-record (/1 or /2)",
        "type": "must be an object",
    }

    class Meta:
        unknown = RAISE
        ordered = True

    @post_dump
    def _leave_out_absent(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None}


class ChildSchema(FormatSchema):
    ref = ref(required=True)
    nhs_number = NhsNumber()
    given_name = short(required=True)
    family_name = short(required=True)
    preferred_name = short()
    date_of_birth = CalendarDate(required=True)
    date_of_birth_is_estimate = Bool(load_default=False)
    sex_at_birth = Choice("female", "male", "unknown")
    gender_identity = short()
    pronouns = short()
    first_language = short()
    interpreter_needed = Bool()
    responsible_authority = short()
    legal_status = Choice(
        "section_20", "interim_care_order", "care_order", "placement_order", "remand", "other"
    )
    unaccompanied_asylum_seeking = Bool(load_default=False)
    entered_care = CalendarDate(required=True)
    left_care = CalendarDate()
    # New in /2.
    country_of_origin = short()
    arrived_in_uk = CalendarDate()


class PlacementSchema(FormatSchema):
    start = CalendarDate(required=True)
    end = CalendarDate()
    type = Choice(
        "foster_care",
        "kinship_care",
        "residential",
        "semi_independent",
        "secure",
        "parent_and_child",
        "other",
        required=True,
    )
    carer_ref = ref()
    area = Choice("in_area", "out_of_area", required=True)
    host_authority = short()


class PracticeSchema(FormatSchema):
    name = short(required=True)
    ods_code = Pattern(ODS_PATTERN, "must be 3 to 8 capital letters or digits")
    phone = Text(max_length=40)
    registered_on = CalendarDate()


class PersonSchema(FormatSchema):
    name = short(required=True)
    team = short()
    phone = Text(max_length=40)
    email = Text(max_length=254)


class ContactsSchema(FormatSchema):
    gp = Obj(PracticeSchema)
    dentist = Obj(PracticeSchema)
    optician = Obj(PracticeSchema)
    social_worker = Obj(PersonSchema)
    lac_nurse = Obj(PersonSchema)
    personal_adviser = Obj(PersonSchema)
    # New in /2: who to call out of hours (evenings, weekends, bank holidays), as the
    # council's emergency duty team.
    out_of_hours = Obj(PersonSchema)


REGISTRATION_BODIES = ("GMC", "NMC", "HCPC", "other")


class PractitionerSchema(FormatSchema):
    name = short(required=True)
    role = short(required=True)
    grade = short()
    registration = Text(max_length=40)
    # New in /2: the register and the number on it, as two fields (an IHA must be done by a
    # registered medical practitioner: GMC). `registration` stays as in /1.
    registration_body = Choice(*REGISTRATION_BODIES)
    registration_number = Text(max_length=40)


CONSENT_SHARE_WITH = ("gp", "camhs", "carer", "social_worker", "school_nurse", "dentist")
SOURCES = (
    "gp",
    "camhs",
    "school_nurse",
    "health_visitor",
    "carer",
    "young_person",
    "social_worker",
    "birth_parent",
    "previous_authority",
    "hospital",
)


class ConsentSchema(FormatSchema):
    status = Choice("given", "partial", "declined", "not_recorded", required=True)
    by = Choice("young_person", "parent", "local_authority")
    recorded_on = CalendarDate()
    to_share_with = Array(Choice(*CONSENT_SHARE_WITH))
    notes = text()


class FindingsSchema(FormatSchema):
    height_cm = Number(minimum=20, maximum=250, exclusive_minimum=True)
    weight_kg = Number(minimum=0.3, maximum=300, exclusive_minimum=True)
    vision = text()
    hearing = text()
    development = text()
    emotional_wellbeing = text()
    summary = text()


class SdqSchema(FormatSchema):
    total = Number(minimum=0, maximum=40, integer=True, required=True)
    completed_by = Choice("carer", "young_person", "teacher")
    date = CalendarDate()


class PlanActionSchema(FormatSchema):
    action = text(required=True)
    owner = Choice(
        "carer",
        "young_person",
        "social_worker",
        "lac_nurse",
        "gp",
        "camhs",
        "dentist",
        "school_nurse",
        "other",
        required=True,
    )
    due = CalendarDate()
    status = Choice("open", "done", "cancelled", required=True)
    completed_on = CalendarDate()
    # New in /2: who marked it done or cancelled it, and when and why it was cancelled.
    status_by = short()
    cancelled_on = CalendarDate()
    cancelled_reason = text()
    # New in /2: the action is booked (an appointment made) but not done yet: when it was
    # booked, the day it is booked for, and who booked it. `status` stays `open` until it is
    # done; a done action keeps its booking, so undoing "done" leaves it booked again.
    booked_on = CalendarDate()
    booked_for = CalendarDate()
    booked_by = short()


class AssessmentSchema(FormatSchema):
    id = ref(required=True)
    type = Choice("IHA", "RHA", required=True)
    date = CalendarDate(required=True)
    practitioner = Obj(PractitionerSchema, required=True)
    setting = Choice("clinic", "home", "placement", "school", "other")
    placed_out_of_area = Bool()
    consent = Obj(ConsentSchema)
    sources_consulted = Array(Choice(*SOURCES))
    young_person_views = text()
    findings = Obj(FindingsSchema)
    sdq = Obj(SdqSchema)
    health_plan = Array(Obj(PlanActionSchema))


class InformationRequestSchema(FormatSchema):
    to = Choice(
        "gp",
        "camhs",
        "school_nurse",
        "health_visitor",
        "previous_authority",
        "hospital",
        "other",
        required=True,
    )
    for_assessment = Text(max_length=64)
    sent_on = CalendarDate(required=True)
    chased_on = Array(CalendarDate())
    received_on = CalendarDate()
    summary = text()
    # New in /2: a request no longer needed (withdrawn), when and why; it is not chased.
    withdrawn_on = CalendarDate()
    withdrawn_reason = text()


IMMUNISATION_STATUSES = ("given", "declined", "contraindicated")
NOT_GIVEN = ("declined", "contraindicated")


class ImmunisationSchema(FormatSchema):
    vaccine = Text(min_length=1, max_length=80, required=True)
    dose = Number(minimum=1, maximum=10, integer=True)
    date = CalendarDate(required=True)
    source = Choice(
        "gp_record",
        "red_book",
        "school_programme",
        "country_of_origin_record",
        "self_report",
        "other",
        required=True,
    )
    notes = text()
    notes_for = Choice(*NOTES_FOR)  # new in /2: who the notes are for; none: staff
    # New in /2: a dose not given, and why. No status: given. For a dose not given, `date` is
    # the date of the decision.
    status = Choice(*IMMUNISATION_STATUSES)
    status_reason = text()
    status_by = short()


class AllergySchema(FormatSchema):
    substance = short(required=True)
    reaction = text()
    severity = Choice("mild", "moderate", "severe", "unknown")
    recorded_on = CalendarDate()
    # New in /2: an allergy that has gone (resolved) or never was (refuted, for example
    # de-labelled after penicillin testing), with when, by whom and why. No status: active.
    status = Choice("active", "resolved", "refuted")
    status_on = CalendarDate()
    status_by = short()
    status_reason = text()


class ConditionSchema(FormatSchema):
    name = short(required=True)
    status = Choice("active", "resolved", "suspected", "ruled_out", required=True)
    onset = CalendarDate()
    resolved_on = CalendarDate()
    notes = text()
    notes_for = Choice(*NOTES_FOR)  # new in /2: who the notes are for; none: staff


class MedicationSchema(FormatSchema):
    name = short(required=True)
    dose = short()
    reason = short()
    started = CalendarDate()
    stopped = CalendarDate()
    # New in /2: why it was stopped.
    stop_reason = text()


class MentalHealthEpisodeSchema(FormatSchema):
    service = short(required=True)
    referred_on = CalendarDate()
    first_seen_on = CalendarDate()
    discharged_on = CalendarDate()
    notes = text()
    notes_for = Choice(*NOTES_FOR)  # new in /2: who the notes are for; none: staff


class ScreeningSchema(FormatSchema):
    test = Choice(
        "tb",
        "hepatitis_b",
        "hepatitis_c",
        "hiv",
        "syphilis",
        "parasites",
        "hearing",
        "vision",
        "other",
        required=True,
    )
    name = short()
    date = CalendarDate()
    result = Choice("negative", "positive", "indeterminate", "declined", "pending", required=True)
    follow_up = text()
    # New in /2: when the result came (a pending test has none yet); not before the test.
    result_on = CalendarDate()


class BirthHistorySchema(FormatSchema):
    birth_weight_kg = Number(minimum=0.2, maximum=7, exclusive_minimum=True)
    gestation_weeks = Number(minimum=20, maximum=45, integer=True)
    place_of_birth = short()
    notes = text()
    notes_for = Choice(*NOTES_FOR)  # new in /2: who the notes are for; none: staff


FAMILY_CONSENT_STATES = ("asked", "given", "refused", "not_traced", "not_asked")


class FamilyHistoryEntrySchema(FormatSchema):
    relative = Choice(
        "birth_mother",
        "birth_father",
        "full_sibling",
        "half_sibling",
        "grandparent",
        "aunt_or_uncle",
        "other",
        required=True,
    )
    condition = short(required=True)
    category = Choice(
        "allergy", "physical", "mental_health", "genetic", "substance_use", "other", required=True
    )
    notes = text()
    notes_for = Choice(*NOTES_FOR)  # new in /2: who the notes are for; none: staff
    source = short()
    recorded_on = CalendarDate()
    consent_to_share_with_young_person = Bool()
    relevant_to_carer = Bool()
    # New in /2: where asking the relative for consent has got to (CQC recommendation 1.13),
    # when and by whom. `consent_to_share_with_young_person` follows it: given is true,
    # anything else is not true.
    consent_state = Choice(*FAMILY_CONSENT_STATES)
    consent_on = CalendarDate()
    consent_by = short()


# New in /2: time in hospital (admissions, operations, A&E attendances).
class HospitalEpisodeSchema(FormatSchema):
    kind = Choice("admission", "operation", "emergency_attendance", required=True)
    date = CalendarDate(required=True)
    discharged_on = CalendarDate()
    where = short()
    why = text()
    notes = text()
    notes_for = Choice(*NOTES_FOR)  # new in /2: who the notes are for; none: staff


# New in /2: health advice given, as Schedule 1 of the Care Planning, Placement and Case Review
# (England) Regulations 2010 asks the health plan to cover.
ADVICE_TOPICS = (
    "sexual_health_and_contraception",
    "smoking",
    "alcohol",
    "drugs",
    "self_harm",
    "dental_costs",
    "registering_with_a_gp",
    "help_with_nhs_costs",
    "other",
)


class HealthAdviceSchema(FormatSchema):
    topic = Choice(*ADVICE_TOPICS, required=True)
    date = CalendarDate(required=True)
    by = short()
    notes = text()
    notes_for = Choice(*NOTES_FOR)  # new in /2: who the notes are for; none: staff


# New in /2: what the young person chose for their care-leaver summary (issue 15). Absent
# means not chosen: birth details are left out with a word that they can add them, and their
# latest three quotes go in.
class YoungPersonChoicesSchema(FormatSchema):
    show_birth_details = Bool()
    summary_quotes = Array(Text(max_length=64))


# New in /2: the young person's own part of their passport (issue 16), written by them on
# their own pages: never the nurse's fields (`child.preferred_name` stays the nurse's).
TIME_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
OWN_NOTE_MOST = 2000


class OwnNoteSchema(FormatSchema):
    id = ref(required=True)
    text = Text(min_length=1, max_length=OWN_NOTE_MOST, required=True)
    written_on = CalendarDate(required=True)


class OwnAppointmentSchema(FormatSchema):
    id = ref(required=True)
    what = short(required=True)
    date = CalendarDate(required=True)
    time = Pattern(TIME_PATTERN, "must be a time written HH:MM (24 hours), like 14:30")
    where = short()


class YoungPersonOwnSchema(FormatSchema):
    preferred_name = short()
    pronouns = Text(min_length=1, max_length=40)
    what_matters = text()
    notes = Array(Obj(OwnNoteSchema))
    appointments = Array(Obj(OwnAppointmentSchema))


class RecordSchema(FormatSchema):
    """One child's whole health record."""

    format = Choice(*FORMATS, required=True)
    child = Obj(ChildSchema, required=True)
    placements = Array(Obj(PlacementSchema))
    contacts = Obj(ContactsSchema)
    assessments = Array(Obj(AssessmentSchema))
    information_requests = Array(Obj(InformationRequestSchema))
    immunisation_history_status = Choice("complete", "partial", "unknown")
    immunisations = Array(Obj(ImmunisationSchema))
    allergies = Array(Obj(AllergySchema))
    conditions = Array(Obj(ConditionSchema))
    medications = Array(Obj(MedicationSchema))
    mental_health = Array(Obj(MentalHealthEpisodeSchema))
    screening = Array(Obj(ScreeningSchema))
    dental_checks = Array(CalendarDate())
    optical_checks = Array(CalendarDate())
    birth_history = Obj(BirthHistorySchema)
    family_history = Array(Obj(FamilyHistoryEntrySchema))
    # New in /2.
    hospital_episodes = Array(Obj(HospitalEpisodeSchema))
    health_advice = Array(Obj(HealthAdviceSchema))
    young_person_choices = Obj(YoungPersonChoicesSchema)
    young_person_own = Obj(YoungPersonOwnSchema)

    def __init__(self, *, today: Callable[[], date] = date.today, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.today = today

    @pre_load
    def _set_aside_extensions(self, data: Any, **kwargs: Any) -> Any:
        """Top-level `x_...` fields are kept as given, outside the schema's checks."""
        if not isinstance(data, dict):
            return data
        self._extensions = {k: v for k, v in data.items() if k.startswith("x_")}
        return {k: v for k, v in data.items() if not k.startswith("x_")}

    def load_record(self, data: Any) -> dict[str, Any]:
        """Load and check a whole document, /1 or /2; the result is /2 (a /1 file is upgraded:
        every field means the same) and carries its `x_` fields again."""
        self._extensions = {}
        loaded: dict[str, Any] = self.load(data)
        loaded["format"] = FORMAT
        loaded.update(self._extensions)
        return loaded

    @validates_schema(skip_on_field_errors=False)
    def _rules_beyond_the_schema(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        for path, message in record_rule_breaches(data, self.today()):
            _store(errors, path, message)
        if data.get("format") == FORMAT_1:
            for path in _new_in_2(data):
                _store(errors, path, f"is new in {FORMAT}: a {FORMAT_1} file cannot carry it")
        if errors:
            raise ValidationError(errors)

    def dump_record(self, record: dict[str, Any]) -> dict[str, Any]:
        dumped: dict[str, Any] = self.dump(record)
        dumped.update({k: v for k, v in record.items() if k.startswith("x_")})
        return dumped


def _store(errors: dict[Any, Any], path: tuple[str | int, ...], message: str) -> None:
    node = errors
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node.setdefault(path[-1], []).append(message)


def choices_of(schema: type[Schema], name: str) -> tuple[str, ...]:
    """The values a Choice field of the format allows (for forms: each list defined once)."""
    field = schema._declared_fields[name]
    if isinstance(field, fields.List):
        field = field.inner
    if not isinstance(field, Choice):
        raise TypeError(f"{schema.__name__}.{name} is not a choice")
    return tuple(field.choices)

"""marshmallow schemas for lac-health-record/1, the record exchange format.

They implement `lac-health-record.schema.json` field by field and the rules in the format's
README that a JSON Schema cannot say (NHS number check digit, real dates, nothing in the
future, dates in order, unique assessment ids, references that resolve). Loading gives plain
dicts with `datetime.date` values; dumping gives back the exchange format.

Every message is worded to follow the field's JSON path, as in
`assessments[1].date: must not be in the future`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import nhs_number
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_dump,
    pre_load,
    validates_schema,
)

FORMAT = "lac-health-record/1"
REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ODS_PATTERN = re.compile(r"^[A-Z0-9]{3,8}$")
NHS_PATTERN = re.compile(r"^[0-9]{10}$")

REQUIRED = "is required"
NOT_NULL = "must not be null (leave the field out instead)"


def _allowed(choices: tuple[str, ...]) -> str:
    return "must be one of: " + ", ".join(choices)


class _Strict(fields.Field[Any]):
    """A field that takes only its own JSON type: no quiet conversion of "12" to 12."""

    default_error_messages = {"required": REQUIRED, "null": NOT_NULL}


class Text(_Strict):
    """Plain text: stored as given, never interpreted. Refuses control characters."""

    def __init__(self, *, min_length: int = 0, max_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_length = min_length
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("must be text")
        if len(value) < self.min_length:
            raise ValidationError("must not be empty")
        if len(value) > self.max_length:
            raise ValidationError(
                f"must be at most {self.max_length} characters (this is {len(value)})"
            )
        for char in value:
            category = unicodedata.category(char)
            if category == "Cs":
                raise ValidationError("holds a broken character (an unpaired surrogate)")
            if category == "Cc" and char not in "\t\n\r":
                raise ValidationError(f"holds a control character (U+{ord(char):04X})")
        return value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class Pattern(Text):
    def __init__(self, pattern: re.Pattern[str], message: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
        self.pattern = pattern
        self.message = message

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("must be text")
        if not self.pattern.match(value):
            raise ValidationError(self.message)
        return value


class NhsNumber(Pattern):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(NHS_PATTERN, "must be 10 digits with no spaces", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        value = super()._deserialize(value, attr, data, **kwargs)
        if not nhs_number.is_valid(value):
            raise ValidationError("is not a valid NHS number (the check digit does not match)")
        return str(value)


class Choice(_Strict):
    def __init__(self, *choices: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise ValidationError(_allowed(self.choices))
        return value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class Const(Choice):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value != self.choices[0]:
            raise ValidationError(f'must be "{self.choices[0]}"')
        return str(value)


class CalendarDate(_Strict):
    """An ISO 8601 calendar date, YYYY-MM-DD, that exists."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not DATE_PATTERN.match(value):
            raise ValidationError("must be a date written YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value} is not a real date") from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else value.isoformat()


class Bool(_Strict):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class Number(_Strict):
    """A JSON number within bounds. `integer` also takes 5.0, as JSON Schema does."""

    def __init__(
        self,
        *,
        minimum: float,
        maximum: float,
        exclusive_minimum: bool = False,
        integer: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self.exclusive_minimum = exclusive_minimum
        self.integer = integer

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("must be a whole number" if self.integer else "must be a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError("must be a number")
        if self.integer:
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValidationError("must be a whole number")
                value = int(value)
        too_low = value <= self.minimum if self.exclusive_minimum else value < self.minimum
        if too_low or value > self.maximum:
            low = "more than" if self.exclusive_minimum else "at least"
            raise ValidationError(
                f"must be {low} {_num(self.minimum)} and at most {_num(self.maximum)}"
            )
        number: float | int = value
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class Obj(fields.Nested):
    default_error_messages = {"required": REQUIRED, "null": NOT_NULL, "type": "must be an object"}


class Array(fields.List[Any]):
    default_error_messages = {"required": REQUIRED, "null": NOT_NULL, "invalid": "must be a list"}


def short(**kwargs: Any) -> Text:
    return Text(min_length=1, max_length=200, **kwargs)


def text(**kwargs: Any) -> Text:
    return Text(max_length=4000, **kwargs)


def ref(**kwargs: Any) -> Pattern:
    return Pattern(
        REF_PATTERN,
        "must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter "
        "or digit",
        **kwargs,
    )


class FormatSchema(Schema):
    """Strict about unknown fields and types, and silent about absent optional ones."""

    error_messages = {
        "unknown": "is not a field of lac-health-record/1",
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


class PractitionerSchema(FormatSchema):
    name = short(required=True)
    role = short(required=True)
    grade = short()
    registration = Text(max_length=40)


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


class AllergySchema(FormatSchema):
    substance = short(required=True)
    reaction = text()
    severity = Choice("mild", "moderate", "severe", "unknown")
    recorded_on = CalendarDate()


class ConditionSchema(FormatSchema):
    name = short(required=True)
    status = Choice("active", "resolved", "suspected", "ruled_out", required=True)
    onset = CalendarDate()
    resolved_on = CalendarDate()
    notes = text()


class MedicationSchema(FormatSchema):
    name = short(required=True)
    dose = short()
    reason = short()
    started = CalendarDate()
    stopped = CalendarDate()


class MentalHealthEpisodeSchema(FormatSchema):
    service = short(required=True)
    referred_on = CalendarDate()
    first_seen_on = CalendarDate()
    discharged_on = CalendarDate()
    notes = text()


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


class BirthHistorySchema(FormatSchema):
    birth_weight_kg = Number(minimum=0.2, maximum=7, exclusive_minimum=True)
    gestation_weeks = Number(minimum=20, maximum=45, integer=True)
    place_of_birth = short()
    notes = text()


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
    source = short()
    recorded_on = CalendarDate()
    consent_to_share_with_young_person = Bool()
    relevant_to_carer = Bool()


# Top-level sections in format order: (name, field). Used by the mapping and the exporter.
SECTIONS = (
    "placements",
    "contacts",
    "assessments",
    "information_requests",
    "immunisation_history_status",
    "immunisations",
    "allergies",
    "conditions",
    "medications",
    "mental_health",
    "screening",
    "dental_checks",
    "optical_checks",
    "birth_history",
    "family_history",
)


class RecordSchema(FormatSchema):
    """One child's whole health record."""

    format = Const(FORMAT, required=True)
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
        """Load and check a whole document; the result carries its `x_` fields again."""
        self._extensions = {}
        loaded: dict[str, Any] = self.load(data)
        loaded.update(self._extensions)
        return loaded

    @validates_schema(skip_on_field_errors=False)
    def _rules_beyond_the_schema(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        for path, message in record_rule_breaches(data, self.today()):
            _store(errors, path, message)
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


Path = tuple[str | int, ...]


def _dated(data: dict[str, Any]) -> Iterator[tuple[Path, date, str]]:
    """Every date in a loaded record, with its path and whether it is an event or a plan."""

    def items(name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        for index, item in enumerate(data.get(name) or []):
            if isinstance(item, dict):
                yield index, item

    def dates_in(prefix: Path, obj: dict[str, Any], *names: str) -> Iterator[tuple[Path, date]]:
        for name in names:
            if isinstance(obj.get(name), date):
                yield prefix + (name,), obj[name]

    child = data.get("child") or {}
    for path, value in dates_in(("child",), child, "date_of_birth", "entered_care", "left_care"):
        yield path, value, "event"
    for i, placement in items("placements"):
        yield from ((p, v, "event") for p, v in dates_in(("placements", i), placement, "start"))
        # A placement may have a planned end date.
        yield from ((p, v, "plan") for p, v in dates_in(("placements", i), placement, "end"))
    for kind, contact in (data.get("contacts") or {}).items():
        if isinstance(contact, dict):
            for p, v in dates_in(("contacts", kind), contact, "registered_on"):
                yield p, v, "event"
    for i, assessment in items("assessments"):
        prefix: Path = ("assessments", i)
        yield from ((p, v, "event") for p, v in dates_in(prefix, assessment, "date"))
        for sub in ("consent", "sdq"):
            if isinstance(assessment.get(sub), dict):
                names = ("recorded_on",) if sub == "consent" else ("date",)
                for p, v in dates_in(prefix + (sub,), assessment[sub], *names):
                    yield p, v, "event"
        for j, action in enumerate(assessment.get("health_plan") or []):
            if isinstance(action, dict):
                action_path = prefix + ("health_plan", j)
                yield from ((p, v, "plan") for p, v in dates_in(action_path, action, "due"))
                for p, v in dates_in(action_path, action, "completed_on"):
                    yield p, v, "event"
    for i, request in items("information_requests"):
        for p, v in dates_in(("information_requests", i), request, "sent_on", "received_on"):
            yield p, v, "event"
        for j, chased in enumerate(request.get("chased_on") or []):
            if isinstance(chased, date):
                yield ("information_requests", i, "chased_on", j), chased, "event"
    single_dates: dict[str, tuple[str, ...]] = {
        "immunisations": ("date",),
        "allergies": ("recorded_on",),
        "conditions": ("onset", "resolved_on"),
        "medications": ("started", "stopped"),
        "mental_health": ("referred_on", "first_seen_on", "discharged_on"),
        "screening": ("date",),
        "family_history": ("recorded_on",),
    }
    for section, date_names in single_dates.items():
        for i, item in items(section):
            for p, v in dates_in((section, i), item, *date_names):
                yield p, v, "event"
    for section in ("dental_checks", "optical_checks"):
        for i, value in enumerate(data.get(section) or []):
            if isinstance(value, date):
                yield (section, i), value, "event"


def _order(
    obj: dict[str, Any], prefix: Path, earlier: str, later: str, words: str
) -> Iterator[tuple[Path, str]]:
    first, second = obj.get(earlier), obj.get(later)
    if isinstance(first, date) and isinstance(second, date) and second < first:
        yield prefix + (later,), f"must be on or after {earlier} ({first.isoformat()}){words}"


def record_rule_breaches(data: dict[str, Any], today: date) -> Iterator[tuple[Path, str]]:
    """The format's rules that JSON Schema cannot express, as (path, message) pairs."""
    given = data.get("child")
    child: dict[str, Any] = given if isinstance(given, dict) else {}
    born = child.get("date_of_birth")
    born = born if isinstance(born, date) else None

    for path, value, kind in _dated(data):
        if kind == "event" and value > today:
            yield path, f"must not be in the future ({value.isoformat()} is after today)"
        elif born and value < born and path != ("child", "date_of_birth"):
            yield path, f"must not be before the date of birth ({born.isoformat()})"

    yield from _order(child, ("child",), "date_of_birth", "entered_care", "")
    yield from _order(child, ("child",), "entered_care", "left_care", "")
    for i, placement in enumerate(data.get("placements") or []):
        if isinstance(placement, dict):
            yield from _order(placement, ("placements", i), "start", "end", "")
    for i, condition in enumerate(data.get("conditions") or []):
        if isinstance(condition, dict):
            yield from _order(condition, ("conditions", i), "onset", "resolved_on", "")
    for i, medication in enumerate(data.get("medications") or []):
        if isinstance(medication, dict):
            yield from _order(medication, ("medications", i), "started", "stopped", "")
    for i, episode in enumerate(data.get("mental_health") or []):
        if isinstance(episode, dict):
            yield from _order(episode, ("mental_health", i), "referred_on", "discharged_on", "")
    for i, request in enumerate(data.get("information_requests") or []):
        if isinstance(request, dict):
            yield from _order(request, ("information_requests", i), "sent_on", "received_on", "")

    seen: dict[str, int] = {}
    for i, assessment in enumerate(data.get("assessments") or []):
        if not isinstance(assessment, dict) or not isinstance(assessment.get("id"), str):
            continue
        first = seen.setdefault(assessment["id"], i)
        if first != i:
            yield (
                ("assessments", i, "id"),
                f'"{assessment["id"]}" is already the id of assessments[{first}]',
            )
    for i, request in enumerate(data.get("information_requests") or []):
        if isinstance(request, dict) and isinstance(request.get("for_assessment"), str):
            if request["for_assessment"] not in seen:
                yield (
                    ("information_requests", i, "for_assessment"),
                    f'names no assessment in this record ("{request["for_assessment"]}")',
                )

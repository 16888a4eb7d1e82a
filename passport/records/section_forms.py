"""The forms of the record's simpler sections (immunisations, allergies, conditions,
medicines, screening, family history, hospital episodes, health advice): each described as
data, one form class made from each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from wtforms import (
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from passport.records.forms import VersionedForm, choices
from passport.records.schemas import (
    ADVICE_TOPICS,
    NOTES_FOR,
    AllergySchema,
    ConditionSchema,
    FamilyHistoryEntrySchema,
    HospitalEpisodeSchema,
    ImmunisationSchema,
    ScreeningSchema,
    choices_of,
)
from passport.records.service import FieldError
from passport.rules.dates import long_date
from passport.web.fields import (
    DatePartsField,
    NamedRadioField,
    WholeNumberField,
    required,
)

# --- the simpler sections: one form each, described as data --------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # text | textarea | date | select | radios | integer | yesno
    label: str
    required: str | None = None  # the message when missing
    choices: tuple[str, ...] = ()
    hint: str | None = None
    labels: tuple[tuple[str, str], ...] = ()  # radios worded other than by `choices`
    default: str | None = None
    invalid: str | None = None  # the message for an answer that is not one of the choices


@dataclass(frozen=True)
class SectionSpec:
    section: str
    title: str
    added: str
    fields: tuple[FieldSpec, ...]


# Asked under every note (format /2 `notes_for`): a note reaches the young person's documents
# only when the nurse says it is for them; staff is the answer unless changed.
NOTES_FOR_FIELD = FieldSpec(
    "notes_for",
    "radios",
    "Who is this note for?",
    choices=NOTES_FOR,
    hint="Only a note for the young person is shown in their passport and care-leaver summary",
    invalid="Select who this note is for: staff only, or the young person too",
    labels=(
        ("staff", "Staff only"),
        ("young_person", "The young person too: it is written for them to read"),
    ),
    default="staff",
)

VACCINES = (
    "6-in-1",
    "5-in-1",
    "PCV",
    "MenB",
    "MenC",
    "Rotavirus",
    "Hib/MenC",
    "MMR",
    "MMRV",
    "4-in-1 pre-school booster",
    "Flu",
    "HPV",
    "Td/IPV",
    "MenACWY",
    "BCG",
    "Hepatitis B",
    "COVID-19",
)

SECTIONS: dict[str, SectionSpec] = {
    "mental_health": SectionSpec(
        "mental_health",
        "Add a mental health service",
        "Mental health service added",
        (
            FieldSpec("service", "text", "Service", "Enter the name of the service"),
            FieldSpec("referred_on", "date", "Date referred"),
            FieldSpec("first_seen_on", "date", "Date first seen"),
            FieldSpec("discharged_on", "date", "Date discharged"),
            FieldSpec("notes", "textarea", "Notes"),
            NOTES_FOR_FIELD,
        ),
    ),
    "immunisations": SectionSpec(
        "immunisations",
        "Add an immunisation",
        "Immunisation added",
        (
            FieldSpec("vaccine", "select", "Vaccine", "Select the vaccine", VACCINES),
            FieldSpec("dose", "integer", "Dose number", hint="Leave blank if not known"),
            FieldSpec("date", "date", "Date given", "Enter the date it was given"),
            FieldSpec(
                "source",
                "radios",
                "Where this is recorded",
                "Select where this is recorded",
                choices_of(ImmunisationSchema, "source"),
            ),
            FieldSpec("notes", "textarea", "Notes"),
            NOTES_FOR_FIELD,
        ),
    ),
    "allergies": SectionSpec(
        "allergies",
        "Add an allergy",
        "Allergy added",
        (
            FieldSpec(
                "substance", "text", "What they are allergic to", "Enter what they are allergic to"
            ),
            FieldSpec("reaction", "textarea", "What happens"),
            FieldSpec(
                "severity", "radios", "How severe", None, choices_of(AllergySchema, "severity")
            ),
            FieldSpec("recorded_on", "date", "Date recorded"),
        ),
    ),
    "conditions": SectionSpec(
        "conditions",
        "Add a condition",
        "Condition added",
        (
            FieldSpec("name", "text", "Condition", "Enter the name of the condition"),
            FieldSpec(
                "status",
                "radios",
                "Status",
                "Select the status of the condition",
                choices_of(ConditionSchema, "status"),
            ),
            FieldSpec("onset", "date", "Date it started or was first noted"),
            FieldSpec("resolved_on", "date", "Date it was resolved"),
            FieldSpec("notes", "textarea", "Notes"),
            NOTES_FOR_FIELD,
        ),
    ),
    "medications": SectionSpec(
        "medications",
        "Add a medicine",
        "Medicine added",
        (
            FieldSpec("name", "text", "Medicine", "Enter the name of the medicine"),
            FieldSpec("dose", "text", "Dose", hint="For example, 10mg once a day"),
            FieldSpec("reason", "text", "What it is for"),
            FieldSpec("started", "date", "Date started"),
            FieldSpec("stopped", "date", "Date stopped"),
        ),
    ),
    "screening": SectionSpec(
        "screening",
        "Add a screening test",
        "Screening test added",
        (
            FieldSpec(
                "test", "radios", "Test", "Select the test", choices_of(ScreeningSchema, "test")
            ),
            FieldSpec("name", "text", "Name of the test", hint="For example, IGRA blood test"),
            FieldSpec("date", "date", "Date of the test"),
            FieldSpec(
                "result",
                "radios",
                "Result",
                "Select the result",
                choices_of(ScreeningSchema, "result"),
            ),
            FieldSpec("result_on", "date", "Date of the result", hint="Leave blank if pending"),
            FieldSpec("follow_up", "textarea", "Follow-up"),
        ),
    ),
    "family_history": SectionSpec(
        "family_history",
        "Add birth-family health history",
        "Family health history added",
        (
            FieldSpec(
                "relative",
                "radios",
                "Relative",
                "Select the relative",
                choices_of(FamilyHistoryEntrySchema, "relative"),
            ),
            FieldSpec("condition", "text", "Condition", "Enter the condition"),
            FieldSpec(
                "category",
                "radios",
                "Kind of condition",
                "Select the kind of condition",
                choices_of(FamilyHistoryEntrySchema, "category"),
            ),
            FieldSpec("notes", "textarea", "Notes"),
            NOTES_FOR_FIELD,
            FieldSpec(
                "source",
                "text",
                "Where this came from",
                hint="For example, birth parent health form",
            ),
            FieldSpec("recorded_on", "date", "Date recorded"),
            FieldSpec(
                "consent_state",
                "radios",
                "Has the relative agreed that the young person may see this?",
                "Select where asking the relative for consent has got to",
                choices_of(FamilyHistoryEntrySchema, "consent_state"),
                hint="The young person sees this entry only when the relative has given consent",
            ),
            FieldSpec("consent_on", "date", "Date the relative was asked or answered"),
            FieldSpec(
                "consent_by",
                "text",
                "Who asked the relative, or recorded the answer",
                hint="For example, Sam Patel, social worker",
            ),
            FieldSpec(
                "relevant_to_carer",
                "yesno",
                "Does the carer need to know this to keep the child safe?",
                "Select whether the carer needs to know this",
            ),
        ),
    ),
    "hospital_episodes": SectionSpec(
        "hospital_episodes",
        "Add a hospital episode",
        "Hospital episode added",
        (
            FieldSpec(
                "kind",
                "radios",
                "What happened",
                "Select what happened",
                choices_of(HospitalEpisodeSchema, "kind"),
            ),
            FieldSpec(
                "date",
                "date",
                "Date of admission",
                "Enter the date of admission",
                hint="For an operation or an A&E attendance, the day it happened",
            ),
            FieldSpec("discharged_on", "date", "Date discharged", hint="Leave blank if not known"),
            FieldSpec("where", "text", "Hospital", hint="For example, Example General Hospital"),
            FieldSpec(
                "why", "textarea", "Why, or what was done", hint="For example, appendix removed"
            ),
            FieldSpec("notes", "textarea", "Notes"),
            NOTES_FOR_FIELD,
        ),
    ),
    "health_advice": SectionSpec(
        "health_advice",
        "Record health advice given",
        "Health advice recorded",
        (
            FieldSpec(
                "topic",
                "radios",
                "What the advice was about",
                "Select what the advice was about",
                ADVICE_TOPICS,
            ),
            FieldSpec("date", "date", "Date given", "Enter the date the advice was given"),
            FieldSpec("by", "text", "Who gave it", hint="For example, Sam Patel, LAC nurse"),
            FieldSpec("notes", "textarea", "Notes"),
            NOTES_FOR_FIELD,
        ),
    ),
}

# What a section's first date is called in a message about a later one ("the discharge date
# must be on or after the date of admission").
EARLIER_DATE = {
    "hospital_episodes": {
        "admission": "the date of admission",
        "operation": "the date of the operation",
        "emergency_attendance": "the date of the A&E attendance",
    },
}
LATER_DATE = {"discharged_on": "The discharge date"}
_ISO = re.compile(r"\((\d{4}-\d{2}-\d{2})")


def _uk(message: str) -> str:
    found = _ISO.search(message)
    return long_date(date.fromisoformat(found.group(1))) if found else ""


def plain_date_errors(
    spec: SectionSpec,
    form: VersionedForm,
    errors: list[FieldError],
    item: dict[str, Any],
    prefix: str,
) -> list[FieldError]:
    """Put the format's date messages on the form's date fields in plain words with UK dates
    ("The discharge date must be on or after the date of admission, 2 June 2025"); return
    the errors left for `attach_errors`."""
    dates = {f.name: f.label for f in spec.fields if f.kind == "date"}
    left = []
    for error in errors:
        name = error.path[len(prefix) :] if error.path.startswith(prefix) else ""
        words = None
        if name in dates:
            the_field = f"The {dates[name][0].lower()}{dates[name][1:]}"
            if "must not be in the future" in error.message:
                words = f"{the_field} must not be in the future"
            elif "before the date of birth" in error.message:
                words = f"{the_field} must not be before their date of birth, {_uk(error.message)}"
            elif "must be on or after" in error.message:
                earlier = EARLIER_DATE.get(spec.section, {}).get(item.get("kind", ""), "the start")
                later = LATER_DATE.get(name, the_field)
                words = f"{later} must be on or after {earlier}, {_uk(error.message)}"
        if words is None:
            left.append(error)
        else:
            form[name].errors = [*form[name].errors, words]
    return left


def section_form_class(spec: SectionSpec) -> type[VersionedForm]:
    attrs: dict[str, Any] = {}
    for f in spec.fields:
        validators = [required(f.required)] if f.required else [Optional()]
        if f.kind == "date":
            attrs[f.name] = DatePartsField(f.label, validators=validators)
        elif f.kind == "textarea":
            attrs[f.name] = TextAreaField(f.label, validators=validators)
        elif f.kind == "integer":
            attrs[f.name] = WholeNumberField(f.label, validators=validators)
        elif f.kind == "select":
            attrs[f.name] = SelectField(
                f.label,
                choices=[("", "Select")] + [(c, c) for c in f.choices],
                validators=validators,
            )
        elif f.kind == "radios" and f.invalid:
            attrs[f.name] = NamedRadioField(
                f.invalid,
                f.label,
                choices=list(f.labels) or choices(*f.choices),
                validators=validators,
                default=f.default,
            )
        elif f.kind == "radios":
            attrs[f.name] = RadioField(
                f.label,
                choices=list(f.labels) or choices(*f.choices),
                validators=validators,
                default=f.default,
            )
        elif f.kind == "yesno":
            attrs[f.name] = RadioField(
                f.label, choices=[("yes", "Yes"), ("no", "No")], validators=validators
            )
        else:
            attrs[f.name] = StringField(f.label, validators=validators)
    return type(f"{spec.section.title()}Form", (VersionedForm,), attrs)


SECTION_FORMS = {name: section_form_class(spec) for name, spec in SECTIONS.items()}


def section_item(spec: SectionSpec, form: VersionedForm) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for f in spec.fields:
        value = form[f.name].data
        if f.kind == "date":
            value = value.isoformat() if value else None
        elif f.kind == "yesno":
            value = {"yes": True, "no": False}.get(value)
        elif isinstance(value, str):
            value = value.strip() or None
        if value is not None:
            item[f.name] = value
    if not item.get("notes") or item.get("notes_for") == "staff":
        # Who a note is for means nothing without a note, and no value means staff (format
        # /2), so an older note saved unchanged is not a change.
        item.pop("notes_for", None)
    if "consent_state" in item:
        # The /1 yes or no follows the relative's consent (format /2): given is yes.
        item["consent_to_share_with_young_person"] = item["consent_state"] == "given"
    return item

"""The forms that change or withdraw an entry already in the record: any entry of a list
section, changed or marked "Entered in error", each with the nurse's reason.

The change form of a list section is its add form (`section_forms.SECTIONS`) prefilled from
the entry, with "Why are you making this change?" added. Dates are checked here first, so a
refusal names the field in plain words with UK dates ("The stop date must be on or after the
start date, 7 June 2022") instead of the format's path and ISO date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import TextAreaField

from passport.records.forms import ChangeForm, VersionedForm, words
from passport.records.section_forms import (
    SECTIONS,
    FieldSpec,
    SectionSpec,
    section_form_class,
)
from passport.rules.dates import long_date
from passport.web.fields import required

MENTAL_HEALTH = SectionSpec(
    "mental_health",
    "Add a mental health service",
    "Mental health service added",
    (
        FieldSpec("service", "text", "Service", "Enter the name of the service"),
        FieldSpec("referred_on", "date", "Date referred"),
        FieldSpec("first_seen_on", "date", "Date first seen"),
        FieldSpec("discharged_on", "date", "Date discharged"),
        FieldSpec("notes", "textarea", "Notes"),
    ),
)

# Every list section whose entries can be changed or marked "Entered in error".
ENTRY_SECTIONS: dict[str, SectionSpec] = {**SECTIONS, "mental_health": MENTAL_HEALTH}

# What one entry of each section is called, for headings and messages.
ENTRY_NOUNS = {
    "immunisations": "immunisation",
    "allergies": "allergy",
    "conditions": "condition",
    "medications": "medicine",
    "screening": "screening test",
    "family_history": "family health history entry",
    "mental_health": "mental health service",
}


def entry_label(section: str, item: dict[str, Any]) -> str:
    """The name a nurse knows an entry by: "Methylphenidate", "MMR dose 2"."""
    if section == "immunisations":
        return f"{item['vaccine']} dose {item['dose']}" if item.get("dose") else item["vaccine"]
    if section == "allergies":
        return str(item["substance"])
    if section == "screening":
        return str(item.get("name") or words(item["test"]))
    if section == "family_history":
        return f"{words(item['relative'])}: {item['condition']}"
    if section == "mental_health":
        return str(item["service"])
    return str(item["name"])


class EnteredInErrorForm(VersionedForm):
    """Taking out an entry that should never have been in the record: the reason is kept
    with the new version, and earlier versions still hold the entry."""

    error_reason = TextAreaField(
        "Why was this entered in error?",
        description="For example, recorded on the wrong child",
        validators=[required("Enter why this was entered in error")],
    )


def change_form_class(spec: SectionSpec) -> type[VersionedForm]:
    """The section's form with the reason for the change added."""
    base = section_form_class(spec)
    return type(f"Change{base.__name__}", (base,), {"change_reason": ChangeForm.change_reason})


CHANGE_FORMS = {name: change_form_class(spec) for name, spec in ENTRY_SECTIONS.items()}


def prefill(spec: SectionSpec, form: VersionedForm, item: dict[str, Any]) -> None:
    """Put the entry's values in the form's fields, as the nurse will see them."""
    for f in spec.fields:
        value = item.get(f.name)
        if value is None:
            continue
        if f.kind == "date" and isinstance(value, str):
            value = date.fromisoformat(value)
        elif f.kind == "yesno":
            value = "yes" if value else "no"
        form[f.name].data = value


def changed_entry(spec: SectionSpec, old: dict[str, Any], typed: dict[str, Any]) -> dict[str, Any]:
    """The entry after the change: what the form asks replaces what was there, and fields the
    form does not ask (an allergy's status, why a medicine stopped) are kept."""
    asked = {f.name for f in spec.fields}
    kept = {k: v for k, v in old.items() if k not in asked}
    if spec.section == "medications" and not typed.get("stopped"):
        kept.pop("stop_reason", None)
    return {**kept, **typed}


# --- dates that cannot be true, in plain words --------------------------------------------

# What each date field is called in a sentence ("The stop date must ...").
DATE_NAMES: dict[str, str] = {
    "started": "the start date",
    "stopped": "the stop date",
    "onset": "the date it started",
    "resolved_on": "the date it was resolved",
    "referred_on": "the referral date",
    "first_seen_on": "the date first seen",
    "discharged_on": "the discharge date",
    "recorded_on": "the date recorded",
    "status_on": "the date",
}
SECTION_DATE_NAMES = {
    ("immunisations", "date"): "the date it was given",
    ("screening", "date"): "the date of the test",
}

# (section, earlier, later): the later date may not come before the earlier one.
ORDERED = (
    ("conditions", "onset", "resolved_on"),
    ("medications", "started", "stopped"),
    ("mental_health", "referred_on", "discharged_on"),
    ("mental_health", "first_seen_on", "discharged_on"),
)


def date_name(section: str, field: str) -> str:
    return SECTION_DATE_NAMES.get((section, field), DATE_NAMES.get(field, "the date"))


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def date_problems(
    section: str, item: dict[str, Any], born: date | None, today: date
) -> list[tuple[str, str]]:
    """(field, message) for each date of the entry that cannot be true: in the future, before
    the child was born, or before the date it must follow."""
    problems: list[tuple[str, str]] = []
    spec = ENTRY_SECTIONS[section]
    for f in spec.fields:
        value = _as_date(item.get(f.name))
        if f.kind != "date" or value is None:
            continue
        name = date_name(section, f.name)
        if value > today:
            problems.append((f.name, f"{name.capitalize()} must be today or in the past"))
        elif born and value < born:
            problems.append(
                (
                    f.name,
                    f"{name.capitalize()} must be on or after the date of birth, {long_date(born)}",
                )
            )
    bad = {field for field, _ in problems}
    for where, earlier, later in ORDERED:
        first, second = _as_date(item.get(earlier)), _as_date(item.get(later))
        if where != section or later in bad or not first or not second or second >= first:
            continue
        problems.append(
            (
                later,
                f"{date_name(section, later).capitalize()} must be on or after "
                f"{date_name(section, earlier)}, {long_date(first)}",
            )
        )
        bad.add(later)
    if section == "conditions" and item.get("status") == "resolved" and not item.get("resolved_on"):
        problems.append(("resolved_on", "Enter the date it was resolved"))
    return problems

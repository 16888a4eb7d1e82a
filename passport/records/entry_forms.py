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

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from passport.records.changes import entry_name
from passport.records.forms import (
    OWNERS,
    AssessmentForm,
    ChangeForm,
    InformationRequestForm,
    VersionedForm,
    choices,
    words,
)
from passport.records.section_forms import (
    SECTIONS,
    SectionSpec,
    section_form_class,
)
from passport.rules.dates import long_date
from passport.web.fields import DatePartsField, required

# Every list section whose entries can be changed or marked "Entered in error".
ENTRY_SECTIONS: dict[str, SectionSpec] = dict(SECTIONS)

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
    if "name" in item:
        return str(item["name"])
    # Sections named by what and when (a hospital episode, health advice): as the history says.
    said = entry_name(section, item)
    return said[:1].upper() + said[1:]


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
    "result_on": "the date of the result",
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
    ("screening", "date", "result_on"),
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
    if section == "screening" and item.get("result") == "pending" and item.get("result_on"):
        problems.append(("result_on", "Leave the date of the result blank while it is pending"))
    return problems


def when_problem(name: str, value: date | None, born: date | None, today: date) -> str | None:
    """The message for an event date that cannot be true, or None."""
    if value is None:
        return None
    if value > today:
        return f"{name.capitalize()} must be today or in the past"
    if born and value < born:
        return f"{name.capitalize()} must be on or after the date of birth, {long_date(born)}"
    return None


# --- plan actions ----------------------------------------------------------------------------


class PlanActionForm(ChangeForm):
    """One action of a health plan: who does it, by when, and whether it was done (when, by
    whom) or cancelled (when, why)."""

    owner = SelectField("Who will do it", choices=choices(*OWNERS), validators=[Optional()])
    due = DatePartsField("Due by", validators=[Optional()])
    status = RadioField(
        "Is it done?",
        choices=[
            ("open", "Not done yet"),
            ("done", "Done"),
            ("cancelled", "Cancelled: it is not needed any more"),
        ],
        validators=[required("Select whether it is done")],
    )
    status_on = DatePartsField("Date it was done or cancelled", validators=[Optional()])
    status_by = StringField("Who did it, or who decided to cancel it", validators=[Optional()])
    cancelled_reason = TextAreaField("Why it was cancelled", validators=[Optional()])
    # Format /2's booking (a carer marks it too): not sent leaves the booking as it is.
    booked = RadioField(
        "Is an appointment booked for it?",
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[Optional()],
    )
    booked_for = DatePartsField("Date of the appointment", validators=[Optional()])

    def fill(self, action: dict[str, Any]) -> None:
        self.owner.data = action["owner"]
        self.due.data = _as_date(action.get("due"))
        self.status.data = action["status"]
        self.status_on.data = _as_date(action.get("completed_on") or action.get("cancelled_on"))
        self.status_by.data = action.get("status_by")
        self.cancelled_reason.data = action.get("cancelled_reason")
        self.booked.data = "yes" if action.get("booked_on") else "no"
        self.booked_for.data = _as_date(action.get("booked_for"))

    def problems(self, born: date | None, today: date) -> list[tuple[str, str]]:
        found = []
        if self.booked_for.data and self.booked.data != "yes":
            found.append(
                (
                    "booked_for",
                    "Leave the date of the appointment empty, or choose Yes: it is booked",
                )
            )
        if self.booked.data == "yes" and self.status.data == "cancelled":
            found.append(("booked", "Choose No: a cancelled action has no appointment"))
        status, on = self.status.data, self.status_on.data
        if status in ("done", "cancelled"):
            word = "done" if status == "done" else "cancelled"
            if on is None:
                found.append(("status_on", f"Enter the date it was {word}"))
            if not (self.status_by.data or "").strip():
                who = "who did it" if status == "done" else "who decided to cancel it"
                found.append(("status_by", f"Enter {who}"))
        if status == "cancelled" and not (self.cancelled_reason.data or "").strip():
            found.append(("cancelled_reason", "Enter why it was cancelled"))
        if status in ("done", "cancelled"):
            problem = when_problem("the date it was done or cancelled", on, born, today)
            if problem:
                found.append(("status_on", problem))
        due = self.due.data
        if due and born and due < born:
            found.append(
                ("due", f"The due date must be on or after the date of birth, {long_date(born)}")
            )
        return found

    def changed(self, action: dict[str, Any], *, today: date, by: str) -> dict[str, Any]:
        """The action as the form says; a new booking is made `today` by `by`."""
        marks = ("due", "completed_on", "status_by", "cancelled_on", "cancelled_reason")
        out = {k: v for k, v in action.items() if k not in marks}
        if self.booked.data == "no" or self.status.data == "cancelled":
            for name in ("booked_on", "booked_for", "booked_by"):
                out.pop(name, None)
        elif self.booked.data == "yes":
            if not out.get("booked_on"):
                out.update(booked_on=today.isoformat(), booked_by=by)
            out["booked_for"] = self.booked_for.data.isoformat() if self.booked_for.data else None
        out.update(owner=self.owner.data, status=self.status.data)
        if self.due.data:
            out["due"] = self.due.data.isoformat()
        on = self.status_on.data.isoformat() if self.status_on.data else None
        by = (self.status_by.data or "").strip()
        if self.status.data == "done":
            out.update(completed_on=on, status_by=by)
        elif self.status.data == "cancelled":
            why = (self.cancelled_reason.data or "").strip()
            out.update(cancelled_on=on, status_by=by, cancelled_reason=why)
        return {k: v for k, v in out.items() if v not in (None, "")}


# --- information requests --------------------------------------------------------------------


class ChangeInformationRequestForm(InformationRequestForm, ChangeForm):
    """Who was asked, when, what, and when the answer came: each can be put right."""

    received_on = DatePartsField("Date the answer came", validators=[Optional()])

    def fill(self, item: dict[str, Any]) -> None:
        self.to.data = item["to"]
        self.for_assessment.data = item.get("for_assessment") or ""
        self.sent_on.data = _as_date(item.get("sent_on"))
        self.received_on.data = _as_date(item.get("received_on"))
        self.summary.data = item.get("summary")

    def problems(self, born: date | None, today: date) -> list[tuple[str, str]]:
        found = []
        sent, received = self.sent_on.data, self.received_on.data
        for field, name, value in (
            ("sent_on", "the date it was sent", sent),
            ("received_on", "the date the answer came", received),
        ):
            problem = when_problem(name, value, born, today)
            if problem:
                found.append((field, problem))
        if sent and received and received < sent and not found:
            found.append(
                (
                    "received_on",
                    "The date the answer came must be on or after the date it was sent, "
                    f"{long_date(sent)}",
                )
            )
        return found

    def changed(self, item: dict[str, Any]) -> dict[str, Any]:
        asked = ("to", "for_assessment", "sent_on", "received_on", "summary")
        out = {k: v for k, v in item.items() if k not in asked}
        out.update(self.to_item())
        if self.received_on.data:
            out["received_on"] = self.received_on.data.isoformat()
        return out


class WithdrawRequestForm(VersionedForm):
    """A request no longer needed: when it was withdrawn and why; it is then not chased."""

    withdrawn_on = DatePartsField(
        "Date it was withdrawn", validators=[required("Enter the date it was withdrawn")]
    )
    withdrawn_reason = TextAreaField(
        "Why it is not needed any more",
        description="For example, the GP sent the records with the referral",
        validators=[required("Enter why it is not needed any more")],
    )

    def problems(
        self, item: dict[str, Any], born: date | None, today: date
    ) -> list[tuple[str, str]]:
        on = self.withdrawn_on.data
        problem = when_problem("the date it was withdrawn", on, born, today)
        if problem:
            return [("withdrawn_on", problem)]
        sent = _as_date(item.get("sent_on"))
        if on and sent and on < sent:
            return [
                (
                    "withdrawn_on",
                    "The date it was withdrawn must be on or after the date it was sent, "
                    f"{long_date(sent)}",
                )
            ]
        return []


# --- assessments -----------------------------------------------------------------------------


class AmendAssessmentForm(AssessmentForm, ChangeForm):
    """An assessment already recorded, put right; its health plan is changed action by
    action, so it is not on this form. The register is asked of every new assessment, but an
    old one may have been recorded without it: amending it must not force a guess."""

    practitioner_registration_body = RadioField(
        "Professional register",
        choices=AssessmentForm.practitioner_registration_body.kwargs["choices"],
        validators=[Optional()],
    )

    def fill(self, assessment: dict[str, Any]) -> None:
        """Each field from the assessment at the path its name says (`findings_summary` is
        `findings.summary`), as `editing.attach_errors` reads it."""
        for field in self:
            if field.name in ("csrf_token", "version", "change_reason"):
                continue
            if field.name.startswith("health_plan_"):
                continue
            value = _at(assessment, field.name)
            if value is None:
                continue
            if isinstance(field, DatePartsField):
                value = _as_date(value)
            elif isinstance(field, StringField) and not isinstance(value, str):
                value = str(value)
            field.data = value

    def changed(self, assessment: dict[str, Any]) -> dict[str, Any]:
        """The assessment as amended: what the form asks replaces what was there; the health
        plan, and the dates consent and the SDQ were recorded on, are kept."""
        item = self.to_item(assessment["id"])
        item.pop("health_plan", None)
        asked = (
            "type",
            "date",
            "setting",
            "practitioner",
            "consent",
            "sources_consulted",
            "young_person_views",
            "findings",
            "sdq",
        )
        out = {k: v for k, v in assessment.items() if k not in asked}
        for sub, key in (("consent", "recorded_on"), ("sdq", "date")):
            if sub in item and (assessment.get(sub) or {}).get(key):
                item[sub][key] = assessment[sub][key]
        # An old assessment's register as /1 wrote it ("NMC 12A3456E") stays unless the form
        # now says which register: the form has no free-text box to carry it.
        written = (assessment.get("practitioner") or {}).get("registration")
        if written and "registration_body" not in item["practitioner"]:
            item["practitioner"]["registration"] = written
        out.update(item)
        return out

    def problems(self, born: date | None, today: date) -> list[tuple[str, str]]:
        problem = when_problem("the date of the assessment", self.date.data, born, today)
        return [("date", problem)] if problem else []


def _at(data: dict[str, Any], name: str) -> Any:
    if name in data:
        return data[name]
    head, _, rest = name.partition("_")
    while rest:
        if isinstance(data.get(head), dict):
            found = _at(data[head], rest)
            if found is not None:
                return found
        more, _, rest = rest.partition("_")
        head = f"{head}_{more}"
    return None

"""The forms that keep a child's details, placements and contacts up to date (issue 14).

Each form turns what was typed into a piece of lac-health-record/2; the whole record then goes
through the format's checks on saving (`editing.save_change`). What the nurse most often gets
wrong is checked here first, so the message can name the field in plain words with UK dates.
A form that changes or ends something already recorded asks why (`ChangeForm`).
"""

from __future__ import annotations

import re
from typing import Any

import nhs_number
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from passport.records.forms import ChangeForm, VersionedForm, choices
from passport.records.schemas import ChildSchema, PlacementSchema, choices_of
from passport.web.fields import DatePartsField, required

YES_NO = [("yes", "Yes"), ("no", "No")]
# A GP practice's ODS code is a letter then five digits (Y99021); dentists and opticians have
# other shapes, which the format's own pattern (3 to 8 capital letters or digits) allows.
GP_ODS = re.compile(r"^[A-Z][0-9]{5}$")
PRACTICES = {"gp": "GP practice", "dentist": "Dentist", "optician": "Optician"}
PEOPLE = {
    "social_worker": "Social worker",
    "lac_nurse": "LAC nurse",
    "personal_adviser": "Personal adviser",
    # Format /2: the council's emergency duty team, for evenings, weekends and bank holidays.
    "out_of_hours": "Out-of-hours contact",
}
CONTACT_KINDS = {**PRACTICES, **PEOPLE}
ADD_TITLES = {
    "gp": "Add a GP practice",
    "dentist": "Add a dentist",
    "optician": "Add an optician",
    "social_worker": "Add a social worker",
    "lac_nurse": "Add a LAC nurse",
    "personal_adviser": "Add a personal adviser",
    "out_of_hours": "Add an out-of-hours contact",
}


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def clean(value: str | None) -> str | None:
    """Text as typed, without spaces around it; None when nothing was typed."""
    value = (value or "").strip()
    return value or None


def yes_no(value: bool | None) -> str | None:
    return None if value is None else "yes" if value else "no"


class ChildDetailsForm(ChangeForm):
    given_name = StringField(
        "Given name", filters=[strip], validators=[DataRequired("Enter their given name")]
    )
    family_name = StringField(
        "Family name", filters=[strip], validators=[DataRequired("Enter their family name")]
    )
    preferred_name = StringField("Preferred name (what they like to be called)")
    pronouns = StringField("Pronouns", description="For example, she/her or they/them")
    date_of_birth = DatePartsField(
        "Date of birth", validators=[required("Enter their date of birth")]
    )
    date_of_birth_is_estimate = RadioField(
        "Is the date of birth estimated?",
        description="For example, when an unaccompanied child's age has been assessed",
        choices=YES_NO,
        validators=[required("Select whether the date of birth is estimated")],
    )
    nhs_number = StringField("NHS number", description="10 digits, for example 999 123 4567")
    legal_status = SelectField(
        "Legal status",
        choices=[("", "Not recorded")] + choices(*choices_of(ChildSchema, "legal_status")),
        validators=[Optional()],
    )
    first_language = StringField("First language")
    interpreter_needed = RadioField(
        "Do they need an interpreter?", choices=YES_NO, validators=[Optional()]
    )

    def fill(self, child: dict[str, Any]) -> None:
        """Show what the record holds now."""
        for name in ("given_name", "family_name", "preferred_name", "pronouns", "first_language"):
            self[name].data = child.get(name) or ""
        self.nhs_number.data = child.get("nhs_number") or ""
        self.legal_status.data = child.get("legal_status") or ""
        self.date_of_birth.data = child["date_of_birth"]
        self.date_of_birth_is_estimate.data = yes_no(child.get("date_of_birth_is_estimate", False))
        self.interpreter_needed.data = yes_no(child.get("interpreter_needed"))

    def nhs_number_digits(self) -> str | None:
        """The NHS number without spaces, or None (with the field's error) when it is wrong."""
        digits = re.sub(r"[\s-]", "", self.nhs_number.data or "")
        if not digits:
            return ""
        if not re.fullmatch(r"[0-9]{10}", digits):
            self.nhs_number.errors = [
                *self.nhs_number.errors,
                "The NHS number must be 10 digits, like 999 123 4567",
            ]
            return None
        if not nhs_number.is_valid(digits):
            self.nhs_number.errors = [
                *self.nhs_number.errors,
                "The NHS number is not a valid NHS number: check each digit (the last digit "
                "is a check digit and does not match)",
            ]
            return None
        return digits

    def apply(self, child: dict[str, Any], digits: str) -> None:
        """Write what was typed into the record's `child` (ISO dates, as the format has)."""
        assert self.date_of_birth.data is not None  # the field is required
        for name in ("given_name", "family_name", "preferred_name", "pronouns", "first_language"):
            _set(child, name, clean(self[name].data))
        _set(child, "nhs_number", digits or None)
        _set(child, "legal_status", self.legal_status.data or None)
        child["date_of_birth"] = self.date_of_birth.data.isoformat()
        child["date_of_birth_is_estimate"] = self.date_of_birth_is_estimate.data == "yes"
        if self.interpreter_needed.data in ("yes", "no"):
            child["interpreter_needed"] = self.interpreter_needed.data == "yes"


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


# --- placements ---------------------------------------------------------------------------


class _PlacementFields(VersionedForm):
    type = RadioField(
        "Type of placement",
        choices=choices(*choices_of(PlacementSchema, "type")),
        validators=[required("Select the type of placement")],
    )
    carer_ref = StringField(
        "Carer or home reference", description="For example, FC-0166", validators=[Optional()]
    )
    area = RadioField(
        "In or out of the council's area",
        choices=[("in_area", "In area"), ("out_of_area", "Out of area")],
        validators=[required("Select whether the placement is in or out of area")],
    )
    host_authority = StringField(
        "Council where the placement is (if out of area)", validators=[Optional()]
    )

    def fill(self, placement: dict[str, Any]) -> None:
        self.type.data = placement.get("type")
        self.carer_ref.data = placement.get("carer_ref") or ""
        self.area.data = placement.get("area")
        self.host_authority.data = placement.get("host_authority") or ""

    def apply(self, placement: dict[str, Any]) -> None:
        placement["type"] = self.type.data
        placement["area"] = self.area.data
        _set(placement, "carer_ref", clean(self.carer_ref.data))
        host = clean(self.host_authority.data) if self.area.data == "out_of_area" else None
        _set(placement, "host_authority", host)


class NewPlacementForm(_PlacementFields):
    start = DatePartsField("Start date", validators=[required("Enter the start date")])


class ChangePlacementForm(ChangeForm, _PlacementFields):
    start = DatePartsField("Start date", validators=[required("Enter the start date")])
    end = DatePartsField("End date", validators=[Optional()])


class EndPlacementForm(ChangeForm):
    end = DatePartsField("End date", validators=[required("Enter the date the placement ended")])


class MovePlacementForm(ChangeForm, _PlacementFields):
    moved_on = DatePartsField(
        "Date of the move", validators=[required("Enter the date of the move")]
    )


# --- contacts -------------------------------------------------------------------------------


class PracticeForm(ChangeForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired("Enter the name")])
    ods_code = StringField("ODS code", description="The practice's NHS code, for example Y99021")
    phone = StringField("Phone number", validators=[Optional()])
    registered_on = DatePartsField("Date registered", validators=[Optional()])

    def fill(self, contact: dict[str, Any]) -> None:
        self.name.data = contact.get("name") or ""
        self.ods_code.data = contact.get("ods_code") or ""
        self.phone.data = contact.get("phone") or ""
        self.registered_on.data = contact.get("registered_on")

    def item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"name": clean(self.name.data)}
        _set(item, "ods_code", clean(self.ods_code.data))
        _set(item, "phone", clean(self.phone.data))
        on = self.registered_on.data
        _set(item, "registered_on", on.isoformat() if on else None)
        return item


class PersonForm(ChangeForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired("Enter the name")])
    team = StringField("Team", validators=[Optional()])
    phone = StringField("Phone number", validators=[Optional()])
    email = StringField("Email address", validators=[Optional()])

    def fill(self, contact: dict[str, Any]) -> None:
        for name in ("name", "team", "phone", "email"):
            self[name].data = contact.get(name) or ""

    def item(self) -> dict[str, Any]:
        item: dict[str, Any] = {}
        for name in ("name", "team", "phone", "email"):
            _set(item, name, clean(self[name].data))
        return item


class RemoveContactForm(ChangeForm):
    """Removing a contact: only why."""

"""Form fields shared by every form of the app, and the one form that only confirms."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class ConfirmForm(FlaskForm):
    """A button that changes something (cancel a link, mark done, issue): only its CSRF
    token is checked."""


class DatePartsField(Field):
    """A date typed as day, month and year, as the NHS.UK date input asks for it."""

    def __init__(self, label: str = "", validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.parts = ("", "", "")

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.data = None
        self.raw_data = []
        if formdata is None:
            return
        day, month, year = (
            formdata.get(f"{self.name}-{p}", "").strip() for p in ("day", "month", "year")
        )
        self.parts = (day, month, year)
        if not (day or month or year):
            return
        self.raw_data = [f"{year}-{month}-{day}"]
        if not (day and month and year):
            self.process_errors.append(f"{self.label.text} must include a day, month and year")
            return
        try:
            if not re.fullmatch(r"[0-9]{4}", year):
                raise ValueError
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            self.process_errors.append(f"{self.label.text} must be a real date")

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


class WholeNumberField(IntegerField):
    """A whole number, with a message in the NHS way when it is not one."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a whole number, like 12") from None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def decimal_or_none(field: StringField, label: str) -> float | None:
    raw = (field.data or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        field.errors = [*field.errors, f"{label} must be a number, like 132.5"]
        return None
    return float(value)


def required(message: str) -> InputRequired:
    return InputRequired(message)


class NamedRadioField(RadioField):
    """Radios whose message for an answer that is not one of the choices names the question
    (not wtforms' "Not a valid choice")."""

    def __init__(self, invalid: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and self.data not in {value for value, _ in self.choices}:
            raise ValidationError(self.invalid)

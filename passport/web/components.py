"""Helpers the templates use to hand form errors to the NHS.UK components."""

from __future__ import annotations

from typing import Any

from flask import Flask

from passport.web.fields import DatePartsField


def form_errors(form: Any) -> list[tuple[str, str]]:
    """(field id, first message) for each field with an error, in the form's field order."""
    out = []
    for field in form:
        if field.errors:
            out.append((first_input_id(field), str(field.errors[0])))
    return out


def first_input_id(field: Any) -> str:
    """The id an error summary link jumps to: a date's day box, else the field itself."""
    if isinstance(field, DatePartsField):
        return f"{field.id}-day"
    return field.id


def field_error(form: Any, name: str) -> dict[str, str] | None:
    """The `errorMessage` parameter for a NHS.UK component, or None when the field is fine."""
    errors = form[name].errors if name in form else None
    return {"text": str(errors[0])} if errors else None


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(form_errors=form_errors, field_error=field_error)

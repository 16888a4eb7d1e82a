"""The form field for what a link carries, shared by the nurse's and the care leaver's forms."""

from __future__ import annotations

from typing import Any

from wtforms import Form
from wtforms.validators import ValidationError

from passport.sharing import parts
from passport.web.fields import MultiCheckboxField


def _a_choice_that_can_be_shared(form: Form, field: Any) -> None:
    try:
        parts.checked(field.data or [])
    except parts.PartsError as error:
        raise ValidationError(str(error)) from error


def carries_field(label: str) -> MultiCheckboxField:
    return MultiCheckboxField(
        label,
        choices=list(parts.PARTS.items()),
        default=list(parts.DEFAULT_PARTS),
        validators=[_a_choice_that_can_be_shared],
    )

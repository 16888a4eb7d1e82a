"""The field types of the exchange format: strict about JSON types (no quiet conversion of
"12" to 12), with messages worded to follow the field's JSON path."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Any

import nhs_number
from marshmallow import (
    ValidationError,
    fields,
)

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

"""A loaded record in its exchange form: the JSON shape (ISO date strings) the rules, the
documents and the sharing bundle read."""

from __future__ import annotations

from datetime import date
from typing import Any


def as_exchange_json(value: Any) -> Any:
    """A loaded record (with `date`s) in its JSON form (ISO strings), as the rules read it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_exchange_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_exchange_json(item) for item in value]
    return value

"""Where a child lives on a day: the one reading of a record's placements that access, the
caseload, the documents and invitations share."""

from __future__ import annotations

from datetime import date
from typing import Any


def _day(value: Any) -> date | None:
    if value is None or value == "" or isinstance(value, date):
        return value or None
    return date.fromisoformat(value)


def current_placements(record: dict[str, Any], day: date) -> list[dict[str, Any]]:
    """The placements that have started by `day` and not ended before it, in record order
    (on the day of a move, both the old and the new one)."""
    out = []
    for placement in record.get("placements", []):
        start, end = _day(placement.get("start")), _day(placement.get("end"))
        if start is not None and start <= day and (end is None or end >= day):
            out.append(placement)
    return out


def current_placement(record: dict[str, Any], day: date) -> dict[str, Any] | None:
    """The child's placement on `day` (the newest, on the day of a move), or None."""
    placements = current_placements(record, day)
    return placements[-1] if placements else None


def placed_with(record: dict[str, Any], carer_ref: str | None, day: date) -> bool:
    """True when the child is placed with `carer_ref` on `day`."""
    return bool(carer_ref) and any(
        p.get("carer_ref") == carer_ref for p in current_placements(record, day)
    )


def current_carer_ref(record: dict[str, Any], day: date) -> str | None:
    """The carer ref of the newest placement on `day` that names one."""
    refs = [p["carer_ref"] for p in current_placements(record, day) if p.get("carer_ref")]
    return refs[-1] if refs else None

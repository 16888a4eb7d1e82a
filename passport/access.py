"""Who may see which child's record: one place, used by every route and query.

* a nurse: the records of their own responsible authority;
* an admin: every record;
* a care leaver: their own record;
* a carer: a child placed with them today (a placement with their `carer_ref` that has
  started and has no end date, or ends today or later); nothing once it has ended.

Anything else is treated as not existing (a 404), so a stranger learns nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, or_, select

from passport.accounts.service import SignedIn
from passport.records import models as m
from passport.records.bulk import current_versions_query


def _iso(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def placed_with(record: dict[str, Any], carer_ref: str | None, today: date) -> bool:
    if not carer_ref:
        return False
    for placement in record.get("placements", []):
        start, end = _iso(placement["start"]), _iso(placement.get("end"))
        if placement.get("carer_ref") == carer_ref and start <= today and (
                end is None or end >= today):
            return True
    return False


def can_see(user: SignedIn | None, record: dict[str, Any], today: date) -> bool:
    if user is None:
        return False
    child = record["child"]
    if user.role == "admin":
        return True
    if user.role == "nurse":
        return bool(user.authority) and child.get("responsible_authority") == user.authority
    if user.role == "leaver":
        return bool(user.child_ref) and child["ref"] == user.child_ref
    if user.role == "carer":
        return placed_with(record, user.carer_ref, today)
    return False


def visible_versions(user: SignedIn, today: date) -> Select:
    """Current versions of the records this user may see, as a query (no query per child)."""
    query = current_versions_query()
    if user.role == "admin":
        return query
    if user.role == "nurse":
        return query.where(m.RecordVersion.id.in_(
            select(m.Child.version_id).where(m.Child.responsible_authority == user.authority)))
    if user.role == "leaver":
        return query.where(m.RecordVersion.id.in_(
            select(m.Child.version_id).where(m.Child.ref == user.child_ref)))
    if user.role == "carer":
        return query.where(m.RecordVersion.id.in_(
            select(m.Placement.version_id).where(
                m.Placement.carer_ref == user.carer_ref,
                m.Placement.start <= today,
                or_(m.Placement.end.is_(None), m.Placement.end >= today))))
    return query.where(and_(False))

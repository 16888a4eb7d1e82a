"""Who may see which child's record: one place, used by every route and query.

* a nurse: the records of their own responsible authority;
* an admin: every record;
* a care leaver: their own record;
* a carer: a child they hold a grant for, given by an invitation from a nurse of the child's
  responsible authority (ADR 0007), while the child's record still names that authority and the
  child is placed with the grant's `carer_ref` today (a placement that has started and has no
  end date, or ends today or later); nothing once it has ended.

Anything else is treated as not existing (a 404), so a stranger learns nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, false, or_, select

from passport.accounts.service import SignedIn
from passport.records import models as m
from passport.records.bulk import current_versions_query
from passport.records.placements import placed_with
from passport.records.service import FieldError


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
        return any(
            ref == child["ref"]
            and authority == child.get("responsible_authority")
            and placed_with(record, carer_ref, today)
            for ref, authority, carer_ref in user.grants
        )
    return False


def visible_versions(user: SignedIn, today: date) -> Select[m.RecordVersion]:
    """Current versions of the records this user may see, as a query (no query per child)."""
    query = current_versions_query()
    if user.role == "admin":
        return query
    if user.role == "nurse":
        return query.where(
            m.RecordVersion.id.in_(
                select(m.Child.version_id).where(m.Child.responsible_authority == user.authority)
            )
        )
    if user.role == "leaver":
        return query.where(
            m.RecordVersion.id.in_(select(m.Child.version_id).where(m.Child.ref == user.child_ref))
        )
    if user.role == "carer" and user.grants:
        return query.where(
            or_(
                *(
                    m.RecordVersion.id.in_(
                        select(m.Placement.version_id)
                        .join(m.Child, m.Child.version_id == m.Placement.version_id)
                        .where(
                            m.Child.ref == ref,
                            m.Child.responsible_authority == authority,
                            m.Placement.carer_ref == carer_ref,
                            m.Placement.start <= today,
                            or_(m.Placement.end.is_(None), m.Placement.end >= today),
                        )
                    )
                    for ref, authority, carer_ref in sorted(user.grants)
                )
            )
        )
    return query.where(false())


def import_refusal(
    user: SignedIn,
    incoming: dict[str, Any],
    stored: dict[str, Any] | None,
    *,
    replace: bool,
    today: date,
) -> FieldError | None:
    """Why this user may not import `incoming` (None when they may). `stored` is the current
    version of the record with the same ref, if there is one.

    A nurse imports only her own authority's records, and adds a version (replace) only to a
    record she may see today: what the file says about its authority is not enough. A record
    she may not see gets the same answer as one that does not exist when she asks to replace
    it, and never the words "already exists", which would tell her which refs other councils
    hold. Refs are unique across the installation, so a new record cannot take a ref that is
    in use anywhere.
    """
    ref = incoming["child"]["ref"]
    if user.role == "nurse" and (incoming["child"].get("responsible_authority") != user.authority):
        return FieldError(
            "child.responsible_authority",
            f"must be {user.authority}: you can only import your own authority's records",
        )
    visible = stored is not None and can_see(user, stored, today)
    if replace and not visible:
        return FieldError(
            "child.ref",
            f'there is no record "{ref}" of yours to add a version '
            "to. To add it as a new record, untick \u201cAdd this as "
            "a new version\u201d",
        )
    if not replace and visible:
        return FieldError(
            "child.ref",
            f'a record "{ref}" already exists; tick \u201cAdd this as a '
            "new version\u201d to add a new version of it",
        )
    if not replace and stored is not None:
        return FieldError(
            "child.ref",
            f'"{ref}" cannot be used for a new record. Check the '
            "ref with whoever sent you the file",
        )
    return None

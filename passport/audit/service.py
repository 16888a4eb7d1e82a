"""Writing the audit log. The log line and the row name who, what and which record; never
any health data."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from passport.audit.models import AuditEvent

log = logging.getLogger("passport.audit")


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str,
    user_id: int | None = None,
    record_ref: str | None = None,
    record_version: int | None = None,
) -> None:
    session.add(
        AuditEvent(
            user_id=user_id,
            actor=actor,
            action=action,
            target=target,
            record_ref=record_ref,
            record_version=record_version,
        )
    )
    log.info(
        "audit actor=%s action=%s target=%s ref=%s version=%s",
        actor,
        action,
        target,
        record_ref,
        record_version,
        extra={"audit": True},
    )


def events_for_record(session: Session, ref: str, limit: int = 200) -> list[AuditEvent]:
    """What was done with a child's record, newest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.record_ref == ref)
            .order_by(AuditEvent.at.desc())
            .limit(limit)
        )
    )

"""What every view needs from the app it runs in: the database, the configuration, today, and
a line in the audit log for what the signed-in user did."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, g

from passport.audit.service import record_event
from passport.config import Config
from passport.db import Database


def db() -> Database:
    return current_app.extensions["db"]


def config() -> Config:
    return current_app.extensions["passport_config"]


def today() -> date:
    return config().today()


def audit(
    session: Any, action: str, target: str, ref: str | None = None, version: int | None = None
) -> None:
    """The signed-in user did `action` to `target` (of the child `ref`, at `version`)."""
    record_event(
        session,
        actor=g.user.email,
        user_id=g.user.user_id,
        action=action,
        target=target,
        record_ref=ref,
        record_version=version,
    )

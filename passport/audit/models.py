"""Who looked at or changed which child's record, and when (UTC). Never what the record says."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from passport.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))  # the email or "cli:user" at the time
    # view | download | export | import | edit | share | revoke | issue | sign_in ...
    action: Mapped[str] = mapped_column(String(30))
    # What was acted on, by name only: "record", "assessment form", "passport PDF"...
    target: Mapped[str] = mapped_column(String(60))
    record_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    record_version: Mapped[int | None] = mapped_column(Integer)

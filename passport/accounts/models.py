"""People who sign in, and their signed-in sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from passport.db import Base, UTCDateTime, utcnow

ROLES = ("nurse", "carer", "leaver", "admin")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Argon2id hash, never the password.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    # A carer sees the children placed with this carer_ref; a leaver sees this child's record;
    # a nurse sees records of this responsible authority.
    carer_ref: Mapped[str | None] = mapped_column(String(64))
    child_ref: Mapped[str | None] = mapped_column(String(64))
    authority: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignInSession(Base):
    """A signed-in browser. The cookie holds a random token; we keep only its SHA-256."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignInFailure(Base):
    """A wrong password for an email address; counted to slow down guessing, per account."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

"""People who sign in, and their signed-in sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passport.db import Base, UTCDateTime, utcnow

ROLES = ("nurse", "carer", "leaver", "admin")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The person's name as they or their council gave it: what a care leaver is shown when
    # this account looked at their record (never the email address).
    display_name: Mapped[str | None] = mapped_column(String(200))
    # Argon2id hash, never the password.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    # A carer sees the children placed with this carer_ref; a leaver sees this child's record;
    # a nurse sees records of this responsible authority.
    carer_ref: Mapped[str | None] = mapped_column(String(64))
    child_ref: Mapped[str | None] = mapped_column(String(64))
    authority: Mapped[str | None] = mapped_column(String(200))
    # The second factor: a TOTP secret, encrypted with a key derived from the app's secret,
    # and the last time step used, so a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(300))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # A new staff account's second-factor enrolment URI: shown once, stored nowhere.
        self.otpauth_uri: str | None = None


class Invitation(Base):
    """A single-use, expiring link that lets a care leaver or a carer set their password."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10))
    child_ref: Mapped[str | None] = mapped_column(String(64))
    carer_ref: Mapped[str | None] = mapped_column(String(64))
    # The responsible authority of the nurse who sent it: a carer's grant names it, and a carer
    # sees a child only while the child's record names the same authority (ADR 0007).
    authority: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SignInSession(Base):
    """A signed-in browser. The cookie holds a random token; we keep only its SHA-256."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignInFailure(Base):
    """A wrong password or code for an email address: a record of what happened. The limits
    themselves are counted in `ThrottleBucket` (ADR 0006)."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CarerGrant(Base):
    """One child a carer account may see, given by an invitation from a nurse of that child's
    responsible authority (ADR 0007). It lets the carer in only while the child is placed with
    `carer_ref` today and the child's record still names `authority`."""

    __tablename__ = "carer_grants"
    __table_args__ = (UniqueConstraint("user_id", "child_ref", "authority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    child_ref: Mapped[str] = mapped_column(String(64))
    authority: Mapped[str] = mapped_column(String(200))
    carer_ref: Mapped[str] = mapped_column(String(64))
    granted_by: Mapped[str] = mapped_column(String(254))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThrottleBucket(Base):
    """How many attempts one key (a purpose and, hashed, an account and/or an address) has
    reserved in its current window. A slot is taken in one statement before a secret is checked
    and given back after a right answer, so the count is wrong answers plus checks in flight
    and can never pass the cap, however many requests arrive at once (ADR 0006)."""

    __tablename__ = "throttle_buckets"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)


class PendingSignIn(Base):
    """The half-signed-in state between a right password and a right code. The cookie holds a
    random token; we keep its SHA-256. Single use: a right code marks it used, and five wrong
    codes end it."""

    __tablename__ = "pending_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

"""Sharing links: only ciphertext, an Argon2id hash of the passcode, and who opened what.

The key that decrypts a link's files is never stored: it lives in the link's `#` fragment,
which the browser never sends to a server.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import Base, UTCDateTime, utcnow
from passport.sharing.parts import PARTS
from passport.sharing.parts import read as read_parts


class ShareLink(Base):
    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A public name for the link (owner pages, `passport revoke`); not a secret.
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    # SHA-256 of the manifest URL's random token: the token itself is not kept.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    record_ref: Mapped[str] = mapped_column(String(64), index=True)
    record_version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    passcode_hash: Mapped[str | None] = mapped_column(String(200))
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # What the link carries: part names (`sharing.service.PARTS`) separated by spaces. None for
    # a link made before the young person could choose: it carries everything.
    parts: Mapped[str | None] = mapped_column(String(200))

    files: Mapped[list[ShareFile]] = relationship(
        order_by="ShareFile.position", cascade="all, delete-orphan"
    )
    accesses: Mapped[list[ShareAccess]] = relationship(
        order_by="ShareAccess.at", cascade="all, delete-orphan"
    )

    @property
    def carries(self) -> list[str]:
        """What the link carries, in words."""
        return [PARTS[p] for p in read_parts(self.parts)]

    def status(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.failed_attempts >= self.max_attempts:
            return "locked"
        if now >= self.expires_at:
            return "expired"
        return "active"


class ShareFile(Base):
    __tablename__ = "share_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_links.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(60))
    # len(jwe): a JWE in compact form is ASCII. Kept so that a manifest request can choose
    # between embedding the file and giving its location without reading the file (and,
    # on SQLite, stored before it: see migration 0006).
    size: Mapped[int] = mapped_column(Integer)
    jwe: Mapped[str] = mapped_column(Text)


class ShareAccess(Base):
    """One request for a link's manifest: when, who said they were, and what happened."""

    __tablename__ = "share_accesses"
    # A manifest request counts the link's requests in the last minute through this index.
    __table_args__ = (Index("ix_share_accesses_link_id_at", "link_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipient: Mapped[str] = mapped_column(String(200))
    # opened | wrong_passcode | refused (expired, revoked or locked) | too_many
    outcome: Mapped[str] = mapped_column(String(20))

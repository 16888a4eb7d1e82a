"""Rendered PDFs kept for reuse, and care-leaver summaries issued to young people."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passport.db import Base, UTCDateTime, utcnow


class RenderedDocument(Base):
    """A PDF made from one record version with one template version on one day.

    The day is part of the key because a document says what is due "now" and when it was made.
    """

    __tablename__ = "rendered_documents"
    __table_args__ = (
        UniqueConstraint("version_id", "document", "template_version", "made_on", "link_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("record_versions.id", ondelete="CASCADE"), index=True
    )
    document: Mapped[str] = mapped_column(String(20))
    template_version: Mapped[str] = mapped_column(String(16))
    made_on: Mapped[dt.date] = mapped_column(Date)
    # SHA-256 of the sharing link printed as a QR code, "" for none (the link itself is a secret).
    link_hash: Mapped[str] = mapped_column(String(64), default="")
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class IssuedSummary(Base):
    """A care-leaver health summary handed to the young person: when, by whom, from what."""

    __tablename__ = "issued_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_ref: Mapped[str] = mapped_column(String(64), index=True)
    record_version: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(254))

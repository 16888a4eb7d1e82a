"""Making documents from stored records: content, cached PDFs, and issuing summaries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passport.documents import content, render
from passport.documents.models import IssuedSummary, RenderedDocument
from passport.records import models as m
from passport.records.exchange import as_exchange_json
from passport.records.service import RecordNotFound, load_current

# The documents a nurse can make for a child, with their titles.
KINDS = {
    "passport": "Health passport",
    "leaver-summary": "Care-leaver health summary",
    "carer-sheet": "Placement health sheet",
}


@lru_cache(maxsize=1)
def current_template_version() -> str:
    return render.template_version()


def latest_issue(session: Session, ref: str) -> IssuedSummary | None:
    return session.scalar(
        select(IssuedSummary)
        .where(IssuedSummary.record_ref == ref)
        .order_by(IssuedSummary.issued_at.desc())
        .limit(1)
    )


def leaver_summaries_issued(session: Session) -> dict[str, date]:
    """The date each record's latest care-leaver summary was issued, in one query."""
    rows = session.execute(
        select(IssuedSummary.record_ref, func.max(IssuedSummary.issued_on)).group_by(
            IssuedSummary.record_ref
        )
    )
    return dict(rows.all())


def build_document(
    session: Session, ref: str, kind: str, as_of: date
) -> tuple[int, content.Document]:
    version, record = load_current(session, ref)
    issued = latest_issue(session, ref)
    document = content.build(
        kind,
        as_exchange_json(record),
        as_of,
        leaver_summary_issued_on=issued.issued_on if issued else None,
    )
    return version, document


@dataclass(frozen=True)
class Pdf:
    data: bytes
    version: int
    from_cache: bool


def _version_id(session: Session, ref: str, version: int) -> int:
    version_id = session.scalar(
        select(m.RecordVersion.id)
        .join(m.Record)
        .where(m.Record.ref == ref, m.RecordVersion.version == version)
    )
    if version_id is None:
        raise RecordNotFound(ref)
    return version_id


def pdf_for(
    session: Session, ref: str, kind: str, as_of: date, share_link: str | None = None
) -> Pdf:
    """The document's PDF: from the cache when this version, template and day were made before."""
    current = session.scalar(select(m.Record.current_version).where(m.Record.ref == ref))
    if current is None:
        raise RecordNotFound(ref)
    version_id = _version_id(session, ref, current)
    link_hash = hashlib.sha256(share_link.encode()).hexdigest() if share_link else ""
    key = dict(
        version_id=version_id,
        document=kind,
        template_version=current_template_version(),
        made_on=as_of,
        link_hash=link_hash,
    )
    cached = session.scalar(select(RenderedDocument.pdf).filter_by(**key))
    if cached is not None:
        return Pdf(cached, current, True)
    version, document = build_document(session, ref, kind, as_of)
    data = render.render_pdf(document, share_link=share_link)
    session.add(RenderedDocument(pdf=data, **key))
    session.flush()
    return Pdf(data, version, False)


def issue_leaver_summary(session: Session, ref: str, *, actor: str, on: date) -> IssuedSummary:
    version, _ = load_current(session, ref)
    issued = IssuedSummary(record_ref=ref, record_version=version, issued_on=on, issued_by=actor)
    session.add(issued)
    session.flush()
    return issued

"""The everyday work on a record that is more than saving a form: corrections the young person
asked for, plan actions marked done, and ids for new assessments. No Flask here."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.records import service
from passport.records.models import ActionCompletion, CorrectionRequest
from passport.records.schemas import RecordSchema

# The parts of the record page a correction can be about: (section id on the page, words).
CORRECTION_SECTIONS = {
    "details": "Their details (name, date of birth, language, legal status)",
    "allergies": "Allergies",
    "medications": "Medicines",
    "conditions": "Conditions",
    "immunisations": "Immunisations",
    "assessments": "Health assessments",
    "screening": "Screening",
    "checks": "Dental and optical checks",
    "family_history": "Birth-family health history",
    "contacts": "Contacts",
    "other": "Something else",
}


def open_corrections(session: Session, ref: str) -> list[CorrectionRequest]:
    """What the young person told us is wrong and nobody has answered yet, oldest first."""
    return list(
        session.scalars(
            select(CorrectionRequest)
            .where(CorrectionRequest.record_ref == ref, CorrectionRequest.status == "open")
            .order_by(CorrectionRequest.created_at, CorrectionRequest.id)
        )
    )


def corrections_for(session: Session, ref: str) -> list[CorrectionRequest]:
    """Every request about this record, answered or not, newest first."""
    return list(
        session.scalars(
            select(CorrectionRequest)
            .where(CorrectionRequest.record_ref == ref)
            .order_by(CorrectionRequest.created_at.desc(), CorrectionRequest.id.desc())
        )
    )


def refs_with_open_corrections(session: Session) -> set[str]:
    """The records with a correction request still waiting for an answer."""
    return set(
        session.scalars(
            select(CorrectionRequest.record_ref)
            .where(CorrectionRequest.status == "open")
            .distinct()
        )
    )


def ask_for_correction(
    session: Session, *, ref: str, version: int, user_id: int, email: str, message: str
) -> CorrectionRequest:
    request = CorrectionRequest(
        record_ref=ref,
        record_version=version,
        user_id=user_id,
        from_email=email,
        message=message.strip(),
        status="open",
    )
    session.add(request)
    return request


def open_correction(session: Session, ref: str, request_id: int) -> CorrectionRequest | None:
    """The request `request_id` about `ref` while it is still open; None otherwise."""
    item = session.get(CorrectionRequest, request_id)
    if item is None or item.record_ref != ref or item.status != "open":
        return None
    return item


def correction_about(session: Session, ref: str, request_id: int) -> CorrectionRequest | None:
    """The request `request_id` about `ref`, whatever its status; None otherwise."""
    item = session.get(CorrectionRequest, request_id)
    return item if item is not None and item.record_ref == ref else None


def answer_correction(
    session: Session,
    ref: str,
    request_id: int,
    *,
    by: str,
    accepted: bool,
    answer: str,
    section: str | None = None,
) -> CorrectionRequest | None:
    """Accept (about `section`) or decline an open request, with the nurse's answer that the
    young person will read. None when there is no open request `request_id` for `ref`."""
    item = open_correction(session, ref, request_id)
    if item is None:
        return None
    if accepted and section not in CORRECTION_SECTIONS:
        raise ValueError(f"unknown section {section!r}")
    item.status = "accepted" if accepted else "declined"
    item.section = section if accepted else None
    item.answer = answer.strip()
    item.resolved_at, item.resolved_by = utcnow(), by
    return item


def completions(session: Session, ref: str) -> dict[tuple[str, int], ActionCompletion]:
    """Who marked each plan action done, by (assessment id, action index)."""
    return {
        (c.assessment_id, c.action_index): c
        for c in session.scalars(
            select(ActionCompletion)
            .where(ActionCompletion.record_ref == ref)
            .order_by(ActionCompletion.done_at)
        )
    }


class NoSuchAction(LookupError):
    """No plan action at that place, or not one this owner may mark."""


def owned_actions(record: dict[str, Any], owner: str) -> list[dict[str, Any]]:
    """The plan actions `owner` (say "carer") is to do, with where they sit in the record."""
    out = []
    for assessment in record.get("assessments", []):
        for index, action in enumerate(assessment.get("health_plan", [])):
            if action["owner"] == owner and action["status"] != "cancelled":
                out.append({"assessment_id": assessment["id"], "index": index, **action})
    return out


def complete_action(
    session: Session,
    *,
    ref: str,
    version: int,
    record: dict[str, Any],
    assessment_id: str,
    index: int,
    owner: str,
    actor: str,
    today: date,
) -> tuple[str, int | None]:
    """Mark one of `owner`'s plan actions done today, as a new version based on `version`, and
    remember who did it. Returns the action's words and the new version (None when it was
    done already). NoSuchAction if there is none there;
    EditConflict or RecordExists when another save came first (read again and retry)."""
    document = RecordSchema().dump_record(record)
    target = None
    for assessment in document.get("assessments", []):
        if assessment["id"] == assessment_id and index < len(assessment.get("health_plan", [])):
            target = assessment["health_plan"][index]
    if target is None or target["owner"] != owner:
        raise NoSuchAction(f"{assessment_id}/{index}")
    saved_version = None
    if target["status"] != "done":
        target["status"] = "done"
        target["completed_on"] = today.isoformat()
        checked = service.check_record(document, lambda: today)
        saved = service.save_edit(session, checked, actor=actor, based_on_version=version)
        session.add(
            ActionCompletion(
                record_ref=ref,
                record_version=saved.version,
                assessment_id=assessment_id,
                action_index=index,
                action=target["action"],
                done_by=actor,
                done_at=utcnow(),
            )
        )
        saved_version = saved.version
    return str(target["action"]), saved_version


def next_assessment_id(assessments: list[dict[str, Any]], kind: str, on: str) -> str:
    """An id for a new assessment: its type and date ("RHA-2026-11-29"), with "-2", "-3"...
    when that is taken."""
    taken = {a["id"] for a in assessments}
    base = f"{kind}-{on}"
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 1000) if f"{base}-{n}" not in taken)

"""The everyday work on a record that is more than saving a form: corrections the young person
asked for, plan actions marked done, and ids for new assessments. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.records import service
from passport.records.models import ActionCompletion, CorrectionRequest, Record
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
    """Who marked each plan action done, by (assessment id, action index); a mark undone the
    same day is left out."""
    return {
        (c.assessment_id, c.action_index): c
        for c in session.scalars(
            select(ActionCompletion)
            .where(ActionCompletion.record_ref == ref, ActionCompletion.undone_at.is_(None))
            .order_by(ActionCompletion.done_at)
        )
    }


class NoSuchAction(LookupError):
    """No plan action at that place, or not one this owner may mark."""


class ActionRefused(ValueError):
    """The change cannot be made to the action as it stands; the message says why, plainly."""


def owned_actions(record: dict[str, Any], owner: str) -> list[dict[str, Any]]:
    """The plan actions `owner` (say "carer") is to do, with where they sit in the record."""
    out = []
    for assessment in record.get("assessments", []):
        for index, action in enumerate(assessment.get("health_plan", [])):
            if action["owner"] == owner and action["status"] != "cancelled":
                out.append({"assessment_id": assessment["id"], "index": index, **action})
    return out


def is_booked(action: dict[str, Any]) -> bool:
    """Format /2: an open action with `booked_on` is booked (an appointment is made)."""
    return action.get("status") == "open" and action.get("booked_on") is not None


@dataclass(frozen=True)
class PlanPlace:
    """Where a plan action sits, whose it is, and who is changing it and when."""

    ref: str
    version: int
    assessment_id: str
    index: int
    owner: str
    actor: str  # the account's email: who saved the version
    name: str  # how the record names them (`status_by`, `booked_by`)
    today: date


def _target(document: dict[str, Any], place: PlanPlace) -> dict[str, Any]:
    for assessment in document.get("assessments", []):
        plan = assessment.get("health_plan", [])
        if assessment["id"] == place.assessment_id and place.index < len(plan):
            action: dict[str, Any] = plan[place.index]
            if action["owner"] == place.owner:
                return action
    raise NoSuchAction(f"{place.assessment_id}/{place.index}")


def _save(session: Session, document: dict[str, Any], place: PlanPlace, reason: str) -> int:
    checked = service.check_record(document, lambda: place.today)
    saved = service.save_edit(
        session, checked, actor=place.actor, based_on_version=place.version, reason=reason
    )
    return saved.version


def complete_action(
    session: Session, record: dict[str, Any], place: PlanPlace
) -> tuple[str, int | None]:
    """Mark one of the owner's plan actions done today, as a new version based on
    `place.version`, and remember who did it. Returns the action's words and the new version
    (None when it was done already). NoSuchAction if there is none there; ActionRefused for a
    cancelled action; EditConflict or RecordExists when another save came first (read again
    and retry)."""
    document = RecordSchema().dump_record(record)
    target = _target(document, place)
    if target["status"] == "done":
        return str(target["action"]), None
    if target["status"] == "cancelled":
        raise ActionRefused("It was cancelled, so it cannot be marked as done.")
    target["status"] = "done"
    target["completed_on"] = place.today.isoformat()
    target["status_by"] = place.name
    saved = _save(session, document, place, f"Marked as done by {place.name}")
    session.add(
        ActionCompletion(
            record_ref=place.ref,
            record_version=saved,
            assessment_id=place.assessment_id,
            action_index=place.index,
            action=target["action"],
            done_by=place.actor,
            done_at=utcnow(),
        )
    )
    return str(target["action"]), saved


def book_action(
    session: Session, record: dict[str, Any], place: PlanPlace, booked_for: date | None
) -> tuple[str, int | None]:
    """Say an open action is booked (today, by `place.name`), for `booked_for` if known.
    None as the version when it was booked already for that day (a second click)."""
    document = RecordSchema().dump_record(record)
    target = _target(document, place)
    if target["status"] != "open":
        raise ActionRefused(f"It is {target['status']} already, so there is nothing to book.")
    wanted = booked_for.isoformat() if booked_for else None
    if target.get("booked_on") and target.get("booked_for") == wanted:
        return str(target["action"]), None
    target.update(booked_on=place.today.isoformat(), booked_by=place.name)
    if wanted:
        target["booked_for"] = wanted
    else:
        target.pop("booked_for", None)
    return str(target["action"]), _save(session, document, place, f"Booked by {place.name}")


def unbook_action(
    session: Session, record: dict[str, Any], place: PlanPlace
) -> tuple[str, int | None]:
    """Take a booking back (the appointment was cancelled, or booked by mistake): the action
    is open and not booked. None as the version when it was not booked (a second click);
    ActionRefused when it is done or cancelled (undo "done" first)."""
    document = RecordSchema().dump_record(record)
    target = _target(document, place)
    if target["status"] != "open":
        raise ActionRefused(f"It is {target['status']}, so there is no booking to remove.")
    if not target.get("booked_on"):
        return str(target["action"]), None
    for name in ("booked_on", "booked_for", "booked_by"):
        target.pop(name, None)
    return str(target["action"]), _save(
        session, document, place, f"Booking removed by {place.name}"
    )


def undoable_mark(
    session: Session, action: dict[str, Any], place: PlanPlace
) -> ActionCompletion | None:
    """The mark "done" that `place.actor` may still undo: their own, made today (`completed_on`
    is the day in England it was marked) and still standing; None otherwise."""
    if action.get("status") != "done" or action.get("completed_on") != place.today:
        return None
    mark = session.scalars(
        select(ActionCompletion)
        .where(
            ActionCompletion.record_ref == place.ref,
            ActionCompletion.assessment_id == place.assessment_id,
            ActionCompletion.action_index == place.index,
            ActionCompletion.undone_at.is_(None),
        )
        .order_by(ActionCompletion.done_at.desc(), ActionCompletion.id.desc())
        .limit(1)
    ).first()
    if mark is None or mark.done_by != place.actor:
        return None
    return mark


def undo_done(session: Session, record: dict[str, Any], place: PlanPlace) -> tuple[str, int | None]:
    """Take back the owner's "done" the same day: the action is open again, and booked again
    if it was booked. None as the version when it is not done (a second click). ActionRefused
    on a later day or when someone else marked it done; EditConflict when another save came
    first (read again and retry)."""
    loaded = _target(record, place)
    document = RecordSchema().dump_record(record)
    target = _target(document, place)
    if target["status"] != "done":
        return str(target["action"]), None
    mark = undoable_mark(session, loaded, place)
    if mark is None:
        current = session.scalar(select(Record.current_version).where(Record.ref == place.ref))
        if current != place.version:
            # The mark was undone by a save that landed after `record` was read (the other
            # press of a double click): not a refusal, the record is out of date.
            raise service.EditConflict(place.ref, place.version, current or 0)
        raise ActionRefused(
            'You can only undo "done" on the day you marked it. Ask the child\'s nurse to '
            "change it."
        )
    target["status"] = "open"
    for name in ("completed_on", "status_by"):
        target.pop(name, None)
    saved = _save(session, document, place, f'{place.name} undid "done"')
    mark.undone_at = utcnow()
    return str(target["action"]), saved


def next_assessment_id(assessments: list[dict[str, Any]], kind: str, on: str) -> str:
    """An id for a new assessment: its type and date ("RHA-2026-11-29"), with "-2", "-3"...
    when that is taken."""
    taken = {a["id"] for a in assessments}
    base = f"{kind}-{on}"
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 1000) if f"{base}-{n}" not in taken)

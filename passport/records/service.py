"""Importing, exporting and keeping the history of records. Knows nothing of Flask.

`read_document` turns bytes into a checked record or a list of `FieldError`s; `import_record`
writes a checked record as a new version in one transaction; `export_record` gives the
current (or any) version back in the exchange format.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from marshmallow import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from passport.records import models as m
from passport.records.mapping import record_from_version, version_from_record
from passport.records.schemas import FORMAT, FORMATS, RecordSchema

ROOT = "$"


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with a document, at a JSON path such as `assessments[1].date`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class RecordRefused(Exception):
    """A document that cannot be imported; nothing of it was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class RecordExists(RecordRefused):
    pass


class RecordNotFound(LookupError):
    pass


class EditConflict(Exception):
    """Someone else saved a newer version since this edit began."""

    def __init__(self, ref: str, expected: int, current: int) -> None:
        super().__init__(f"{ref} is at version {current}, not {expected}")
        self.ref, self.expected, self.current = ref, expected, current


def json_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or ROOT


def flatten_errors(messages: Any, path: tuple[str | int, ...] = ()) -> list[FieldError]:
    """marshmallow's nested error dict as a flat list of path + message, in document order."""
    if isinstance(messages, dict):
        out: list[FieldError] = []
        for key, value in messages.items():
            out += flatten_errors(value, path if key == "_schema" else path + (key,))
        return out
    if isinstance(messages, list):
        if all(isinstance(item, str) for item in messages):
            return [FieldError(json_path(path), text) for text in messages]
        out = []
        for item in messages:
            out += flatten_errors(item, path)
        return out
    return [FieldError(json_path(path), str(messages))]


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(raw: bytes) -> Any:
    """JSON text to data, refusing what JSON does not allow and a key given twice."""
    if not raw.strip():
        raise RecordRefused([FieldError(ROOT, "the file is empty")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"is not UTF-8 text (bad byte at offset {error.start})"
        raise RecordRefused([FieldError(ROOT, message)]) from None
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant
        )
    except _DuplicateKey as error:
        message = f'is not valid: the key "{error.key}" appears twice in one object'
        raise RecordRefused([FieldError(ROOT, message)]) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        message = f"is not valid JSON ({error.msg} at {where}); is the file complete?"
        raise RecordRefused([FieldError(ROOT, message)]) from None
    except ValueError as error:
        raise RecordRefused([FieldError(ROOT, f"is not valid JSON ({error})")]) from None
    except RecursionError:
        raise RecordRefused([FieldError(ROOT, "is nested too deeply to be a record")]) from None


def check_record(data: Any, today: Callable[[], date]) -> dict[str, Any]:
    """Check a parsed document whole; the loaded record, or RecordRefused naming every field."""
    if not isinstance(data, dict):
        kind = "an array" if isinstance(data, list) else f"a {type(data).__name__}"
        message = f"must be a JSON object holding one {FORMAT} record, not {kind}"
        raise RecordRefused([FieldError(ROOT, message)])
    given_format = data.get("format")
    if given_format not in FORMATS and isinstance(given_format, str):
        message = f'this file is "{given_format}"; this installation reads {" and ".join(FORMATS)}'
        raise RecordRefused([FieldError("format", message)])
    try:
        return RecordSchema(today=today).load_record(data)
    except ValidationError as error:
        raise RecordRefused(flatten_errors(error.messages)) from None


def read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    """Read at most max_bytes; a longer stream is refused after max_bytes + 1, not read whole."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise RecordRefused([FieldError(ROOT, _too_large(max_bytes))])
    return raw


def _too_large(max_bytes: int) -> str:
    return f"the file is larger than {max_bytes // (1024 * 1024)} MB; a record is far smaller"


def read_document_file(path: Path, max_bytes: int) -> bytes:
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise RecordRefused([FieldError(ROOT, _too_large(max_bytes))])
        with open(path, "rb") as handle:
            return read_limited(handle, max_bytes)
    except IsADirectoryError:
        raise RecordRefused([FieldError(ROOT, "is a folder, not a file")]) from None
    except FileNotFoundError:
        raise RecordRefused([FieldError(ROOT, "no such file")]) from None
    except PermissionError:
        raise RecordRefused([FieldError(ROOT, "cannot be read (permission denied)")]) from None


@dataclass(frozen=True)
class Imported:
    ref: str
    version: int


def import_record(
    session: Session,
    record: dict[str, Any],
    *,
    actor: str,
    replace: bool = False,
    how: str = "",
    reason: str | None = None,
) -> Imported:
    """Store a checked record as a new version. The caller's transaction commits or rolls back."""
    ref = record["child"]["ref"]
    existing = session.scalar(select(m.Record).where(m.Record.ref == ref).with_for_update())
    if existing is not None and not replace:
        raise RecordExists(
            [
                FieldError(
                    "child.ref",
                    f'a record "{ref}" already exists; use --replace to add a new version of it',
                )
            ]
        )
    if existing is None:
        existing = m.Record(ref=ref, current_version=0)
        session.add(existing)
    existing.current_version += 1
    version = version_from_record(
        record,
        version=existing.current_version,
        created_by=actor,
        how=how or ("replace" if existing.current_version > 1 else "import"),
        reason=reason,
    )
    version.record = existing
    session.add(version)
    # For whoever listens after the commit (the caseload's kept reports: `passport.jobs`).
    session.info.setdefault("changed_refs", set()).add(ref)
    try:
        session.flush()
    except IntegrityError:
        # Another import of the same ref won the race; nothing of ours is kept.
        raise RecordExists(
            [
                FieldError(
                    "child.ref", f'a record "{ref}" was saved by someone else just now; try again'
                )
            ]
        ) from None
    return Imported(ref=ref, version=existing.current_version)


def save_edit(
    session: Session,
    record: dict[str, Any],
    *,
    actor: str,
    based_on_version: int,
    reason: str | None = None,
) -> Imported:
    """Save an edited record, refusing it if another save came first (nothing is lost)."""
    ref = record["child"]["ref"]
    current = session.scalar(select(m.Record).where(m.Record.ref == ref).with_for_update())
    if current is None:
        raise RecordNotFound(ref)
    if current.current_version != based_on_version:
        raise EditConflict(ref, based_on_version, current.current_version)
    return import_record(session, record, actor=actor, replace=True, how="edit", reason=reason)


def _version_query(ref: str, version: int | None) -> Select[m.RecordVersion]:
    query = (
        select(m.RecordVersion).join(m.Record).where(m.Record.ref == ref).options(*VERSION_LOADS)
    )
    if version is None:
        return query.where(m.RecordVersion.version == m.Record.current_version)
    return query.where(m.RecordVersion.version == version)


VERSION_LOADS = (
    selectinload(m.RecordVersion.child),
    selectinload(m.RecordVersion.placements),
    selectinload(m.RecordVersion.practices),
    selectinload(m.RecordVersion.people),
    selectinload(m.RecordVersion.assessments).selectinload(m.Assessment.health_plan),
    selectinload(m.RecordVersion.information_requests),
    selectinload(m.RecordVersion.immunisations),
    selectinload(m.RecordVersion.allergies),
    selectinload(m.RecordVersion.conditions),
    selectinload(m.RecordVersion.medications),
    selectinload(m.RecordVersion.mental_health),
    selectinload(m.RecordVersion.screening),
    selectinload(m.RecordVersion.routine_checks),
    selectinload(m.RecordVersion.birth_history),
    selectinload(m.RecordVersion.family_history),
    selectinload(m.RecordVersion.hospital_episodes),
    selectinload(m.RecordVersion.health_advice),
)


def load_record(session: Session, ref: str, version: int | None = None) -> dict[str, Any]:
    """The record (current version unless one is named) as a loaded dict with dates."""
    row = session.scalar(_version_query(ref, version))
    if row is None:
        raise RecordNotFound(ref)
    return record_from_version(row)


def export_record(session: Session, ref: str, version: int | None = None) -> dict[str, Any]:
    """The record in lac-health-record/2 (whatever it was imported as), ready for `json.dumps`."""
    return RecordSchema().dump_record(load_record(session, ref, version))


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_at: datetime
    created_by: str
    how: str
    current: bool
    reason: str | None = None


def history(session: Session, ref: str) -> list[VersionInfo]:
    record = session.scalar(select(m.Record).where(m.Record.ref == ref))
    if record is None:
        raise RecordNotFound(ref)
    rows = session.execute(
        select(
            m.RecordVersion.version,
            m.RecordVersion.created_at,
            m.RecordVersion.created_by,
            m.RecordVersion.how,
            m.RecordVersion.reason,
        )
        .where(m.RecordVersion.record_id == record.id)
        .order_by(m.RecordVersion.version)
    ).all()
    return [
        VersionInfo(v, at, by, how, v == record.current_version, reason)
        for v, at, by, how, reason in rows
    ]


def history_with_records(session: Session, ref: str) -> list[tuple[VersionInfo, dict[str, Any]]]:
    """Every version of a record, oldest first, each with the record as it was then: one
    query per table for the lot, however many versions there are."""
    infos = history(session, ref)
    rows = session.scalars(
        select(m.RecordVersion)
        .join(m.Record)
        .where(m.Record.ref == ref)
        .order_by(m.RecordVersion.version)
        .options(*VERSION_LOADS)
    ).all()
    return [(info, record_from_version(row)) for info, row in zip(infos, rows, strict=True)]


def record_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(m.Record)) or 0


def load_current(session: Session, ref: str) -> tuple[int, dict[str, Any]]:
    """(current version number, the record as loaded) for one child."""
    row = session.scalar(_version_query(ref, None))
    if row is None:
        raise RecordNotFound(ref)
    return row.version, record_from_version(row)


def load_current_or_none(
    session: Session, ref: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    """The current version of a record as loaded, or None when there is no such ref. With
    `for_update`, the record's row is locked first (on PostgreSQL) so that a decision taken on
    what it holds stays true until the transaction ends."""
    if (
        for_update
        and session.scalar(select(m.Record.id).where(m.Record.ref == ref).with_for_update()) is None
    ):
        return None
    try:
        return load_current(session, ref)[1]
    except RecordNotFound:
        return None

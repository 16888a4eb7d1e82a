"""Caseload reports kept in the database, so that every app server starts the day with them
(issue 17): the nightly job works out each current record's report for the new day, a changed
record's is worked out when it changes, and the first caseload of the day reads them instead of
checking every record in the request.

A report is kept as JSON in a small tagged form (dates, tuples and the report's own classes
marked), never as pickle: a row of the database can never run code on an app server. Only the
classes `known()` lists can be read back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    CursorResult,
    Date,
    ForeignKey,
    Select,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from passport.db import Base
from passport.records import models as m
from passport.rules.immunisations import DueDose, ImmunisationStatus, MissingDose, NotGiven
from passport.rules.report import CheckReport, Flag
from passport.rules.schedule import Age


class CaseloadReport(Base):
    """One record version's caseload entry for one day (and one care-leaver summary date)."""

    __tablename__ = "caseload_reports"
    __table_args__ = (UniqueConstraint("version_id", "as_of", "leaver_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("record_versions.id", ondelete="CASCADE"), index=True
    )
    as_of: Mapped[dt.date] = mapped_column(Date, index=True)
    # The date the latest care-leaver summary was issued (ISO), "" for none: it changes flags.
    leaver_key: Mapped[str] = mapped_column(String(10), default="")
    entry: Mapped[str] = mapped_column(Text)


if TYPE_CHECKING:
    from passport.caseload.service import CaseloadEntry


@cache
def known() -> dict[str, type]:
    """The classes a kept report may hold (the entry's class is imported late: the caseload
    service imports this module)."""
    from passport.caseload.service import CaseloadEntry

    return {cls.__name__: cls for cls in (CaseloadEntry, *REPORT_CLASSES)}


REPORT_CLASSES: tuple[type, ...] = (
    CheckReport,
    Flag,
    ImmunisationStatus,
    MissingDose,
    DueDose,
    NotGiven,
    Age,
)


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in known():
            raise TypeError(f"{name} cannot be kept in a caseload report")
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$": name, **fields}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, tuple):
        return {"$t": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, Mapping):
        return {"$m": {str(key): _encode(item) for key, item in value.items()}}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} cannot be kept in a caseload report")


def _tagged(value: dict[str, Any]) -> Any:
    """json's object hook: called for each object, innermost first, so what it holds is
    already read back."""
    if "$d" in value:
        return dt.date.fromisoformat(value["$d"])
    if "$t" in value:
        return tuple(value["$t"])
    if "$m" in value:
        return value["$m"]
    name = value.pop("$", None)
    if name is None:
        return value
    return known()[name](**value)  # a KeyError for any other class: nothing else is made


def dumps(entry: CaseloadEntry) -> str:
    return json.dumps(_encode(entry), separators=(",", ":"))


def loads(text: str) -> CaseloadEntry:
    entry = json.loads(text, object_hook=_tagged)
    if not isinstance(entry, known()["CaseloadEntry"]):
        raise TypeError("not a caseload entry")
    return cast("CaseloadEntry", entry)


def leaver_key(issued_on: dt.date | None) -> str:
    return issued_on.isoformat() if issued_on else ""


def kept_for(
    session: Session, versions: Select, as_of: dt.date
) -> dict[tuple[int, str], CaseloadEntry]:
    """The kept entries of the versions `versions` selects, for `as_of`, in one query."""
    ids = versions.with_only_columns(m.RecordVersion.id).scalar_subquery()
    rows = session.execute(
        select(CaseloadReport.version_id, CaseloadReport.leaver_key, CaseloadReport.entry).where(
            CaseloadReport.as_of == as_of, CaseloadReport.version_id.in_(ids)
        )
    )
    return {(version_id, key): loads(entry) for version_id, key, entry in rows}


def keep(
    session: Session,
    as_of: dt.date,
    made: Iterable[tuple[int, str, CaseloadEntry]],
) -> int:
    """Store newly made entries (version id, leaver key, entry). Another server may have stored
    the same one a moment before: that row stands, since the same inputs make the same entry."""
    rows = [
        {"version_id": version_id, "as_of": as_of, "leaver_key": key, "entry": dumps(entry)}
        for version_id, key, entry in made
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    statement = insert(CaseloadReport).on_conflict_do_nothing(
        index_elements=["version_id", "as_of", "leaver_key"]
    )
    session.execute(statement, rows)
    return len(rows)


def forget_before(session: Session, as_of: dt.date) -> int:
    """Drop the entries of days before `as_of`: they are never read again."""
    result = session.execute(delete(CaseloadReport).where(CaseloadReport.as_of < as_of))
    return cast(CursorResult, result).rowcount

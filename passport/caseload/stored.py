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
    Engine,
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
    # What the caseload's list needs of every child (codes, urgency, next review)...
    entry: Mapped[str] = mapped_column(Text)
    # ...and the rest (the flags' wording, the immunisation status), read for the rows shown.
    detail: Mapped[str | None] = mapped_column(Text)


if TYPE_CHECKING:
    from passport.caseload.service import CaseloadEntry


@cache
def known() -> dict[str, type]:
    """The classes a kept report may hold (the entry's class is imported late: the caseload
    service imports this module)."""
    from passport.caseload.service import CaseloadEntry

    return {cls.__name__: cls for cls in (CaseloadEntry, KeptReport, *REPORT_CLASSES)}


REPORT_CLASSES: tuple[type, ...] = (
    CheckReport,
    Flag,
    ImmunisationStatus,
    MissingDose,
    DueDose,
    NotGiven,
    Age,
)


class KeptReport(CheckReport):
    """A report read back from the database. What the caseload's list needs of every child (the
    flag codes, the urgency to sort by, the next review) is read at once; the flags' wording and
    the immunisation status (most of a report, kept in its own column) only for the children a
    page shows (`read_details`, one query), or on their own when something else asks. The first
    caseload of the day reads thousands of reports and shows 25."""

    _codes: list[str]
    _urgency: tuple[int, int, int, int, dt.date, str]
    _row: int | None
    _engine: Engine | None
    _read: dict[str, Any] | None

    def __init__(
        self,
        ref: str,
        as_of: dt.date,
        next_rha_due: dt.date | None,
        codes: list[str],
        urgency: tuple[Any, ...],
    ) -> None:
        for name, value in (
            ("ref", ref),
            ("as_of", as_of),
            ("next_rha_due", next_rha_due),
            ("_codes", codes),
            ("_urgency", urgency),
            ("_row", None),
            ("_engine", None),
            ("_read", None),
        ):
            object.__setattr__(self, name, value)

    def _from(self, row: int, engine: Engine) -> None:
        object.__setattr__(self, "_row", row)
        object.__setattr__(self, "_engine", engine)

    def _give(self, detail: str) -> None:
        read = json.loads(detail, object_hook=_tagged)
        if not isinstance(read.get("immunisations"), ImmunisationStatus):
            raise TypeError("not an immunisation status")
        object.__setattr__(self, "_read", read)

    def _later(self) -> dict[str, Any]:
        if self._read is None:
            with Session(self._engine) as session:
                detail: str | None = session.execute(
                    select(CaseloadReport.detail).where(CaseloadReport.id == self._row)
                ).scalar()
            if detail is None:
                raise LookupError(f"the kept report of {self.ref} is gone")
            self._give(detail)
        return cast(dict[str, Any], self._read)

    @property
    def is_read(self) -> bool:
        return self._read is not None

    @property
    def flags(self) -> list[Flag]:
        return cast(list[Flag], self._later()["flags"])

    @property
    def immunisations(self) -> ImmunisationStatus:
        return cast(ImmunisationStatus, self._later()["immunisations"])

    @property
    def urgency(self) -> tuple[int, int, int, int, dt.date, str]:
        return self._urgency

    def codes(self) -> list[str]:
        return list(self._codes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CheckReport):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in _REPORT_FIELDS)

    __hash__ = None  # type: ignore[assignment]


_REPORT_FIELDS = dataclasses.fields(CheckReport)
_READ_LATER = ("flags", "immunisations")


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


# The light part of an entry is kept flat (dates as ISO text, tuples as lists), read without an
# object hook: json's own parser and one constructor call an entry. The first caseload of the
# day reads 10,000 of them. Rows kept before this (tagged throughout) still read back.
FLAT = "E2"


@cache
def _entry_kinds() -> tuple[frozenset[str], frozenset[str]]:
    """The CaseloadEntry fields that are dates, and those that are tuples."""
    fields = dataclasses.fields(known()["CaseloadEntry"])
    dates = frozenset(f.name for f in fields if str(f.type).split(" |")[0] == "date")
    tuples = frozenset(f.name for f in fields if str(f.type).startswith("tuple["))
    return dates, tuples


def _flat(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if value is None or isinstance(value, (str, int, float, bool, list)):
        return value
    raise TypeError(f"{type(value).__name__} cannot be kept flat in a caseload report")


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text is not None else None


def dumps(entry: CaseloadEntry) -> tuple[str, str]:
    """The entry as it is kept: what the list needs (flat, with a light report), and the
    detail (tagged)."""
    light: dict[str, Any] = {"$": FLAT}
    for f in dataclasses.fields(entry):
        if f.name != "report":
            light[f.name] = _flat(getattr(entry, f.name))
    report = entry.report
    *counts, oldest, ref = report.urgency
    light["report"] = {
        "ref": report.ref,
        "as_of": report.as_of.isoformat(),
        "next_rha_due": _flat(report.next_rha_due),
        "codes": report.codes(),
        "urgency": [*counts, oldest.isoformat(), ref],
    }
    detail = {name: _encode(getattr(entry.report, name)) for name in _READ_LATER}
    return _text(light), _text(detail)


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _from_flat(value: dict[str, Any]) -> CaseloadEntry:
    dates, tuples = _entry_kinds()
    kept = value.pop("report")
    *counts, oldest, ref = kept["urgency"]
    report = KeptReport(
        ref=kept["ref"],
        as_of=dt.date.fromisoformat(kept["as_of"]),
        next_rha_due=_day(kept["next_rha_due"]),
        codes=kept["codes"],
        urgency=(*counts, dt.date.fromisoformat(oldest), ref),
    )
    del value["$"]
    for name in dates:
        value[name] = _day(value.get(name))
    for name in tuples:
        value[name] = tuple(value.get(name) or ())
    return cast("CaseloadEntry", known()["CaseloadEntry"](report=report, **value))


def loads(text: str, detail: str | None = None) -> CaseloadEntry:
    """An entry read back; with `detail`, its report is read whole at once."""
    value = json.loads(text)
    if isinstance(value, dict) and value.get("$") == FLAT:
        entry = _from_flat(value)
    else:
        entry = json.loads(text, object_hook=_tagged)
    if not isinstance(entry, known()["CaseloadEntry"]):
        raise TypeError("not a caseload entry")
    if detail is not None and isinstance(entry.report, KeptReport):
        entry.report._give(detail)
    return entry


def read_details(session: Session, entries: Iterable[CaseloadEntry]) -> None:
    """Read the detail of the kept reports among `entries` (those a page shows) in one query."""
    waiting = {
        e.report._row: e.report
        for e in entries
        if isinstance(e.report, KeptReport) and not e.report.is_read
    }
    if not waiting:
        return
    rows = session.execute(
        select(CaseloadReport.id, CaseloadReport.detail).where(CaseloadReport.id.in_(waiting))
    )
    for row, detail in rows:
        if detail is not None:
            waiting[row]._give(detail)


def leaver_key(issued_on: dt.date | None) -> str:
    return issued_on.isoformat() if issued_on else ""


def kept_for(
    session: Session, versions: Select, as_of: dt.date
) -> dict[tuple[int, str], CaseloadEntry]:
    """The kept entries of the versions `versions` selects, for `as_of`, in one query."""
    ids = versions.with_only_columns(m.RecordVersion.id).scalar_subquery()
    rows = session.execute(
        select(
            CaseloadReport.id,
            CaseloadReport.version_id,
            CaseloadReport.leaver_key,
            CaseloadReport.entry,
        ).where(CaseloadReport.as_of == as_of, CaseloadReport.version_id.in_(ids))
    )
    engine = session.get_bind()
    out = {}
    for row, version_id, key, text in rows:
        entry = loads(text)
        if isinstance(entry.report, KeptReport):
            entry.report._from(row, cast(Engine, engine))
        out[(version_id, key)] = entry
    return out


def keep(
    session: Session,
    as_of: dt.date,
    made: Iterable[tuple[int, str, CaseloadEntry]],
) -> int:
    """Store newly made entries (version id, leaver key, entry). Another server may have stored
    the same one a moment before: that row stands, since the same inputs make the same entry."""
    rows = [
        {"version_id": version_id, "as_of": as_of, "leaver_key": key, "entry": text, "detail": more}
        for version_id, key, entry in made
        for text, more in [dumps(entry)]
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

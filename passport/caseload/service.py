"""The caseload: every child a nurse keeps, with the rules' report on each, most urgent first.

It reads the current record of every child in a fixed number of queries (`records.bulk`) and
takes each one's current view for staff in memory (`records.current`: the rules' report and what
is overdue), so its cost grows with the data and never with round trips.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from passport.caseload import stored
from passport.records import models as m
from passport.records.audience import STAFF
from passport.records.bulk import current_records, current_versions_query
from passport.records.current import current_view
from passport.records.exchange import as_exchange_json
from passport.records.placements import current_placement
from passport.rules import CheckReport
from passport.rules.dates import age_in_years


@dataclass(frozen=True)
class CaseloadEntry:
    ref: str
    version: int
    name: str
    preferred_name: str | None
    date_of_birth: date
    age: int
    unaccompanied_asylum_seeking: bool
    placement_area: str | None  # in_area | out_of_area | None when no current placement
    responsible_authority: str | None
    report: CheckReport
    nhs_number: str | None = None
    # The codes of what is overdue in the staff's current view (`records.current`), that the
    # caseload calls overdue (OVERDUE_CODES).
    overdue: tuple[str, ...] = ()
    issued_on: date | None = None  # the care-leaver summary, when one was issued

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name not in self.name:
            return f"{self.name} ({self.preferred_name})"
        return self.name

    @property
    def out_of_area(self) -> bool:
        return self.placement_area == "out_of_area"

    @property
    def leaving_care_soon(self) -> bool:
        """Aged 17 or more: the care-leaver summary is due or soon will be."""
        return self.age >= 17 or "LEAVER_SUMMARY_DUE" in self.report.codes()

    def has_overdue(self) -> bool:
        return bool(self.overdue)

    def review_overdue(self) -> bool:
        """The review health assessment is overdue, as the current view says."""
        return "RHA_OVERDUE" in self.overdue

    @property
    def may_issue_leaver_summary(self) -> bool:
        """The care-leaver summary is offered from 16 (issue 15): never to a 9-year-old."""
        return self.age >= LEAVER_SUMMARY_AGE

    def leaver_summary_due(self, issued: Collection[str]) -> bool:
        """Aged 16 or over with no care-leaver summary issued yet (`issued`: the refs that
        have one)."""
        return self.age >= LEAVER_SUMMARY_AGE and self.ref not in issued

    def matches(self, search: str) -> bool:
        """Whether `search` is part of the name, preferred name or ref (any case), or of the
        NHS number typed with or without spaces."""
        wanted = " ".join(search.split()).casefold()
        if not wanted:
            return True
        digits = wanted.replace(" ", "")
        if digits.isdigit() and self.nhs_number and digits in self.nhs_number:
            return True
        return any(
            wanted in (text or "").casefold() for text in (self.name, self.preferred_name, self.ref)
        )


# From 16 the care-leaver summary should be on its way (the pathway plan starts at 16).
LEAVER_SUMMARY_AGE = 16

OVERDUE_CODES = frozenset(
    {
        "IHA_MISSING",
        "RHA_OVERDUE",
        "HEALTH_PLAN_ACTION_OVERDUE",
        "DENTAL_CHECK_OVERDUE",
        "INFO_REQUEST_OUTSTANDING",
        "LEAVER_SUMMARY_DUE",
    }
)


def current_placement_area(record: dict[str, Any], day: date) -> str | None:
    placement = current_placement(record, day)
    return placement["area"] if placement else None


def for_authority(authority: str | None) -> Select[m.RecordVersion]:
    """Current versions of the records a nurse of this authority keeps (all when None)."""
    query = current_versions_query()
    if authority is not None:
        query = query.where(
            m.RecordVersion.id.in_(
                select(m.Child.version_id).where(m.Child.responsible_authority == authority)
            )
        )
    return query


def build_caseload(
    session: Session,
    as_of: date,
    versions_query: Select | None = None,
    leaver_summaries: dict[str, date] | None = None,
    *,
    from_this_process: bool = True,
) -> list[CaseloadEntry]:
    """Every selected child with their report, most urgent first.

    A record version never changes, so its report for a given day is kept: in this process
    (`_REPORTS`), and in the database for every server (`caseload.stored`, filled each night
    for the new day and when a record changes). The caseload first asks which versions it needs
    (one query), reads the kept reports of those this process has not seen today (one query),
    then reads and checks only those nobody has, still in a fixed number of queries.

    The nightly job passes `from_this_process=False`: what this process has seen is not enough
    there, since the point is that every server finds the day's reports in the database.
    """
    leaver_summaries = leaver_summaries or {}
    query = versions_query if versions_query is not None else current_versions_query()
    wanted = session.execute(
        query.with_only_columns(m.RecordVersion.id, m.Record.ref, m.RecordVersion.created_at)
    ).all()
    made = {version_id: created for version_id, _, created in wanted}

    def key(version_id: int, ref: str) -> tuple[Any, ...]:
        # The creation time guards against a database whose ids start again (a new one).
        return (version_id, made[version_id], as_of, leaver_summaries.get(ref))

    with _REPORTS_LOCK:
        found = {
            version_id: _REPORTS.get(key(version_id, ref)) if from_this_process else None
            for version_id, ref, _ in wanted
        }
    missing = [version_id for version_id, entry in found.items() if entry is None]
    if missing:
        found.update(_made_before(session, query, as_of, wanted, missing, leaver_summaries))
        missing = [version_id for version_id, entry in found.items() if entry is None]
    if missing:
        load = (
            query if len(missing) > _MAX_ID_LIST else query.where(m.RecordVersion.id.in_(missing))
        )
        new_entries = []
        for version, record in current_records(session, load):
            if found.get(version.id) is None:
                ref = record["child"]["ref"]
                issued = leaver_summaries.get(ref)
                entry = entry_for(version.version, record, as_of, issued)
                found[version.id] = entry
                new_entries.append((version.id, stored.leaver_key(issued), entry))
        stored.keep(session, as_of, new_entries)
    if found:
        with _REPORTS_LOCK:
            for version_id, ref, _ in wanted:
                seen = found[version_id]
                if seen is not None:
                    _REPORTS[key(version_id, ref)] = seen
                    _REPORTS.move_to_end(key(version_id, ref))
            while len(_REPORTS) > _MAX_REPORTS:
                _REPORTS.popitem(last=False)
    entries = [entry for entry in found.values() if entry is not None]
    entries.sort(key=lambda e: e.report.urgency)
    return entries


def _made_before(
    session: Session,
    query: Select,
    as_of: date,
    wanted: Iterable[Any],
    missing: Collection[int],
    leaver_summaries: dict[str, date],
) -> dict[int, CaseloadEntry]:
    """The entries kept in the database for the missing versions (see `caseload.stored`)."""
    kept = stored.kept_for(session, query, as_of)
    missing = set(missing)  # a list here made this loop quadratic: 1.5 s at 10,000 children
    out = {}
    for version_id, ref, _ in wanted:
        if version_id in missing:
            entry = kept.get((version_id, stored.leaver_key(leaver_summaries.get(ref))))
            if entry is not None:
                out[version_id] = entry
    return out


# (record version id, day, care-leaver summary issued on) -> entry; least recently used out.
_REPORTS: OrderedDict[tuple[Any, ...], CaseloadEntry] = OrderedDict()
_REPORTS_LOCK = threading.Lock()
_MAX_REPORTS = 50_000
_MAX_ID_LIST = 500


def entry_for(
    version: int, record: dict[str, Any], as_of: date, leaver_summary_issued_on: date | None = None
) -> CaseloadEntry:
    child = record["child"]
    view = current_view(
        as_exchange_json(record), STAFF, as_of, leaver_summary_issued_on=leaver_summary_issued_on
    )
    report = view.report
    return CaseloadEntry(
        ref=child["ref"],
        version=version,
        name=f"{child['given_name']} {child['family_name']}",
        preferred_name=child.get("preferred_name"),
        date_of_birth=child["date_of_birth"],
        age=age_in_years(child["date_of_birth"], as_of),
        unaccompanied_asylum_seeking=child.get("unaccompanied_asylum_seeking", False),
        placement_area=current_placement_area(record, as_of),
        responsible_authority=child.get("responsible_authority"),
        report=report,
        nhs_number=child.get("nhs_number"),
        overdue=tuple(item.code for item in view.overdue if item.code in OVERDUE_CODES),
        issued_on=leaver_summary_issued_on,
    )


SORTS = {
    "urgency": "Most urgent first",
    "name": "Name, A to Z",
    "next-rha": "Next review due, soonest first",
    "age": "Age, oldest first",
}


def sort_entries(entries: Iterable[CaseloadEntry], by: str) -> list[CaseloadEntry]:
    """The entries in the order `by` (one of SORTS)."""
    keys = {
        "urgency": lambda e: e.report.urgency,
        "name": lambda e: (e.name.casefold(), e.ref),
        "next-rha": lambda e: (e.report.next_rha_due or date.max, e.ref),
        "age": lambda e: (-e.age, e.ref),
    }
    return sorted(entries, key=keys[by])

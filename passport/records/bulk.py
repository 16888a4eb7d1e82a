"""Every child's current record in a fixed number of queries, however many children there are.

`selectinload` batches its IN lists 500 keys at a time, so its query count grows with the
caseload. Here each table is read once, filtered by a subquery of the current versions, and the
rows are attached to their versions in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from passport.records import models as m
from passport.records.mapping import record_from_version

# Relationship on RecordVersion -> (row class, how its rows are ordered).
_ONE: dict[str, Any] = {"child": m.Child, "birth_history": m.BirthHistory}
_MANY: dict[str, Any] = {
    "placements": m.Placement,
    "practices": m.ContactPractice,
    "people": m.ContactPerson,
    "assessments": m.Assessment,
    "information_requests": m.InformationRequest,
    "immunisations": m.Immunisation,
    "allergies": m.Allergy,
    "conditions": m.Condition,
    "medications": m.Medication,
    "mental_health": m.MentalHealthEpisode,
    "screening": m.Screening,
    "routine_checks": m.RoutineCheck,
    "family_history": m.FamilyHistoryEntry,
    "hospital_episodes": m.HospitalEpisode,
    "health_advice": m.HealthAdvice,
}


def current_versions_query() -> Select[m.RecordVersion]:
    return (
        select(m.RecordVersion)
        .join(m.Record, m.Record.id == m.RecordVersion.record_id)
        .where(m.RecordVersion.version == m.Record.current_version)
    )


def load_versions(
    session: Session, versions_query: Select[m.RecordVersion]
) -> list[m.RecordVersion]:
    """Run a query of RecordVersion rows and fill in every table of each, one query per table."""
    versions = list(session.scalars(versions_query))
    ids = versions_query.with_only_columns(m.RecordVersion.id).subquery()
    by_id = {v.id: v for v in versions}

    for name, row_class in _ONE.items():
        found = {
            row.version_id: row
            for row in session.scalars(
                select(row_class).where(row_class.version_id.in_(select(ids.c.id)))
            )
        }
        for version_id, version in by_id.items():
            set_committed_value(version, name, found.get(version_id))

    assessments: list[m.Assessment] = []
    for name, row_class in _MANY.items():
        order = [row_class.version_id]
        if hasattr(row_class, "position"):
            order.append(row_class.position)
        if hasattr(row_class, "kind"):
            order.append(row_class.kind)
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in session.scalars(
            select(row_class).where(row_class.version_id.in_(select(ids.c.id))).order_by(*order)
        ):
            grouped[row.version_id].append(row)
        for version_id, version in by_id.items():
            set_committed_value(version, name, grouped.get(version_id, []))
        if row_class is m.Assessment:
            assessments = [a for rows in grouped.values() for a in rows]

    actions: dict[int, list[m.PlanAction]] = defaultdict(list)
    for action in session.scalars(
        select(m.PlanAction)
        .join(m.Assessment, m.Assessment.id == m.PlanAction.assessment_pk)
        .where(m.Assessment.version_id.in_(select(ids.c.id)))
        .order_by(m.PlanAction.assessment_pk, m.PlanAction.position)
    ):
        actions[action.assessment_pk].append(action)
    for assessment in assessments:
        set_committed_value(assessment, "health_plan", actions.get(assessment.id, []))
    return versions


def current_records(
    session: Session, versions_query: Select[m.RecordVersion] | None = None
) -> Iterable[tuple[m.RecordVersion, dict[str, Any]]]:
    """(version row, loaded record dict) for each current record the query selects."""
    query = versions_query if versions_query is not None else current_versions_query()
    for version in load_versions(session, query):
        yield version, record_from_version(version)

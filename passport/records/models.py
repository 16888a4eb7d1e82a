"""The child's health record as tables.

A `Record` is one child, known by the team's `ref`. Every import or edit adds a
`RecordVersion`, a complete copy of the record at that moment; rows are never updated in place,
so every earlier version stays readable. `Record.current_version` points at the newest.

Each version's rows mirror lac-health-record/1 one to one (see `mapping.py`). Arrays keep their
order through `position`. Optional arrays and objects given empty (`"allergies": []`) are kept
apart from absent ones through `RecordVersion.sections_present` and the `*_present` flags, so an
export gives back exactly what was imported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import Base, UTCDateTime, utcnow

SHORT = 200
TEXT = 4000


def _version_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("record_versions.id", ondelete="CASCADE"), index=True)


class Record(Base):
    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[RecordVersion]] = relationship(
        back_populates="record", order_by="RecordVersion.version"
    )


class RecordVersion(Base):
    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254))
    # How this version came to be: "import", "replace", "edit", "demo".
    how: Mapped[str] = mapped_column(String(20))
    # Top-level sections the document carried, even empty ones.
    sections_present: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Top-level `x_...` fields, kept as given.
    extensions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    immunisation_history_status: Mapped[str | None] = mapped_column(String(20))
    # /2 `young_person_choices`: what the young person chose for their summary, as given.
    young_person_choices: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # /2 `young_person_own`: the young person's own entries, in the exchange form (ISO dates).
    young_person_own: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Why the version was made, in the words of whoever made it (changing or ending an entry).
    reason: Mapped[str | None] = mapped_column(Text)

    record: Mapped[Record] = relationship(back_populates="versions")
    child: Mapped[Child] = relationship(cascade="all, delete-orphan")
    placements: Mapped[list[Placement]] = relationship(
        order_by="Placement.position", cascade="all, delete-orphan"
    )
    practices: Mapped[list[ContactPractice]] = relationship(
        order_by="ContactPractice.kind", cascade="all, delete-orphan"
    )
    people: Mapped[list[ContactPerson]] = relationship(
        order_by="ContactPerson.kind", cascade="all, delete-orphan"
    )
    assessments: Mapped[list[Assessment]] = relationship(
        order_by="Assessment.position", cascade="all, delete-orphan"
    )
    information_requests: Mapped[list[InformationRequest]] = relationship(
        order_by="InformationRequest.position", cascade="all, delete-orphan"
    )
    immunisations: Mapped[list[Immunisation]] = relationship(
        order_by="Immunisation.position", cascade="all, delete-orphan"
    )
    allergies: Mapped[list[Allergy]] = relationship(
        order_by="Allergy.position", cascade="all, delete-orphan"
    )
    conditions: Mapped[list[Condition]] = relationship(
        order_by="Condition.position", cascade="all, delete-orphan"
    )
    medications: Mapped[list[Medication]] = relationship(
        order_by="Medication.position", cascade="all, delete-orphan"
    )
    mental_health: Mapped[list[MentalHealthEpisode]] = relationship(
        order_by="MentalHealthEpisode.position", cascade="all, delete-orphan"
    )
    screening: Mapped[list[Screening]] = relationship(
        order_by="Screening.position", cascade="all, delete-orphan"
    )
    routine_checks: Mapped[list[RoutineCheck]] = relationship(
        order_by="RoutineCheck.position", cascade="all, delete-orphan"
    )
    birth_history: Mapped[BirthHistory | None] = relationship(cascade="all, delete-orphan")
    family_history: Mapped[list[FamilyHistoryEntry]] = relationship(
        order_by="FamilyHistoryEntry.position", cascade="all, delete-orphan"
    )
    hospital_episodes: Mapped[list[HospitalEpisode]] = relationship(
        order_by="HospitalEpisode.position", cascade="all, delete-orphan"
    )
    health_advice: Mapped[list[HealthAdvice]] = relationship(
        order_by="HealthAdvice.position", cascade="all, delete-orphan"
    )


class Child(Base):
    __tablename__ = "children"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("record_versions.id", ondelete="CASCADE"), primary_key=True
    )
    ref: Mapped[str] = mapped_column(String(64), index=True)
    nhs_number: Mapped[str | None] = mapped_column(String(10))
    given_name: Mapped[str] = mapped_column(String(SHORT))
    family_name: Mapped[str] = mapped_column(String(SHORT))
    preferred_name: Mapped[str | None] = mapped_column(String(SHORT))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    date_of_birth_is_estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    sex_at_birth: Mapped[str | None] = mapped_column(String(10))
    gender_identity: Mapped[str | None] = mapped_column(String(SHORT))
    pronouns: Mapped[str | None] = mapped_column(String(SHORT))
    first_language: Mapped[str | None] = mapped_column(String(SHORT))
    interpreter_needed: Mapped[bool | None] = mapped_column(Boolean)
    responsible_authority: Mapped[str | None] = mapped_column(String(SHORT), index=True)
    legal_status: Mapped[str | None] = mapped_column(String(30))
    unaccompanied_asylum_seeking: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_care: Mapped[dt.date] = mapped_column(Date)
    left_care: Mapped[dt.date | None] = mapped_column(Date)
    # New in lac-health-record/2.
    country_of_origin: Mapped[str | None] = mapped_column(String(SHORT))
    arrived_in_uk: Mapped[dt.date | None] = mapped_column(Date)


class Placement(Base):
    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(30))
    carer_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    area: Mapped[str] = mapped_column(String(20))
    host_authority: Mapped[str | None] = mapped_column(String(SHORT))


class ContactPractice(Base):
    """The child's GP, dentist or optician."""

    __tablename__ = "contact_practices"
    __table_args__ = (UniqueConstraint("version_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    kind: Mapped[str] = mapped_column(String(20))  # gp | dentist | optician
    name: Mapped[str] = mapped_column(String(SHORT))
    ods_code: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(40))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)


class ContactPerson(Base):
    """The child's social worker, LAC nurse or personal adviser."""

    __tablename__ = "contact_people"
    __table_args__ = (UniqueConstraint("version_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    # social_worker | lac_nurse | personal_adviser | out_of_hours (format /2)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(SHORT))
    team: Mapped[str | None] = mapped_column(String(SHORT))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))


class Assessment(Base):
    """An initial (IHA) or review (RHA) health assessment, with who did it and what they found."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    assessment_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(3))
    date: Mapped[dt.date] = mapped_column(Date)
    setting: Mapped[str | None] = mapped_column(String(20))
    placed_out_of_area: Mapped[bool | None] = mapped_column(Boolean)

    practitioner_name: Mapped[str] = mapped_column(String(SHORT))
    practitioner_role: Mapped[str] = mapped_column(String(SHORT))
    practitioner_grade: Mapped[str | None] = mapped_column(String(SHORT))
    practitioner_registration: Mapped[str | None] = mapped_column(String(40))
    # New in lac-health-record/2.
    practitioner_registration_body: Mapped[str | None] = mapped_column(String(10))
    practitioner_registration_number: Mapped[str | None] = mapped_column(String(40))

    consent_status: Mapped[str | None] = mapped_column(String(20))  # None: no consent object
    consent_by: Mapped[str | None] = mapped_column(String(20))
    consent_recorded_on: Mapped[dt.date | None] = mapped_column(Date)
    consent_to_share_with: Mapped[list[str] | None] = mapped_column(JSON)
    consent_notes: Mapped[str | None] = mapped_column(Text)

    sources_consulted: Mapped[list[str] | None] = mapped_column(JSON)
    young_person_views: Mapped[str | None] = mapped_column(Text)

    findings_present: Mapped[bool] = mapped_column(Boolean, default=False)
    height_cm: Mapped[float | None] = mapped_column(Float)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    vision: Mapped[str | None] = mapped_column(Text)
    hearing: Mapped[str | None] = mapped_column(Text)
    development: Mapped[str | None] = mapped_column(Text)
    emotional_wellbeing: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)

    sdq_total: Mapped[int | None] = mapped_column(Integer)  # None: no SDQ
    sdq_completed_by: Mapped[str | None] = mapped_column(String(20))
    sdq_date: Mapped[dt.date | None] = mapped_column(Date)

    health_plan_present: Mapped[bool] = mapped_column(Boolean, default=False)
    health_plan: Mapped[list[PlanAction]] = relationship(
        order_by="PlanAction.position", cascade="all, delete-orphan"
    )


class PlanAction(Base):
    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_pk: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(20))
    due: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    # New in format /2: who marked it done or cancelled it; when and why it was cancelled.
    status_by: Mapped[str | None] = mapped_column(String(SHORT))
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    # New in format /2: booked (an appointment made), for which day, by whom.
    booked_on: Mapped[dt.date | None] = mapped_column(Date)
    booked_for: Mapped[dt.date | None] = mapped_column(Date)
    booked_by: Mapped[str | None] = mapped_column(String(SHORT))


class InformationRequest(Base):
    """What the health team asked the GP, CAMHS or others, and when the answer came."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    to: Mapped[str] = mapped_column(String(30))
    for_assessment: Mapped[str | None] = mapped_column(String(64))
    sent_on: Mapped[dt.date] = mapped_column(Date)
    chased_on: Mapped[list[str] | None] = mapped_column(JSON)
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    # New in format /2: a request withdrawn, when and why.
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class Immunisation(Base):
    __tablename__ = "immunisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    vaccine: Mapped[str] = mapped_column(String(80))
    dose: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    notes_for: Mapped[str | None] = mapped_column(String(20))  # /2: staff | young_person
    # New in lac-health-record/2: given (or None), declined or contraindicated.
    status: Mapped[str | None] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_by: Mapped[str | None] = mapped_column(String(SHORT))


class Allergy(Base):
    __tablename__ = "allergies"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    substance: Mapped[str] = mapped_column(String(SHORT))
    reaction: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str | None] = mapped_column(String(20))
    recorded_on: Mapped[dt.date | None] = mapped_column(Date)
    # New in lac-health-record/2.
    status: Mapped[str | None] = mapped_column(String(20))
    status_on: Mapped[dt.date | None] = mapped_column(Date)
    status_by: Mapped[str | None] = mapped_column(String(SHORT))
    status_reason: Mapped[str | None] = mapped_column(Text)


class Condition(Base):
    __tablename__ = "conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(SHORT))
    status: Mapped[str] = mapped_column(String(20))
    onset: Mapped[dt.date | None] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    notes_for: Mapped[str | None] = mapped_column(String(20))  # /2: staff | young_person


class Medication(Base):
    __tablename__ = "medications"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(SHORT))
    dose: Mapped[str | None] = mapped_column(String(SHORT))
    reason: Mapped[str | None] = mapped_column(String(SHORT))
    started: Mapped[dt.date | None] = mapped_column(Date)
    stopped: Mapped[dt.date | None] = mapped_column(Date)
    # New in lac-health-record/2.
    stop_reason: Mapped[str | None] = mapped_column(Text)


class MentalHealthEpisode(Base):
    __tablename__ = "mental_health_episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    service: Mapped[str] = mapped_column(String(SHORT))
    referred_on: Mapped[dt.date | None] = mapped_column(Date)
    first_seen_on: Mapped[dt.date | None] = mapped_column(Date)
    discharged_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    notes_for: Mapped[str | None] = mapped_column(String(20))  # /2: staff | young_person


class Screening(Base):
    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    test: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(SHORT))
    date: Mapped[dt.date | None] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(20))
    follow_up: Mapped[str | None] = mapped_column(Text)
    # New in format /2: when the result came.
    result_on: Mapped[dt.date | None] = mapped_column(Date)


class RoutineCheck(Base):
    """A dental or optical check on a date."""

    __tablename__ = "routine_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    kind: Mapped[str] = mapped_column(String(10))  # dental | optical
    position: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)


class BirthHistory(Base):
    __tablename__ = "birth_histories"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("record_versions.id", ondelete="CASCADE"), primary_key=True
    )
    birth_weight_kg: Mapped[float | None] = mapped_column(Float)
    gestation_weeks: Mapped[int | None] = mapped_column(Integer)
    place_of_birth: Mapped[str | None] = mapped_column(String(SHORT))
    notes: Mapped[str | None] = mapped_column(Text)
    notes_for: Mapped[str | None] = mapped_column(String(20))  # /2: staff | young_person


class FamilyHistoryEntry(Base):
    """The birth family's health. Who may see each entry travels with it."""

    __tablename__ = "family_history_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    relative: Mapped[str] = mapped_column(String(20))
    condition: Mapped[str] = mapped_column(String(SHORT))
    category: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    notes_for: Mapped[str | None] = mapped_column(String(20))  # /2: staff | young_person
    source: Mapped[str | None] = mapped_column(String(SHORT))
    recorded_on: Mapped[dt.date | None] = mapped_column(Date)
    consent_to_share_with_young_person: Mapped[bool | None] = mapped_column(Boolean)
    relevant_to_carer: Mapped[bool | None] = mapped_column(Boolean)
    # New in lac-health-record/2.
    consent_state: Mapped[str | None] = mapped_column(String(20))
    consent_on: Mapped[dt.date | None] = mapped_column(Date)
    consent_by: Mapped[str | None] = mapped_column(String(SHORT))


class HospitalEpisode(Base):
    """An admission, an operation or an A&E attendance (new in lac-health-record/2)."""

    __tablename__ = "hospital_episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    date: Mapped[dt.date] = mapped_column(Date)
    discharged_on: Mapped[dt.date | None] = mapped_column(Date)
    where: Mapped[str | None] = mapped_column(String(SHORT))
    why: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    notes_for: Mapped[str | None] = mapped_column(String(20))  # /2: staff | young_person


class HealthAdvice(Base):
    """Health advice given to the young person, by topic (new in lac-health-record/2)."""

    __tablename__ = "health_advice"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(40))
    date: Mapped[dt.date] = mapped_column(Date)
    by: Mapped[str | None] = mapped_column(String(SHORT))
    notes: Mapped[str | None] = mapped_column(Text)
    notes_for: Mapped[str | None] = mapped_column(String(20))  # /2: staff | young_person


class CorrectionRequest(Base):
    """A young person telling their nurse that something in their record is wrong, and the
    nurse's answer: accepted (the record is put right) or declined, with why."""

    __tablename__ = "correction_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_ref: Mapped[str] = mapped_column(String(64), index=True)
    record_version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_email: Mapped[str] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # open, then accepted (the record is put right) or declined (with the reason why not).
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    # The nurse's answer, which the young person reads; who answered and when.
    answer: Mapped[str | None] = mapped_column(Text)
    # For an accepted request, the part of the record it was about ("allergies").
    section: Mapped[str | None] = mapped_column(String(40))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(254))


class ActionCompletion(Base):
    """A health plan action marked done by the person who did it (a carer, say)."""

    __tablename__ = "action_completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_ref: Mapped[str] = mapped_column(String(64), index=True)
    record_version: Mapped[int] = mapped_column(Integer)  # the version the mark made
    assessment_id: Mapped[str] = mapped_column(String(64))
    action_index: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Text)
    done_by: Mapped[str] = mapped_column(String(254))
    done_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the same person undid the mark, the same day; None while it stands.
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

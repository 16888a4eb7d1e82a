"""The current view of a record: for one record, one audience and one day, what is current,
past, due, overdue and visible. Every output reads this and decides none of it again: the
documents, the on-screen pages of all three users, the link viewer's bundle (issue 15).

It holds facts, not words: dates are dates and choices are the format's own values, so each
output words them for its reader. Overdue is what the rules say (``passport.rules``); who must
act on each overdue item is said here once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from passport.records.audience import CARER, STAFF, YOUNG_PERSON, family_history_for
from passport.rules import check_record
from passport.rules.care_flags import SIGHT_TEST_MONTHS
from passport.rules.dates import add_months
from passport.rules.report import CheckReport, Flag

DENTAL_MONTHS = 12  # as DENTAL_CHECK_OVERDUE counts (docs/rules.md)

# Who must act on each kind of overdue flag, for the people who are told about it. A flag not
# listed here (the quality of an assessment, say) is the nurse's own work and only staff see it.
WHO_ACTS = {
    "IHA_MISSING": "nurse",
    "RHA_OVERDUE": "nurse",
    "DENTAL_CHECK_OVERDUE": "carer",
    "SIGHT_TEST_OVERDUE": "carer",
    "IMMUNISATIONS_INCOMPLETE": "gp",
    "INFO_REQUEST_OUTSTANDING": "nurse",
    "LEAVER_SUMMARY_DUE": "nurse",
    "UASC_SCREENING_INCOMPLETE": "gp",
    "ARRIVAL_SCREENING_INCOMPLETE": "gp",
    "GP_NOT_REGISTERED": "carer",
}
# The flags everyone who looks after the child is told about (the rest are staff work).
SHARED_FLAGS = frozenset(WHO_ACTS) | {"HEALTH_PLAN_ACTION_OVERDUE"}


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class Overdue:
    """One thing that should have happened by now: the rules' flag, and who is to act."""

    code: str
    due: date | None
    who: str  # nurse | carer | gp | young_person | social_worker | other
    message: str  # the rules' own message, for staff


@dataclass(frozen=True)
class Check:
    """The last dental check or sight test, and when the next is due."""

    kind: str  # dental | optical
    last: date | None
    next_due: date | None
    overdue: bool


@dataclass(frozen=True)
class DoseDue:
    """One dose still to give: from when, and whether that day has passed (the rules' missing
    doses, which IMMUNISATIONS_INCOMPLETE counts) or it is due soon."""

    vaccine: str
    dose: int
    due: date
    overdue: bool


@dataclass(frozen=True)
class OwnPart:
    """What the young person wrote themselves (format /2 `young_person_own`): never the
    nurse's fields. Appointments from today on are to come, soonest first; earlier ones are
    past, latest first; notes newest first."""

    preferred_name: str | None = None
    pronouns: str | None = None
    what_matters: str | None = None
    notes: list[Mapping[str, Any]] = field(default_factory=list)
    appointments_to_come: list[Mapping[str, Any]] = field(default_factory=list)
    appointments_past: list[Mapping[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.preferred_name
            or self.pronouns
            or self.what_matters
            or self.notes
            or self.appointments_to_come
            or self.appointments_past
        )


# Who reads the young person's own part: they and staff. A carer does not (their own notes
# are private to them).
OWN_PART_AUDIENCES = (YOUNG_PERSON, STAFF)


def _own_part(record: Mapping[str, Any], audience: str, as_of: date) -> OwnPart:
    own = record.get("young_person_own")
    if audience not in OWN_PART_AUDIENCES or not isinstance(own, Mapping):
        return OwnPart()

    def moment(a: Mapping[str, Any]) -> tuple[str, str]:
        return str(a["date"]), a.get("time") or ""

    appointments = sorted(own.get("appointments") or [], key=moment)
    to_come = [a for a in appointments if (_day(a["date"]) or as_of) >= as_of]
    return OwnPart(
        preferred_name=own.get("preferred_name") or None,
        pronouns=own.get("pronouns") or None,
        what_matters=own.get("what_matters") or None,
        notes=sorted(own.get("notes") or [], key=lambda n: str(n["written_on"]), reverse=True),
        appointments_to_come=to_come,
        appointments_past=[a for a in reversed(appointments) if a not in to_come],
    )


@dataclass(frozen=True)
class Upcoming:
    """Something coming up for the child, with its date: the next health review, a vaccine, a
    dental check or sight test, or an open plan action this audience may see."""

    kind: str  # review | vaccine | dental | optical | plan
    due: date | None  # due by (a vaccine: due from); None: no date, due now
    what: str | None = None  # the vaccine, or the plan action's words
    due_now: bool = False  # the day has come (or there is no date and it is overdue)
    booked_for: date | None = None  # a plan action booked for this day (format /2)
    booked: bool = False


@dataclass
class CurrentView:
    audience: str
    as_of: date
    report: CheckReport
    medicines_current: list[Mapping[str, Any]] = field(default_factory=list)
    medicines_past: list[Mapping[str, Any]] = field(default_factory=list)
    allergies_active: list[Mapping[str, Any]] = field(default_factory=list)
    allergies_past: list[Mapping[str, Any]] = field(default_factory=list)  # resolved, refuted
    conditions_active: list[Mapping[str, Any]] = field(default_factory=list)  # + suspected
    conditions_past: list[Mapping[str, Any]] = field(default_factory=list)  # resolved, ruled out
    immunisations_given: list[Mapping[str, Any]] = field(default_factory=list)
    immunisations_not_given: list[Mapping[str, Any]] = field(default_factory=list)
    screening_pending: list[Mapping[str, Any]] = field(default_factory=list)
    screening_done: list[Mapping[str, Any]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    hospital_episodes: list[Mapping[str, Any]] = field(default_factory=list)
    health_advice: list[Mapping[str, Any]] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)
    open_plan: list[Mapping[str, Any]] = field(default_factory=list)
    family_history: list[Mapping[str, Any]] = field(default_factory=list)
    last_assessment: Mapping[str, Any] | None = None
    # Who else has open plan actions this audience does not see ("your nurse"), in order.
    others_acting: list[str] = field(default_factory=list)
    # What the young person wrote themselves; empty for a carer.
    own_part: OwnPart = field(default_factory=OwnPart)

    def note(self, entry: Mapping[str, Any]) -> str | None:
        """An entry's `notes` if this audience may read them (`visible_note`)."""
        return visible_note(entry, self.audience)

    @property
    def upcoming(self) -> list[Upcoming]:
        """What is coming up, soonest first (what has no date is due now and comes first)."""
        items = []
        review = self.report.next_rha_due
        if review is not None:
            items.append(Upcoming("review", review, due_now=review <= self.as_of))
        for course in self.report.immunisations.courses():
            items.append(
                Upcoming(
                    "vaccine",
                    course.first_due,
                    course.vaccine,
                    due_now=course.first_due_now or course.first_due <= self.as_of,
                )
            )
        for check in self.checks:
            if check.next_due is not None or check.overdue:
                due_now = check.overdue or (
                    check.next_due is not None and check.next_due <= self.as_of
                )
                items.append(Upcoming(check.kind, check.next_due, due_now=due_now))
        for action in self.open_plan:
            due = _day(action.get("due"))
            items.append(
                Upcoming(
                    "plan",
                    due,
                    str(action["action"]),
                    due_now=due is not None and due <= self.as_of,
                    booked_for=_day(action.get("booked_for")),
                    booked=action.get("booked_on") is not None,
                )
            )
        # Undated and not yet due (a plan action with no date) goes last.
        return sorted(items, key=lambda i: (i.due is None and not i.due_now, i.due or date.min))

    @property
    def vaccines_due(self) -> list[str]:
        """The vaccines still to give (each once), in the order they fall due."""
        return [course.vaccine for course in self.report.immunisations.courses()]

    @property
    def doses_due(self) -> list[DoseDue]:
        """Each dose still to give, vaccine by vaccine in the order of `vaccines_due`."""
        status = self.report.immunisations
        missing = {(item.vaccine, item.dose) for item in status.missing}
        return [
            DoseDue(course.vaccine, dose, due, (course.vaccine, dose) in missing)
            for course in status.courses()
            for dose, due in course.doses
        ]


def visible_note(entry: Mapping[str, Any], audience: str) -> str | None:
    """An entry's notes, for whom they were written (format /2 `notes_for`): the young person
    reads a note only when it says it is for them; no value means staff, so older notes stay
    with staff. A carer's documents decide their own notes (the carer sheet)."""
    notes = entry.get("notes") or None
    if audience == YOUNG_PERSON and entry.get("notes_for") != "young_person":
        return None
    return notes


def _is_current_medicine(medicine: Mapping[str, Any], as_of: date) -> bool:
    stopped = _day(medicine.get("stopped"))
    return stopped is None or stopped > as_of


# A plan action is written by staff for staff: the young person sees only their own, a carer
# only theirs; staff see every open action.
OWN_ACTIONS = {YOUNG_PERSON: "young_person", CARER: "carer"}


def _may_see_action(action: Mapping[str, Any], audience: str) -> bool:
    return audience == STAFF or action["owner"] == OWN_ACTIONS.get(audience)


def _overdue(flags: Sequence[Flag], audience: str, as_of: date) -> list[Overdue]:
    out = []
    for flag in flags:
        if audience != STAFF and flag.code not in SHARED_FLAGS:
            continue
        if (
            audience != STAFF
            and flag.code == "HEALTH_PLAN_ACTION_OVERDUE"
            and flag.extra.get("owner") != OWN_ACTIONS.get(audience)
        ):
            continue
        due = flag.extra.get("due")
        if due is not None and due > as_of:
            continue
        who = WHO_ACTS.get(flag.code) or str(flag.extra.get("owner") or "nurse")
        out.append(Overdue(flag.code, due, who, flag.message))
    return out


def _checks(record: Mapping[str, Any], flags: Sequence[Flag], as_of: date) -> list[Check]:
    flagged = {f.code for f in flags}
    out = []
    for kind, key, months, code in (
        ("dental", "dental_checks", DENTAL_MONTHS, "DENTAL_CHECK_OVERDUE"),
        ("optical", "optical_checks", SIGHT_TEST_MONTHS, "SIGHT_TEST_OVERDUE"),
    ):
        done = [d for d in (_day(v) for v in record.get(key) or ()) if d and d <= as_of]
        last = max(done, default=None)
        out.append(Check(kind, last, add_months(last, months) if last else None, code in flagged))
    return out


def current_view(
    record: Mapping[str, Any],
    audience: str,
    as_of: date,
    *,
    leaver_summary_issued_on: date | None = None,
) -> CurrentView:
    """The one current view of `record` (exchange-format JSON) for `audience` on `as_of`."""
    report = check_record(record, as_of, leaver_summary_issued_on=leaver_summary_issued_on)
    view = CurrentView(audience=audience, as_of=as_of, report=report)

    medicines = record.get("medications") or []
    view.medicines_current = [m for m in medicines if _is_current_medicine(m, as_of)]
    view.medicines_past = sorted(
        (m for m in medicines if not _is_current_medicine(m, as_of)),
        key=lambda m: m.get("stopped") or "",
        reverse=True,
    )

    allergies = record.get("allergies") or []
    view.allergies_active = [a for a in allergies if a.get("status", "active") == "active"]
    view.allergies_past = [a for a in allergies if a.get("status", "active") != "active"]

    conditions = record.get("conditions") or []
    view.conditions_active = [c for c in conditions if c["status"] in ("active", "suspected")]
    view.conditions_past = [c for c in conditions if c["status"] in ("resolved", "ruled_out")]

    immunisations = sorted(record.get("immunisations") or [], key=lambda i: i["date"])
    view.immunisations_given = [i for i in immunisations if i.get("status", "given") == "given"]
    view.immunisations_not_given = [i for i in immunisations if i.get("status", "given") != "given"]

    screening = record.get("screening") or []
    view.screening_pending = [s for s in screening if s["result"] == "pending"]
    view.screening_done = [s for s in screening if s["result"] != "pending"]

    view.checks = _checks(record, report.flags, as_of)
    view.hospital_episodes = sorted(
        record.get("hospital_episodes") or [], key=lambda e: e["date"], reverse=True
    )
    view.health_advice = sorted(
        record.get("health_advice") or [], key=lambda a: a["date"], reverse=True
    )
    view.overdue = _overdue(report.flags, audience, as_of)
    view.open_plan = [
        {"assessment_id": a["id"], "index": index, **action}
        for a in record.get("assessments") or []
        for index, action in enumerate(a.get("health_plan") or [])
        if action["status"] == "open" and _may_see_action(action, audience)
    ]
    view.others_acting = list(
        dict.fromkeys(
            action["owner"]
            for a in record.get("assessments") or []
            for action in a.get("health_plan") or []
            if action["status"] == "open" and not _may_see_action(action, audience)
        )
    )
    view.family_history = list(family_history_for(record, audience))
    assessments = sorted(record.get("assessments") or [], key=lambda a: a["date"])
    view.last_assessment = assessments[-1] if assessments else None
    view.own_part = _own_part(record, audience, as_of)
    return view

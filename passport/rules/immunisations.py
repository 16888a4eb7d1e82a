"""Which routine immunisations a child is missing, and which fall due in the next 8 weeks.

The schedule itself is data: ``schedule.json`` in this package, one row per dose of the UK
routine schedule for each birth cohort from 2001 (every cohort a care leaver can belong to),
each row citing its source. It is read once
per process (``load_schedule`` is cached; the model and the reading are in ``schedule``). This
module applies it to one record.

How a record is read (UKHSA, "Vaccination of individuals with uncertain or incomplete
immunisation status", from 1 July 2025, general principles):

* A dose without a record counts as not given.
* Catch-up is a plan from now, not debts from infancy. When the history is uncertain or
  incomplete (``immunisation_history_status`` "unknown" or "partial", or no status and no
  recorded dose: ``catch_up_start``), no missing dose is due before the catch-up start
  (``child.arrived_in_uk`` when the record has it, else ``child.entered_care``); each later
  dose of a course follows the one before by its least interval; a dose due on the day of the
  check is already missing ("due now"); ``ImmunisationStatus.courses()`` groups them as a plan
  ("3 doses of Td/IPV, at least 4 weeks apart"). Such a status is never ``up_to_date``.
* Under the 10th birthday a missing 5-in-1 dose is given (and named) as the 6-in-1, whatever
  the birth cohort, once the 6-in-1 was in use (1 August 2017).
* A dose given on or after a row's ``not_after_age`` does not count for that row: a PCV given
  at 13 months is the dose after the first birthday, so it completes the course of a child
  who starts catch-up between 1 and 2.
* Resume, never restart. Recorded doses are counted per family of antigens, in date order, so
  a 5-in-1 dose counts towards a 6-in-1 course, Hib/MenC counts as a Hib-containing dose and MMR
  counts towards MMRV's measles doses. The ``dose`` number on a record is ignored (it is often
  missing); the same vaccine recorded twice on the same date counts once; doses after ``as_of``
  are ignored.
* Age-based catch-up: a dose is not listed once the child is too old for it to be offered
  (PCV and MenB from the 2nd birthday, Hib from the 10th, HPV and MenACWY from the 25th) and
  rotavirus is never caught up after its age limits (first dose before 15 weeks, second before
  24 weeks). From the 10th birthday missing diphtheria/tetanus/polio doses are Td/IPV, and a
  child with fewer than three such doses is due MenACWY at once. So a 15-year-old with no
  record is missing Td/IPV doses 1-3, MMR doses 1-2, HPV and MenACWY.
* Boosters wait for the course: a dose whose least interval after the previous one is more than
  8 weeks (pre-school booster, teenage booster, HPV dose 2 in the two-dose era) is only listed
  once the previous dose is recorded. Doses of a course (4 weeks apart) are all listed.

What is reported:

* ``missing``: doses whose due date has passed (for school-year vaccines: whose school year
  has ended). ``due_since`` is when the dose first fell due: the scheduled age, or later when
  the previous dose was late and the interval pushes it back.
* ``due_soon``: doses due within the next 8 weeks (``as_of`` to ``as_of`` + 56 days
  inclusive), plus school-year vaccines whose school year is under way and not yet over (their
  ``due_on`` may then be in the past: it is when the offer opened).
* The selective MMRV catch-up (born 1 January 2020 to 31 August 2022, 1 November 2026 to
  31 March 2028) is listed in ``due_soon`` while it runs, unless the record's conditions name
  chickenpox (or varicella) or an MMRV is recorded; it is an offer, never "missing".
* A dose not given (``status`` ``declined`` or ``contraindicated``, format /2; ``date`` is the
  day of the decision) never counts as given. It is a decision, not a gap: that dose and the
  later doses of the same family (or every dose of the family, when the decision names no dose
  number) are neither ``missing`` nor ``due_soon``, until a dose of the family is given after
  the decision (then the decision is over and the course resumes). ``not_given`` lists them.
* Flu (seasonal) and selective vaccines (BCG, hepatitis B for babies at risk, COVID-19) are
  never listed (BCG for new entrants is a flag of its own: ``screening``). See
  ``simplifications`` in ``schedule.json`` for what else is left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .dates import age_date, parse_date
from .schedule import FOUR_WEEKS, Age, Family, Schedule, ScheduledDose, load_schedule

__all__ = [
    "DUE_SOON_WINDOW",
    "Age",
    "Course",
    "DueDose",
    "Family",
    "ImmunisationStatus",
    "MissingDose",
    "NotGiven",
    "Schedule",
    "ScheduledDose",
    "assess_immunisations",
    "catch_up_start",
    "load_schedule",
]

DUE_SOON_WINDOW = timedelta(weeks=8)
_DTAP_FAMILY = "dtap_ipv"
_DTAP_PRIMARY_DOSES = 3
_UNCERTAIN = frozenset({"unknown", "partial"})


def _plan_json(catch_up: bool, after_previous: Age | None) -> dict[str, Any]:
    """Extra keys for a catch-up dose only, so a known history's JSON keeps its shape."""
    if not catch_up:
        return {}
    body: dict[str, Any] = {"catch_up": True}
    if after_previous is not None:
        body["at_least_after_previous"] = after_previous.words()
    return body


@dataclass(frozen=True, slots=True)
class MissingDose:
    """A dose whose due date has passed. For a catch-up (``catch_up``: the history is
    uncertain or incomplete) ``due_since`` is never before the catch-up start, and a dose due
    on the day of the check is already missing ("due now")."""

    vaccine: str
    dose: int
    due_since: date
    catch_up: bool = False
    after_previous: Age | None = None  # least interval after the dose before, in a course
    booster: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "vaccine": self.vaccine,
            "dose": self.dose,
            "due_since": self.due_since.isoformat(),
            **_plan_json(self.catch_up, self.after_previous),
        }


@dataclass(frozen=True, slots=True)
class DueDose:
    vaccine: str
    dose: int
    due_on: date
    catch_up: bool = False
    after_previous: Age | None = None
    booster: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "vaccine": self.vaccine,
            "dose": self.dose,
            "due_on": self.due_on.isoformat(),
            **_plan_json(self.catch_up, self.after_previous),
        }


@dataclass(frozen=True, slots=True)
class Course:
    """Doses of one vaccine still to give, in order: what a plan says in one line
    ("3 doses of Td/IPV, at least 4 weeks apart")."""

    vaccine: str
    doses: tuple[tuple[int, date], ...]  # (dose number, due from)
    interval: Age | None  # least gap between them, when more than one
    catch_up: bool
    booster: bool
    first_due_now: bool  # the first of them is already due on the check day

    @property
    def count(self) -> int:
        return len(self.doses)

    @property
    def first_due(self) -> date:
        return self.doses[0][1]


@dataclass(frozen=True, slots=True)
class NotGiven:
    """A decision that a dose is not given: declined or contraindicated, why and by whom."""

    vaccine: str
    dose: int | None
    decided_on: date
    status: str  # declined | contraindicated
    reason: str | None = None
    by: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "vaccine": self.vaccine,
            "decided_on": self.decided_on.isoformat(),
            "status": self.status,
        }
        if self.dose is not None:
            body["dose"] = self.dose
        return body


NOT_GIVEN_STATUSES = frozenset({"declined", "contraindicated"})


def is_given(entry: Mapping[str, Any]) -> bool:
    """A recorded dose counts as given unless it says it was not (no status: given)."""
    return entry.get("status") not in NOT_GIVEN_STATUSES


@dataclass(frozen=True, slots=True)
class ImmunisationStatus:
    missing: list[MissingDose] = field(default_factory=list)
    due_soon: list[DueDose] = field(default_factory=list)
    not_given: list[NotGiven] = field(default_factory=list)
    history: str | None = None  # immunisation_history_status as recorded
    catch_up_from: date | None = None  # set when the history is uncertain or incomplete
    as_of: date | None = None

    @property
    def uncertain(self) -> bool:
        """The history is unknown or incomplete: nothing may be called up to date."""
        return self.catch_up_from is not None

    @property
    def up_to_date(self) -> bool:
        """True only for a known history with no dose missing."""
        return not self.missing and not self.uncertain

    def courses(self) -> list[Course]:
        """Missing and soon-due doses grouped by vaccine, first due first."""
        grouped: dict[str, list[MissingDose | DueDose]] = {}
        every: list[MissingDose | DueDose] = [*self.missing, *self.due_soon]
        for item in every:
            grouped.setdefault(item.vaccine, []).append(item)
        courses = []
        for vaccine, items in grouped.items():
            items.sort(key=lambda item: (_due(item), item.dose))
            later = [item.after_previous for item in items[1:] if item.after_previous]
            courses.append(
                Course(
                    vaccine=vaccine,
                    doses=tuple((item.dose, _due(item)) for item in items),
                    interval=later[0] if later else None,
                    catch_up=any(item.catch_up for item in items),
                    booster=all(item.booster for item in items),
                    first_due_now=isinstance(items[0], MissingDose),
                )
            )
        courses.sort(key=lambda course: course.first_due)
        return courses

    def to_json(self) -> dict[str, Any]:
        body = {
            "missing": [item.to_json() for item in self.missing],
            "due_soon": [item.to_json() for item in self.due_soon],
        }
        if self.not_given:
            body["not_given"] = [item.to_json() for item in self.not_given]
        return body


def _due(item: MissingDose | DueDose) -> date:
    return item.due_since if isinstance(item, MissingDose) else item.due_on


def _recorded_doses(
    immunisations: Sequence[Mapping[str, Any]], as_of: date, schedule: Schedule
) -> dict[str, list[date]]:
    """Dates of recorded doses per family, sorted; duplicates and later doses dropped."""
    seen: set[tuple[str, date]] = set()
    by_family: dict[str, list[date]] = {}
    for entry in immunisations:
        vaccine = schedule.canonical_name(entry["vaccine"])
        if vaccine is None or not is_given(entry):
            continue
        given_on = parse_date(entry["date"])
        if given_on is None or given_on > as_of or (vaccine, given_on) in seen:
            continue
        seen.add((vaccine, given_on))
        for family in schedule.families_of.get(vaccine, ()):
            by_family.setdefault(family, []).append(given_on)
    for dates in by_family.values():
        dates.sort()
    return by_family


def _decisions(immunisations: Sequence[Mapping[str, Any]], as_of: date) -> list[NotGiven]:
    """The doses recorded as not given (declined or contraindicated) by ``as_of``, oldest first."""
    found = []
    for entry in immunisations:
        decided_on = parse_date(entry.get("date"))
        if is_given(entry) or decided_on is None or decided_on > as_of:
            continue
        found.append(
            NotGiven(
                vaccine=str(entry["vaccine"]),
                dose=entry.get("dose"),
                decided_on=decided_on,
                status=str(entry["status"]),
                reason=entry.get("status_reason"),
                by=entry.get("status_by"),
            )
        )
    found.sort(key=lambda item: item.decided_on)
    return found


def _decided_against(
    family: str,
    dose: int,
    given: Sequence[date],
    decisions: Sequence[NotGiven],
    schedule: Schedule,
) -> bool:
    """True when a standing decision covers this dose of this family (see the module)."""
    for decision in decisions:
        vaccine = schedule.canonical_name(decision.vaccine)
        if vaccine is None or family not in schedule.families_of.get(vaccine, ()):
            continue
        if any(given_on > decision.decided_on for given_on in given):
            continue  # a dose given since: the decision is over
        if decision.dose is None or dose >= decision.dose:
            return True
    return False


def _match(
    rows: Sequence[ScheduledDose], given: Sequence[date], date_of_birth: date
) -> list[date | None]:
    """Recorded doses assigned to scheduled doses in date order (resume, never restart)."""
    filled: list[date | None] = []
    position = 0
    for row in rows:
        if row.valid_from_age is not None:
            earliest = row.valid_from_age.reached(date_of_birth)
            while position < len(given) and given[position] < earliest:
                position += 1
        if (
            row.not_after_age is not None
            and position < len(given)
            and given[position] >= row.not_after_age.reached(date_of_birth)
        ):
            filled.append(None)  # too late for this dose: it counts for a later one
            continue
        if position < len(given):
            filled.append(given[position])
            position += 1
        else:
            filled.append(None)
    return filled


def _infant_catch_up_rows(
    family: Family,
    rows: list[ScheduledDose],
    given: Sequence[date],
    date_of_birth: date,
    as_of: date,
) -> list[ScheduledDose]:
    """MenB from the first to the second birthday after too few infant doses (see module)."""
    if family.infant_catch_up_below is None or not rows:
        return rows
    first_birthday = age_date(date_of_birth, years=1)
    not_after = family.infant_catch_up_not_after
    if as_of < first_birthday or (not_after and as_of >= not_after.reached(date_of_birth)):
        return rows
    infant_doses = sum(1 for given_on in given if given_on < first_birthday)
    if infant_doses >= family.infant_catch_up_below:
        return rows
    template = rows[-1]
    one_year = Age(years=1)
    return [
        ScheduledDose(
            family=family.name,
            dose=infant_doses + number,
            vaccine=template.vaccine,
            age=one_year,
            school_year=None,
            born_from=None,
            born_before=None,
            valid_from_age=one_year,
            interval=family.infant_catch_up_interval if number > 1 else FOUR_WEEKS,
            give_before_age=None,
            not_after_age=not_after,
            requires_previous=False,
            requires_course=None,
            not_for_sex=frozenset(),
            checked_from=None,
            checked_before=None,
            catch_up_from_age=None,
            sources=template.sources,
        )
        for number in range(1, family.infant_catch_up_doses + 1)
    ]


@dataclass(frozen=True, slots=True)
class _Child:
    """What every dose of one assessment needs to know about the child and the day."""

    date_of_birth: date
    as_of: date
    recorded: Mapping[str, Sequence[date]]
    tenth_birthday: date
    dtap_doses: int
    catch_up_from: date | None
    conditions: str


def _not_offered(row: ScheduledDose, child: _Child) -> bool:
    """True when the dose is not (or no longer) offered to this child today."""
    born, as_of = child.date_of_birth, child.as_of
    if row.not_after_age and as_of >= row.not_after_age.reached(born):
        return True
    if row.give_before_age and as_of >= row.give_before_age.reached(born):
        return True
    if row.requires_course:
        course_family, course_doses = row.requires_course
        if len(child.recorded.get(course_family, ())) < course_doses:
            return True
    return bool(row.unless_condition) and any(
        word in child.conditions for word in row.unless_condition
    )


def _first_due(row: ScheduledDose, child: _Child) -> tuple[date, date]:
    """(due, last day of its window) on the schedule, moved for catch-up."""
    due, window_end = row.routine_window(child.date_of_birth)
    if (
        row.catch_up_from_age
        and child.dtap_doses < _DTAP_PRIMARY_DOSES
        and child.as_of >= row.catch_up_from_age.reached(child.date_of_birth)
    ):
        due = window_end = min(due, row.catch_up_from_age.reached(child.date_of_birth))
    if child.catch_up_from is not None and due < child.catch_up_from:
        # A plan from when the history was found wanting, not a debt from infancy.
        due = child.catch_up_from
    return due, window_end


def _family_doses(
    family: Family,
    rows: Sequence[ScheduledDose],
    given: Sequence[date],
    child: _Child,
    order_base: int,
) -> Iterator[tuple[bool, date, int, MissingDose]]:
    """(missing?, due, order, dose) for each dose of one family the child still needs."""
    filled = _match(rows, given, child.date_of_birth)
    adult_vaccine = (
        family.from_tenth_birthday_vaccine if child.as_of >= child.tenth_birthday else None
    )
    # The due date of the dose before, given or still owed: a later dose of a course can never
    # fall due before the one it follows (resume, never restart; 4 weeks apart).
    last_due: date | None = None
    for index, row in enumerate(rows):
        if filled[index] is not None:
            last_due = filled[index]
            continue
        if _not_offered(row, child):
            continue
        due, window_end = _first_due(row, child)
        interval = row.interval
        previous = filled[index - 1] if index else None
        if index and previous is None:
            if row.requires_previous or not interval.is_course_interval:
                continue
        elif previous is not None:
            booster_interval = family.from_tenth_birthday_booster_interval
            if (
                booster_interval
                and not interval.is_course_interval
                and previous >= child.tenth_birthday
            ):
                interval = booster_interval
            due = max(due, interval.after(previous))
        last_due_before = last_due if index and previous is None else None
        if last_due_before is not None:
            due = max(due, interval.after(last_due_before))
        limit = row.give_before_age.reached(child.date_of_birth) if row.give_before_age else None
        if limit and due >= limit:
            continue
        last_due = due
        window_end = max(window_end, due)
        catch_up = child.catch_up_from is not None
        after_previous = (
            interval
            if index
            and interval.is_course_interval
            and (previous is not None or last_due_before is not None)
            else None
        )
        vaccine = adult_vaccine or family.vaccine_now(row.vaccine, child.date_of_birth, child.as_of)
        dose = MissingDose(vaccine, row.dose, due, catch_up, after_previous, row.is_booster)
        due_now = catch_up and row.age is not None and due <= child.as_of
        yield child.as_of > window_end or due_now, due, order_base + row.dose, dose


def _due_dose(dose: MissingDose) -> DueDose:
    """The same dose as one still to come (its ``due_since`` is the ``due_on``)."""
    return DueDose(
        dose.vaccine,
        dose.dose,
        dose.due_since,
        dose.catch_up,
        dose.after_previous,
        dose.booster,
    )


def assess_immunisations(
    record: Mapping[str, Any], as_of: date, schedule: Schedule | None = None
) -> ImmunisationStatus:
    """Missing and soon-due routine doses for one record (exchange format) on ``as_of``."""
    schedule = schedule or load_schedule()
    child_data = record["child"]
    date_of_birth = parse_date(child_data["date_of_birth"])
    assert date_of_birth is not None
    entries = record.get("immunisations") or ()
    recorded = _recorded_doses(entries, as_of, schedule)
    decisions = _decisions(entries, as_of)
    catch_up_from = catch_up_start(record)
    child = _Child(
        date_of_birth=date_of_birth,
        as_of=as_of,
        recorded=recorded,
        tenth_birthday=age_date(date_of_birth, years=10),
        dtap_doses=len(recorded.get(_DTAP_FAMILY, ())),
        catch_up_from=catch_up_from,
        conditions=" ".join(
            str(entry.get("name", "")) for entry in record.get("conditions") or ()
        ).casefold(),
    )
    soon_limit = as_of + DUE_SOON_WINDOW
    missing: list[tuple[date, int, MissingDose]] = []
    due_soon: list[tuple[date, int, DueDose]] = []
    family_order = {name: index for index, name in enumerate(schedule.families)}

    for family_name, rows in schedule.doses_for(
        date_of_birth, child_data.get("sex_at_birth"), as_of
    ).items():
        family = schedule.families[family_name]
        given = recorded.get(family_name, [])
        rows = _infant_catch_up_rows(family, rows, given, date_of_birth, as_of)
        for is_missing, due, order, dose in _family_doses(
            family, rows, given, child, family_order[family_name] * 100
        ):
            if _decided_against(family_name, dose.dose, given, decisions, schedule):
                continue
            if is_missing:
                missing.append((due, order, dose))
            elif due <= soon_limit:
                due_soon.append((due, order, _due_dose(dose)))

    missing.sort(key=lambda item: item[:2])
    due_soon.sort(key=lambda item: item[:2])
    return ImmunisationStatus(
        missing=[item[2] for item in missing],
        due_soon=[item[2] for item in due_soon],
        not_given=decisions,
        history=record.get("immunisation_history_status"),
        catch_up_from=catch_up_from,
        as_of=as_of,
    )


def catch_up_start(record: Mapping[str, Any]) -> date | None:
    """When the catch-up plan starts, or None for a known history.

    The history is uncertain or incomplete when ``immunisation_history_status`` is
    ``unknown`` or ``partial``, or when it is not given and no dose is recorded (UKHSA: a
    dose without a record counts as not given). The plan then starts when the child arrived
    in the UK (``child.arrived_in_uk``, a field of format /2, read when present), else when
    the child came into care (``child.entered_care``). A dose recorded as not given is not a
    recorded dose.
    """
    status = record.get("immunisation_history_status")
    given = [entry for entry in record.get("immunisations") or () if is_given(entry)]
    if status not in _UNCERTAIN and not (status is None and not given):
        return None
    child = record["child"]
    return parse_date(child.get("arrived_in_uk")) or parse_date(child["entered_care"])

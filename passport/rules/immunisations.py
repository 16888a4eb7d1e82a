"""Which routine immunisations a child is missing, and which fall due in the next 8 weeks.

The schedule itself is data: ``schedule.json`` in this package, one row per dose of the UK
routine schedule for each birth cohort from 2005, each row citing its source. It is read once
per process (``load_schedule`` is cached). This module applies it to one record.

How a record is read (UKHSA, "Vaccination of individuals with uncertain or incomplete
immunisation status", from 1 July 2025, general principles):

* A dose without a record counts as not given. ``immunisation_history_status`` does not change
  the arithmetic: "unknown" simply means there are no records, so everything due is missing.
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
* Flu (seasonal) and selective vaccines (BCG, hepatitis B for babies at risk, COVID-19) are
  never listed. See ``simplifications`` in ``schedule.json`` for what else is left out.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

from .dates import add_months, age_date, parse_date, school_year_end, school_year_start

__all__ = [
    "DUE_SOON_WINDOW",
    "DueDose",
    "ImmunisationStatus",
    "MissingDose",
    "Schedule",
    "assess_immunisations",
    "load_schedule",
]

DUE_SOON_WINDOW = timedelta(weeks=8)
_COURSE_INTERVAL = timedelta(weeks=8)
_DTAP_FAMILY = "dtap_ipv"
_DTAP_PRIMARY_DOSES = 3


@dataclass(frozen=True, slots=True)
class Age:
    """An age or interval as the schedule states it (years, months, weeks, days)."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @classmethod
    def parse(cls, value: Mapping[str, int] | None) -> Age | None:
        if value is None:
            return None
        return cls(**{key: int(value[key]) for key in ("years", "months", "weeks", "days")
                      if key in value})

    def reached(self, date_of_birth: date) -> date:
        """The day a child born on ``date_of_birth`` reaches this age."""
        return age_date(date_of_birth, years=self.years, months=self.months,
                        weeks=self.weeks, days=self.days)

    def after(self, day: date) -> date:
        """``day`` plus this interval."""
        return add_months(day, self.years * 12 + self.months) + timedelta(
            weeks=self.weeks, days=self.days)

    @property
    def is_course_interval(self) -> bool:
        """Short enough (8 weeks or less) to be part of one catch-up course."""
        return (not self.years and not self.months
                and timedelta(weeks=self.weeks, days=self.days) <= _COURSE_INTERVAL)


_FOUR_WEEKS = Age(weeks=4)


@dataclass(frozen=True, slots=True)
class ScheduledDose:
    """One row of ``schedule.json``: one dose of the routine schedule for a birth cohort."""

    family: str
    dose: int
    vaccine: str
    age: Age | None
    school_year: int | None
    born_from: date | None
    born_before: date | None
    valid_from_age: Age | None
    interval: Age
    give_before_age: Age | None
    not_after_age: Age | None
    requires_previous: bool
    requires_course: tuple[str, int] | None
    not_for_sex: frozenset[str]
    checked_from: date | None
    checked_before: date | None
    catch_up_from_age: Age | None
    sources: tuple[str, ...]

    @classmethod
    def parse(cls, row: Mapping[str, Any]) -> ScheduledDose:
        age = row["age"]
        course = row.get("requires_course")
        return cls(
            family=row["family"],
            dose=int(row["dose"]),
            vaccine=row["vaccine"],
            age=None if "school_year" in age else Age.parse(age),
            school_year=age.get("school_year"),
            born_from=parse_date(row.get("born_from")),
            born_before=parse_date(row.get("born_before")),
            valid_from_age=Age.parse(row.get("valid_from_age")),
            interval=Age.parse(row.get("interval")) or _FOUR_WEEKS,
            give_before_age=Age.parse(row.get("give_before_age")),
            not_after_age=Age.parse(row.get("not_after_age")),
            requires_previous=bool(row.get("requires_previous", False)),
            requires_course=(course["family"], int(course["doses"])) if course else None,
            not_for_sex=frozenset(row.get("not_for_sex", ())),
            checked_from=parse_date(row.get("checked_from")),
            checked_before=parse_date(row.get("checked_before")),
            catch_up_from_age=Age.parse(row.get("catch_up_from_age")),
            sources=tuple(row.get("source", ())),
        )

    def applies_to(self, date_of_birth: date, sex: str | None, as_of: date) -> bool:
        return (
            (self.born_from is None or date_of_birth >= self.born_from)
            and (self.born_before is None or date_of_birth < self.born_before)
            and (sex not in self.not_for_sex)
            and (self.checked_from is None or as_of >= self.checked_from)
            and (self.checked_before is None or as_of < self.checked_before)
        )

    def routine_window(self, date_of_birth: date) -> tuple[date, date]:
        """(due from, last day before it counts as missing) on the routine schedule."""
        if self.school_year is not None:
            return (school_year_start(date_of_birth, self.school_year),
                    school_year_end(date_of_birth, self.school_year))
        assert self.age is not None
        due = self.age.reached(date_of_birth)
        return due, due


@dataclass(frozen=True, slots=True)
class Family:
    """Doses that protect against the same diseases, and the vaccine names that count."""

    name: str
    title: str
    counts: frozenset[str]
    from_tenth_birthday_vaccine: str | None = None
    from_tenth_birthday_booster_interval: Age | None = None
    infant_catch_up_below: int | None = None
    infant_catch_up_doses: int = 0
    infant_catch_up_interval: Age = _FOUR_WEEKS
    infant_catch_up_not_after: Age | None = None

    @classmethod
    def parse(cls, name: str, data: Mapping[str, Any]) -> Family:
        adult = data.get("from_tenth_birthday") or {}
        catch_up = data.get("catch_up_after_first_birthday") or {}
        return cls(
            name=name,
            title=data["title"],
            counts=frozenset(data["counts"]),
            from_tenth_birthday_vaccine=adult.get("vaccine"),
            from_tenth_birthday_booster_interval=Age.parse(adult.get("booster_interval")),
            infant_catch_up_below=catch_up.get("when_fewer_infant_doses_than"),
            infant_catch_up_doses=int(catch_up.get("doses", 0)),
            infant_catch_up_interval=Age.parse(catch_up.get("interval")) or _FOUR_WEEKS,
            infant_catch_up_not_after=Age.parse(catch_up.get("not_after_age")),
        )


@dataclass(frozen=True)
class Schedule:
    """The parsed ``schedule.json``."""

    families: Mapping[str, Family]
    doses: tuple[ScheduledDose, ...]
    sources: Mapping[str, Mapping[str, str]]
    canonical_names: Mapping[str, str]
    families_of: Mapping[str, tuple[str, ...]]
    never_missing: frozenset[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Schedule:
        families = {name: Family.parse(name, body) for name, body in data["families"].items()}
        doses = tuple(ScheduledDose.parse(row) for row in data["doses"])
        families_of: dict[str, list[str]] = {}
        for family in families.values():
            for vaccine in family.counts:
                families_of.setdefault(vaccine, []).append(family.name)
        names = data["recorded_names"]
        canonical = {vaccine.casefold(): vaccine for vaccine in families_of}
        canonical.update({vaccine.casefold(): vaccine for vaccine in names["never_missing"]})
        for alias, vaccine in names["aliases"].items():
            canonical[alias.casefold()] = vaccine
        unknown = {row.family for row in doses} - families.keys()
        if unknown:
            raise ValueError(f"schedule.json: doses name unknown families {sorted(unknown)}")
        return cls(
            families=families,
            doses=doses,
            sources=data["sources"],
            canonical_names=canonical,
            families_of={vaccine: tuple(names_) for vaccine, names_ in families_of.items()},
            never_missing=frozenset(names["never_missing"]),
        )

    def canonical_name(self, recorded: str) -> str | None:
        """The schedule's short name for a recorded vaccine name, or None if not known."""
        return self.canonical_names.get(recorded.strip().casefold())

    def doses_for(self, date_of_birth: date, sex: str | None, as_of: date
                  ) -> dict[str, list[ScheduledDose]]:
        """The routine doses for this child, by family, in schedule order."""
        by_family: dict[str, list[ScheduledDose]] = {}
        for row in self.doses:
            if row.applies_to(date_of_birth, sex, as_of):
                by_family.setdefault(row.family, []).append(row)
        return by_family


@functools.cache
def load_schedule() -> Schedule:
    """The packaged schedule, read and parsed once per process."""
    text = resources.files(__package__).joinpath("schedule.json").read_text(encoding="utf-8")
    return Schedule.from_json(json.loads(text))


@dataclass(frozen=True, slots=True)
class MissingDose:
    vaccine: str
    dose: int
    due_since: date

    def to_json(self) -> dict[str, Any]:
        return {"vaccine": self.vaccine, "dose": self.dose, "due_since": self.due_since.isoformat()}


@dataclass(frozen=True, slots=True)
class DueDose:
    vaccine: str
    dose: int
    due_on: date

    def to_json(self) -> dict[str, Any]:
        return {"vaccine": self.vaccine, "dose": self.dose, "due_on": self.due_on.isoformat()}


@dataclass(frozen=True, slots=True)
class ImmunisationStatus:
    missing: list[MissingDose] = field(default_factory=list)
    due_soon: list[DueDose] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"missing": [item.to_json() for item in self.missing],
                "due_soon": [item.to_json() for item in self.due_soon]}


def _recorded_doses(immunisations: Sequence[Mapping[str, Any]], as_of: date,
                    schedule: Schedule) -> dict[str, list[date]]:
    """Dates of recorded doses per family, sorted; duplicates and later doses dropped."""
    seen: set[tuple[str, date]] = set()
    by_family: dict[str, list[date]] = {}
    for entry in immunisations:
        vaccine = schedule.canonical_name(entry["vaccine"])
        if vaccine is None:
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


def _match(rows: Sequence[ScheduledDose], given: Sequence[date], date_of_birth: date
           ) -> list[date | None]:
    """Recorded doses assigned to scheduled doses in date order (resume, never restart)."""
    filled: list[date | None] = []
    position = 0
    for row in rows:
        if row.valid_from_age is not None:
            earliest = row.valid_from_age.reached(date_of_birth)
            while position < len(given) and given[position] < earliest:
                position += 1
        if position < len(given):
            filled.append(given[position])
            position += 1
        else:
            filled.append(None)
    return filled


def _infant_catch_up_rows(family: Family, rows: list[ScheduledDose], given: Sequence[date],
                          date_of_birth: date, as_of: date) -> list[ScheduledDose]:
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
            family=family.name, dose=infant_doses + number, vaccine=template.vaccine,
            age=one_year, school_year=None, born_from=None, born_before=None,
            valid_from_age=one_year,
            interval=family.infant_catch_up_interval if number > 1 else _FOUR_WEEKS,
            give_before_age=None, not_after_age=not_after, requires_previous=False,
            requires_course=None, not_for_sex=frozenset(), checked_from=None,
            checked_before=None, catch_up_from_age=None, sources=template.sources,
        )
        for number in range(1, family.infant_catch_up_doses + 1)
    ]


def assess_immunisations(record: Mapping[str, Any], as_of: date,
                         schedule: Schedule | None = None) -> ImmunisationStatus:
    """Missing and soon-due routine doses for one record (exchange format) on ``as_of``."""
    schedule = schedule or load_schedule()
    child = record["child"]
    date_of_birth = parse_date(child["date_of_birth"])
    assert date_of_birth is not None
    sex = child.get("sex_at_birth")
    recorded = _recorded_doses(record.get("immunisations") or (), as_of, schedule)
    tenth_birthday = age_date(date_of_birth, years=10)
    from_tenth_birthday = as_of >= tenth_birthday
    dtap_doses = len(recorded.get(_DTAP_FAMILY, ()))
    soon_limit = as_of + DUE_SOON_WINDOW

    missing: list[tuple[date, int, MissingDose]] = []
    due_soon: list[tuple[date, int, DueDose]] = []
    family_order = {name: index for index, name in enumerate(schedule.families)}

    for family_name, rows in schedule.doses_for(date_of_birth, sex, as_of).items():
        family = schedule.families[family_name]
        given = recorded.get(family_name, [])
        rows = _infant_catch_up_rows(family, rows, given, date_of_birth, as_of)
        filled = _match(rows, given, date_of_birth)
        adult_vaccine = family.from_tenth_birthday_vaccine if from_tenth_birthday else None
        # The due date of the dose before, given or still owed: a later dose of a course can
        # never fall due before the one it follows (resume, never restart; 4 weeks apart).
        last_due: date | None = None
        for index, row in enumerate(rows):
            if filled[index] is not None:
                last_due = filled[index]
                continue
            if row.not_after_age and as_of >= row.not_after_age.reached(date_of_birth):
                continue
            limit = row.give_before_age.reached(date_of_birth) if row.give_before_age else None
            if limit and as_of >= limit:
                continue
            if row.requires_course:
                course_family, course_doses = row.requires_course
                if len(recorded.get(course_family, ())) < course_doses:
                    continue
            due, window_end = row.routine_window(date_of_birth)
            if (row.catch_up_from_age and dtap_doses < _DTAP_PRIMARY_DOSES
                    and as_of >= row.catch_up_from_age.reached(date_of_birth)):
                due = window_end = min(due, row.catch_up_from_age.reached(date_of_birth))
            interval = row.interval
            previous = filled[index - 1] if index else None
            if index and previous is None:
                if row.requires_previous or not interval.is_course_interval:
                    continue
            elif previous is not None:
                booster_interval = family.from_tenth_birthday_booster_interval
                if (booster_interval and not interval.is_course_interval
                        and previous >= tenth_birthday):
                    interval = booster_interval
                due = max(due, interval.after(previous))
            if index and previous is None and last_due is not None:
                due = max(due, interval.after(last_due))
            if limit and due >= limit:
                continue
            last_due = due
            window_end = max(window_end, due)
            vaccine = adult_vaccine or row.vaccine
            order = family_order[family_name] * 100 + row.dose
            if as_of > window_end:
                missing.append((due, order, MissingDose(vaccine, row.dose, due)))
            elif due <= soon_limit:
                due_soon.append((due, order, DueDose(vaccine, row.dose, due)))

    missing.sort(key=lambda item: item[:2])
    due_soon.sort(key=lambda item: item[:2])
    return ImmunisationStatus(
        missing=[item[2] for item in missing],
        due_soon=[item[2] for item in due_soon],
    )

"""The routine immunisation schedule as data: its model and how it is read.

The schedule is ``schedule.json`` in this package: one row per dose of the UK routine schedule
for each birth cohort from 2001 (every cohort a care leaver can belong to), each row citing its
source (the sources are listed in ``docs/rules.md``). ``load_schedule`` reads and parses it once
per process. ``Age`` is an age or interval as the schedule states it, ``ScheduledDose`` one
row, ``Family`` the doses that protect against the same diseases (with their catch-up rules),
``Schedule`` the whole. ``immunisations`` applies it to one record.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from .dates import add_months, age_date, parse_date, school_year_end, school_year_start

__all__ = [
    "COURSE_INTERVAL",
    "FOUR_WEEKS",
    "Age",
    "Family",
    "Schedule",
    "ScheduledDose",
    "load_schedule",
]

# Doses at most this far apart are one course; a longer interval makes a booster.
COURSE_INTERVAL = timedelta(weeks=8)


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
        return cls(
            **{key: int(value[key]) for key in ("years", "months", "weeks", "days") if key in value}
        )

    def reached(self, date_of_birth: date) -> date:
        """The day a child born on ``date_of_birth`` reaches this age."""
        return age_date(
            date_of_birth, years=self.years, months=self.months, weeks=self.weeks, days=self.days
        )

    def after(self, day: date) -> date:
        """``day`` plus this interval."""
        return add_months(day, self.years * 12 + self.months) + timedelta(
            weeks=self.weeks, days=self.days
        )

    def words(self) -> str:
        """``4 weeks``, ``6 months``, ``1 year``: the interval as a person says it."""
        parts = [
            (self.years, "year"),
            (self.months, "month"),
            (self.weeks, "week"),
            (self.days, "day"),
        ]
        said = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
        return " and ".join(said) or "0 days"

    @property
    def is_course_interval(self) -> bool:
        """Short enough (8 weeks or less) to be part of one catch-up course."""
        return (
            not self.years
            and not self.months
            and timedelta(weeks=self.weeks, days=self.days) <= COURSE_INTERVAL
        )


FOUR_WEEKS = Age(weeks=4)


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
    offer_from: date | None = None
    offer_until: date | None = None
    unless_condition: tuple[str, ...] = ()

    @classmethod
    def parse(cls, row: Mapping[str, Any]) -> ScheduledDose:
        age = row["age"]
        course = row.get("requires_course")
        return cls(
            family=row["family"],
            dose=int(row["dose"]),
            vaccine=row["vaccine"],
            age=None if "school_year" in age or "from_date" in age else Age.parse(age),
            school_year=age.get("school_year"),
            born_from=parse_date(row.get("born_from")),
            born_before=parse_date(row.get("born_before")),
            valid_from_age=Age.parse(row.get("valid_from_age")),
            interval=Age.parse(row.get("interval")) or FOUR_WEEKS,
            give_before_age=Age.parse(row.get("give_before_age")),
            not_after_age=Age.parse(row.get("not_after_age")),
            requires_previous=bool(row.get("requires_previous", False)),
            requires_course=(course["family"], int(course["doses"])) if course else None,
            not_for_sex=frozenset(row.get("not_for_sex", ())),
            checked_from=parse_date(row.get("checked_from")),
            checked_before=parse_date(row.get("checked_before")),
            catch_up_from_age=Age.parse(row.get("catch_up_from_age")),
            sources=tuple(row.get("source", ())),
            offer_from=parse_date(age.get("from_date")),
            offer_until=parse_date(age.get("until_date")),
            unless_condition=tuple(word.casefold() for word in row.get("unless_condition", ())),
        )

    @property
    def is_booster(self) -> bool:
        """A dose that follows its course after more than 8 weeks (pre-school, teenage)."""
        return not self.interval.is_course_interval

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
            return (
                school_year_start(date_of_birth, self.school_year),
                school_year_end(date_of_birth, self.school_year),
            )
        if self.offer_from is not None:
            assert self.offer_until is not None
            return self.offer_from, self.offer_until
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
    infant_catch_up_interval: Age = FOUR_WEEKS
    infant_catch_up_not_after: Age | None = None
    catch_up_replaces: str | None = None
    catch_up_vaccine: str | None = None
    catch_up_under_age: Age | None = None
    catch_up_in_use_from: date | None = None

    @classmethod
    def parse(cls, name: str, data: Mapping[str, Any]) -> Family:
        adult = data.get("from_tenth_birthday") or {}
        catch_up = data.get("catch_up_after_first_birthday") or {}
        instead = data.get("catch_up_vaccine") or {}
        return cls(
            name=name,
            title=data["title"],
            counts=frozenset(data["counts"]),
            from_tenth_birthday_vaccine=adult.get("vaccine"),
            from_tenth_birthday_booster_interval=Age.parse(adult.get("booster_interval")),
            infant_catch_up_below=catch_up.get("when_fewer_infant_doses_than"),
            infant_catch_up_doses=int(catch_up.get("doses", 0)),
            infant_catch_up_interval=Age.parse(catch_up.get("interval")) or FOUR_WEEKS,
            infant_catch_up_not_after=Age.parse(catch_up.get("not_after_age")),
            catch_up_replaces=instead.get("replaces"),
            catch_up_vaccine=instead.get("vaccine"),
            catch_up_under_age=Age.parse(instead.get("under_age")),
            catch_up_in_use_from=parse_date(instead.get("in_use_from")),
        )

    def vaccine_now(self, scheduled: str, date_of_birth: date, as_of: date) -> str:
        """The vaccine a missing dose is given as today (a 6-in-1 for a missed 5-in-1)."""
        if (
            self.catch_up_vaccine
            and scheduled == self.catch_up_replaces
            and self.catch_up_in_use_from
            and as_of >= self.catch_up_in_use_from
            and (
                self.catch_up_under_age is None
                or as_of < self.catch_up_under_age.reached(date_of_birth)
            )
        ):
            return self.catch_up_vaccine
        return scheduled


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

    def doses_for(
        self, date_of_birth: date, sex: str | None, as_of: date
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

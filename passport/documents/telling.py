"""What is overdue, said plainly to the people who look after a child, with who is arranging
each thing (issue 15): "Rosa's health check was due on 30 October 2026. Her nurse is arranging
it." The young person reads it about themselves ("Your health check was due on ..."). The
carer's page, the carer sheet and the young person's home page all say it with these words,
from the current view (`passport.records.current`), so they never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from passport.records.audience import CARER, YOUNG_PERSON
from passport.records.current import CurrentView, Overdue
from passport.rules.dates import long_date

# Pronouns as recorded ("she/her") -> (subject, object, possessive). Anything else: the name.
PRONOUNS = {
    "she/her": ("she", "her", "her"),
    "he/him": ("he", "him", "his"),
    "they/them": ("they", "them", "their"),
}

# What each overdue flag is about, said as "<name>'s ..." (None: said in its own sentence).
WHAT = {
    "RHA_OVERDUE": "health check",
    "IHA_MISSING": "first health check",
    "IHA_LATE": "first health check",
    "DENTAL_CHECK_OVERDUE": "dental check",
    "SIGHT_TEST_OVERDUE": "sight test",
    "LEAVER_SUMMARY_DUE": "health summary for leaving care",
}
# Who acts, said to the carer, after "<possessive> ": the carer is "you".
WHO_WORDS = {
    "nurse": "nurse",
    "gp": "GP",
    "social_worker": "social worker",
    "lac_nurse": "nurse",
    "camhs": "mental health team",
    "dentist": "dentist",
    "school_nurse": "school nurse",
}


@dataclass(frozen=True)
class Told:
    """One overdue thing as its reader reads it, and whether the reader is the one to act."""

    text: str
    reader_acts: bool


@dataclass(frozen=True)
class Person:
    """The child as the reader names them: by name and pronouns for a carer, "you" for the
    young person themselves."""

    name: str
    subject: str | None
    object: str | None
    possessive: str | None
    reader: str  # CARER or YOUNG_PERSON

    @classmethod
    def of(cls, child: Mapping[str, Any], reader: str = CARER) -> Person:
        if reader == YOUNG_PERSON:
            return cls("you", "you", "you", "your", reader)
        name = child.get("preferred_name") or child["given_name"]
        subject, obj, possessive = PRONOUNS.get(
            (child.get("pronouns") or "").strip().lower(), (None, None, None)
        )
        return cls(name, subject, obj, possessive, reader)

    @property
    def you(self) -> bool:
        return self.reader == YOUNG_PERSON

    @property
    def names(self) -> str:
        """Whose thing, at the start of a sentence: "Rosa's", or "Your"."""
        return "Your" if self.you else f"{self.name}'s"

    @property
    def owner(self) -> str:
        """Whose person, at the start of a sentence: "Her", or "Rosa's" with no pronouns."""
        return self.possessive.capitalize() if self.possessive else f"{self.name}'s"

    @property
    def whose(self) -> str:
        """Whose, inside a sentence: "her", or "Rosa's"."""
        return self.possessive or f"{self.name}'s"

    @property
    def them(self) -> str:
        return self.object or self.name

    @property
    def is_(self) -> str:
        """The child as a subject with "is": "Rosa is", "You are"."""
        return "You are" if self.you else f"{self.name} is"


def _who(person: Person, item: Overdue, thing: str, it: str = "it") -> str:
    if item.who == person.reader or (person.you and item.who == "carer"):
        # A carer books checks; the young person is told to, with their carer's help.
        if person.you and item.who == "carer":
            return f"Please book {thing or it}, or ask your carer to help."
        return f"Please book {thing}." if thing else f"Please arrange {it}."
    if item.who == "young_person":
        return f"{person.name} is doing this."
    if item.who == "carer":
        return f"{person.owner} carer is arranging {it}."
    if item.who in WHO_WORDS:
        return f"{person.owner} {WHO_WORDS[item.who]} is arranging {it}."
    return f"Someone else is arranging {it}."


def _plan_action(view: CurrentView, item: Overdue) -> str | None:
    for action in view.open_plan:
        if action.get("due") and date.fromisoformat(action["due"]) == item.due:
            return str(action["action"])
    return None


def _sentence(view: CurrentView, person: Person, item: Overdue) -> str | None:
    due = f" was due on {long_date(item.due)}." if item.due else " has not happened yet."
    if item.code in WHAT:
        thing = {"DENTAL_CHECK_OVERDUE": "one", "SIGHT_TEST_OVERDUE": "one"}.get(item.code, "")
        return f"{person.names} {WHAT[item.code]}{due} {_who(person, item, thing)}"
    if item.code == "GP_NOT_REGISTERED":
        if person.you:
            return "You are not registered with a GP. Your nurse or carer can help you register."
        return f"{person.name} is not registered with a GP. Please register {person.them} with one."
    if item.code == "HEALTH_PLAN_ACTION_OVERDUE":
        action = _plan_action(view, item)
        if action is None:
            return None
        return f"{action.rstrip('.')}: this{due} {_who(person, item, '')}"
    if item.code == "INFO_REQUEST_OUTSTANDING":
        return (
            f"Some of {person.whose} health records have been asked for and have not come yet. "
            f"{_who(person, item, '', 'them')}"
        ).replace("arranging them", "chasing them")
    if item.code in ("UASC_SCREENING_INCOMPLETE", "ARRIVAL_SCREENING_INCOMPLETE"):
        return (
            f"{person.names} health checks after coming to the UK are not finished. "
            f"{_who(person, item, '', 'them')}"
        )
    return None


def overdue_told(view: CurrentView, child: Mapping[str, Any], reader: str = CARER) -> list[Told]:
    """Everything overdue or due that `reader` (the carer, or the young person) is told, each
    with who is arranging it: the view's overdue items, then the vaccines due."""
    person = Person.of(child, reader)
    told = []
    for item in view.overdue:
        text = _sentence(view, person, item)
        if text is not None:
            told.append(Told(text, item.who == reader))
    if view.vaccines_due:
        told.append(
            Told(
                f"{person.is_} due these vaccines: {', '.join(view.vaccines_due)}. "
                f"Please book them with {person.whose} GP.",
                True,
            )
        )
    elif not view.report.immunisations.up_to_date:
        # An unknown or incomplete history is never "nothing due" (issue 12).
        told.append(
            Told(
                "The vaccination record is not complete, so we cannot say all vaccinations "
                "are done. The LAC nurse is checking with the GP.",
                False,
            )
        )
    return told


def overdue_for_carer(view: CurrentView, child: Mapping[str, Any]) -> list[Told]:
    return overdue_told(view, child, CARER)


def nothing_for_carer(view: CurrentView, told: list[Told]) -> bool:
    """True only when the carer has nothing to do: nothing overdue they act on, no vaccines to
    book, and no open health plan action of theirs."""
    return not any(t.reader_acts for t in told) and not any(
        a["owner"] == "carer" for a in view.open_plan
    )

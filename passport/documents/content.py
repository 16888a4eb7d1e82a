"""What each document says, worked out from one record. No Flask, no HTML: plain data the
templates lay out. Consent rules live here, once:

* the young person's documents show a family history entry only where the relative agreed
  (`consent_to_share_with_young_person` is true, or /2's `consent_state` is "given"; missing
  means no; `passport.records.audience` decides);
* the carer's sheet shows one only where `relevant_to_carer` is true, and shows nothing of the
  assessments' narrative, nothing from CAMHS, and only what the current placement needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from passport.documents import leaver
from passport.documents import words as w
from passport.records.audience import CARER, YOUNG_PERSON, family_history_for
from passport.records.placements import current_placement
from passport.rules import check_record
from passport.rules.care_flags import SIGHT_TEST_MONTHS
from passport.rules.dates import add_months, age_in_years
from passport.rules.immunisations import is_given

DOCUMENTS = {
    "passport": "Your health passport",
    "leaver-summary": "Your health summary for leaving care",
    "carer-sheet": "Placement health sheet",
}


def d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class Document:
    kind: str
    title: str
    made_on: date
    record: dict[str, Any]
    sections: dict[str, Any] = field(default_factory=dict)

    @property
    def child(self) -> dict[str, Any]:
        return self.record["child"]

    @property
    def name(self) -> str:
        child = self.child
        return child.get("preferred_name") or child["given_name"]

    @property
    def full_name(self) -> str:
        return f"{self.child['given_name']} {self.child['family_name']}"


def _contacts(record: dict[str, Any]) -> list[dict[str, str | None]]:
    contacts = record.get("contacts", {})
    rows = []
    for key, label, missing in (
        (
            "gp",
            "GP (doctor)",
            "We don't have a record of your GP. Your nurse or carer can help "
            "you register with one.",
        ),
        (
            "dentist",
            "Dentist",
            "We don't have a record of your dentist. Ask your carer or nurse to help you find one.",
        ),
        (
            "optician",
            "Optician (eyes)",
            "We don't have a record of an optician. Any high "
            "street optician can check your eyes for free.",
        ),
    ):
        item = contacts.get(key)
        rows.append(
            {
                "label": label,
                "name": item["name"] if item else None,
                "phone": item.get("phone") if item else None,
                "missing": missing,
            }
        )
    return rows


def _people(record: dict[str, Any]) -> list[dict[str, str]]:
    contacts = record.get("contacts", {})
    out = []
    for key, label in (
        ("lac_nurse", "Your LAC nurse"),
        ("social_worker", "Your social worker"),
        ("personal_adviser", "Your personal adviser"),
    ):
        if key in contacts:
            person = contacts[key]
            out.append(
                {
                    "label": label,
                    "name": person["name"],
                    "phone": person.get("phone"),
                    "email": person.get("email"),
                    "team": person.get("team"),
                }
            )
    return out


def _checks(record: dict[str, Any], born: date) -> list[dict[str, Any]]:
    checks = []
    for a in reversed(record.get("assessments", [])):
        p = a["practitioner"]
        checks.append(
            {
                "title": (
                    "Your first health check (IHA)"
                    if a["type"] == "IHA"
                    else "Your health check (RHA)"
                ),
                "date": w.long_date(a["date"]),
                "when": w.when_you_were(born, a["date"]),
                "who": f"{p['name']}, {p['role']}",
                "your_words": a.get("young_person_views"),
                "agreed": [
                    {
                        "action": x["action"],
                        "who": w.OWNER_WORDS[x["owner"]],
                        "done": x["status"] == "done",
                    }
                    for x in a.get("health_plan", [])
                    if x["status"] != "cancelled"
                ],
            }
        )
    return checks


def _vaccinations(record: dict[str, Any], born: date, report) -> dict[str, Any]:
    """What the young person has had, and what is still due, worded for them.

    An uncertain or incomplete history is a catch-up plan from when they came to the UK or
    into care (``passport.rules``): each vaccine once, with how many doses and how far apart.
    Such a history is never called up to date, even when nothing is due."""
    in_order = sorted(record.get("immunisations", []), key=lambda i: i["date"])
    had = [
        {
            "vaccine": i["vaccine"],
            "protects": w.vaccine_words(i["vaccine"]),
            "date": w.long_date(i["date"]),
            "when": w.when_you_were(born, i["date"]),
            "source": w.SOURCE_WORDS.get(i["source"], "a record"),
        }
        for i in in_order
        if is_given(i)
    ]
    not_given = [
        {
            "vaccine": w.dose_name(i["vaccine"], i.get("dose")),
            "protects": w.vaccine_words(i["vaccine"]),
            "date": w.long_date(i["date"]),
            "why": w.not_given_words(i["status"], i.get("status_reason")),
        }
        for i in in_order
        if not is_given(i)
    ]
    status = report.immunisations
    due = [
        {
            "vaccine": course.vaccine,
            "protects": w.vaccine_words(course.vaccine, booster=course.booster),
            "when": w.course_words(course),
        }
        for course in status.courses()
    ]
    child = record["child"]
    catch_up = None
    if status.catch_up_from is not None:
        catch_up = w.catch_up_intro(
            status.catch_up_from, bool(child.get("arrived_in_uk")), bool(due)
        )
    return {
        "had": had,
        "not_given": not_given,
        "due": due,
        "unknown": record.get("immunisation_history_status") == "unknown",
        "catch_up": catch_up,
        "up_to_date": status.up_to_date,
    }


DENTAL_MONTHS = 12  # as DENTAL_CHECK_OVERDUE counts (docs/rules.md)


def _teeth_and_eyes(record: dict[str, Any], report, as_of: date) -> list[dict[str, Any]]:
    """The last dental check and sight test, and when the next is due. Overdue is what the
    rules say it is (the flags), never worked out again here."""
    flagged = {f.code for f in report.flags}
    rows = []
    for key, what, months, flag in (
        ("dental_checks", "dental check", DENTAL_MONTHS, "DENTAL_CHECK_OVERDUE"),
        ("optical_checks", "sight test", SIGHT_TEST_MONTHS, "SIGHT_TEST_OVERDUE"),
    ):
        done = [day for day in map(date.fromisoformat, record.get(key) or ()) if day <= as_of]
        last = max(done, default=None)
        rows.append(
            {
                "what": what,
                "last": w.long_date(last) if last else None,
                "next": w.long_date(add_months(last, months)) if last else None,
                "overdue": flag in flagged,
            }
        )
    return rows


def _health(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "allergies": [
            {"what": a["substance"], "reaction": a.get("reaction"), "severity": a.get("severity")}
            for a in record.get("allergies", [])
            # A resolved or refuted allergy is not an allergy any more (format /2).
            if a.get("status", "active") == "active"
        ],
        "conditions": [
            {"name": c["name"], "status": c["status"], "notes": c.get("notes")}
            for c in record.get("conditions", [])
            if c["status"] in ("active", "suspected")
        ],
        "past_conditions": [
            {
                "name": c["name"],
                "since": w.long_date(c.get("onset")),
                "until": w.long_date(c.get("resolved_on")),
            }
            for c in record.get("conditions", [])
            if c["status"] == "resolved"
        ],
        "medicines": [
            {"name": m["name"], "dose": m.get("dose"), "reason": m.get("reason")}
            for m in record.get("medications", [])
            if not m.get("stopped")
        ],
    }


def current_health(record: dict[str, Any]) -> dict[str, Any]:
    """The allergies, conditions and medicines that hold now, as every document shows them
    (the record page's summary uses the same, so they never disagree)."""
    return _health(record)


def _hospital(record: dict[str, Any], since: date | None = None) -> list[dict[str, Any]]:
    """Time in hospital, newest first; from `since` on when given (the carer's last year).
    Notes are the nurse's own and are never shown."""
    out = []
    for h in sorted(record.get("hospital_episodes", []), key=lambda h: h["date"], reverse=True):
        last_day = h.get("discharged_on") or h["date"]
        if since is not None and date.fromisoformat(last_day) < since:
            continue
        out.append(
            {
                "what": w.HOSPITAL_WORDS[h["kind"]],
                "what_carer": w.HOSPITAL_WORDS_CARER[h["kind"]],
                "date": w.long_date(h["date"]),
                "until": (
                    w.long_date(h["discharged_on"])
                    if h.get("discharged_on") and h["discharged_on"] != h["date"]
                    else None
                ),
                "where": h.get("where"),
                "why": h.get("why"),
            }
        )
    return out


def _advice(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Health advice given, newest first, in the young person's words; no staff notes."""
    return [
        {"topic": w.ADVICE_WORDS[a["topic"]], "date": w.long_date(a["date"]), "by": a.get("by")}
        for a in sorted(record.get("health_advice", []), key=lambda a: a["date"], reverse=True)
    ]


def _family(entries: Sequence[Mapping[str, Any]], carer: bool = False) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        who = w.RELATIVE_WORDS[e["relative"]]
        if carer:
            who = who.replace("your ", "the child's ")
        out.append(
            {
                "who": who[0].upper() + who[1:],
                "condition": e["condition"],
                "notes": e.get("notes"),
                "is_allergy": e["category"] == "allergy",
            }
        )
    return out


def _next_steps(record: dict[str, Any], report, as_of: date) -> list[str]:
    steps = []
    if report.next_rha_due:
        due = report.next_rha_due
        steps.append(
            f"Your next health check is due {'since' if due < as_of else 'by'} {w.long_date(due)}."
        )
    for a in record.get("assessments", []):
        for x in a.get("health_plan", []):
            if x["status"] == "open":
                by = f" by {w.long_date(x['due'])}" if x.get("due") else ""
                steps.append(f"{x['action']} ({w.OWNER_WORDS[x['owner']]}{by}).")
    return steps


def build(
    kind: str, record: dict[str, Any], as_of: date, leaver_summary_issued_on: date | None = None
) -> Document:
    """The content of one document; `record` is in the exchange format's JSON form."""
    if kind not in DOCUMENTS:
        raise ValueError(f"unknown document {kind!r}")
    doc = Document(kind=kind, title=DOCUMENTS[kind], made_on=as_of, record=record)
    if kind == "leaver-summary":  # its own module, reading the current view
        doc.sections = leaver.summary_sections(record, as_of, leaver_summary_issued_on)
        return doc
    child = record["child"]
    born = date.fromisoformat(child["date_of_birth"])
    report = check_record(record, as_of, leaver_summary_issued_on=leaver_summary_issued_on)
    if kind == "carer-sheet":
        doc.sections = _carer_sheet(record, as_of, born, report)
        return doc
    doc.sections = {
        "about": {
            "name": f"{child['given_name']} {child['family_name']}",
            "preferred_name": child.get("preferred_name"),
            "pronouns": child.get("pronouns"),
            "born": w.long_date(born),
            "born_estimated": child.get("date_of_birth_is_estimate", False),
            "language": child.get("first_language"),
            "interpreter": child.get("interpreter_needed", False),
            "nhs_number": _nhs(child.get("nhs_number")),
        },
        "contacts": _contacts(record),
        "people": _people(record),
        "checks": _checks(record, born),
        "teeth_and_eyes": _teeth_and_eyes(record, report, as_of),
        "vaccinations": _vaccinations(record, born, report),
        "health": _health(record),
        "mental_health": [
            {
                "service": m["service"],
                "from": w.long_date(m.get("first_seen_on") or m.get("referred_on")),
                "until": w.long_date(m.get("discharged_on")),
            }
            for m in record.get("mental_health", [])
        ],
        "hospital": _hospital(record),
        "advice": _advice(record),
        "family": _family(family_history_for(record, YOUNG_PERSON)),
        "next": _next_steps(record, report, as_of),
        "glossary": w.GLOSSARY,
    }
    return doc


def _nhs(number: str | None) -> str | None:
    return f"{number[:3]} {number[3:6]} {number[6:]}" if number else None


def _carer_sheet(record: dict[str, Any], as_of: date, born: date, report) -> dict[str, Any]:
    child = record["child"]
    placement = current_placement(record, as_of)
    contacts = record.get("contacts", {})
    carer_actions = [
        {"action": x["action"], "due": w.long_date(x.get("due"))}
        for a in record.get("assessments", [])
        for x in a.get("health_plan", [])
        if x["status"] == "open" and x["owner"] == "carer"
    ]
    health = _health(record)
    return {
        "about": {
            "name": f"{child['given_name']} {child['family_name']}",
            "preferred_name": child.get("preferred_name"),
            "pronouns": child.get("pronouns"),
            "born": w.long_date(born),
            "age": age_in_years(born, as_of),
            "language": child.get("first_language"),
            "interpreter": child.get("interpreter_needed", False),
            "nhs_number": _nhs(child.get("nhs_number")),
            "placed_since": w.long_date(placement["start"]) if placement else None,
        },
        "allergies": health["allergies"],
        "family_allergies": [
            f for f in _family(family_history_for(record, CARER), carer=True) if f["is_allergy"]
        ],
        "family_health": [
            f for f in _family(family_history_for(record, CARER), carer=True) if not f["is_allergy"]
        ],
        "medicines": health["medicines"],
        "conditions": health["conditions"],
        "teeth_and_eyes": _teeth_and_eyes(record, report, as_of),
        "hospital": _hospital(record, since=as_of - timedelta(days=365)),
        "carer_actions": carer_actions,
        "next_check": w.long_date(report.next_rha_due) if report.next_rha_due else None,
        "check_overdue": bool(report.next_rha_due and report.next_rha_due < as_of),
        "vaccinations_due": [course.vaccine for course in report.immunisations.courses()],
        # An unknown or incomplete history is never "nothing due" (issue 12).
        "vaccinations_unsure": not report.immunisations.up_to_date,
        # Doses declined or contraindicated: not due, and the carer should know why (issue 14).
        "vaccinations_not_given": [
            f"{w.dose_name(i['vaccine'], i.get('dose'))}: "
            f"{w.not_given_words(i['status'], i.get('status_reason'))}"
            for i in record.get("immunisations", [])
            if not is_given(i)
        ],
        "contacts": [
            (label, contacts[key])
            for key, label in (
                ("gp", "GP"),
                ("dentist", "Dentist"),
                ("optician", "Optician"),
                ("lac_nurse", "LAC nurse"),
                ("social_worker", "Social worker"),
            )
            if key in contacts
        ],
    }

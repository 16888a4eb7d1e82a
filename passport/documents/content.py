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
from passport.documents.telling import nothing_for_carer, overdue_for_carer
from passport.records.audience import CARER, STAFF, YOUNG_PERSON
from passport.records.current import CurrentView, Upcoming, current_view, visible_note
from passport.records.placements import current_placement
from passport.rules.dates import age_in_years

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


# The out-of-hours contact (format /2: the council's emergency duty team), as the carer reads it.
OUT_OF_HOURS = "Out of hours (evenings, weekends, bank holidays)"


def _missing_contacts(voice: w.Voice) -> tuple[str, str, str]:
    """What to say when the GP, the dentist or the optician is not known, to the reader."""
    if voice.to_child:
        return (
            "We don't have a record of your GP. Your nurse or carer can help "
            "you register with one.",
            "We don't have a record of your dentist. Ask your carer or nurse to help you find one.",
            "We don't have a record of an optician. Any high "
            "street optician can check your eyes for free.",
        )
    p, o = voice.possessive, voice.object
    return (
        f"We don't have a record of {p} GP. {voice.Whose} nurse can help you register "
        f"{o} with one.",
        f"We don't have a record of {p} dentist. {voice.Whose} nurse can help you find one.",
        f"We don't have a record of an optician. Any high street optician can check {p} "
        "eyes for free.",
    )


def _contacts(
    record: dict[str, Any], voice: w.Voice = w.TO_YOUNG_PERSON
) -> list[dict[str, str | None]]:
    contacts = record.get("contacts", {})
    rows = []
    gp, dentist, optician = _missing_contacts(voice)
    for key, label, missing in (
        ("gp", "GP (doctor)", gp),
        ("dentist", "Dentist", dentist),
        ("optician", "Optician (eyes)", optician),
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


def _people(record: dict[str, Any], voice: w.Voice = w.TO_YOUNG_PERSON) -> list[dict[str, str]]:
    contacts = record.get("contacts", {})
    out = []
    whose = voice.Whose  # "Your", or the child's name ("Noah's")
    for key, label in (
        ("lac_nurse", f"{whose} LAC nurse"),
        ("social_worker", f"{whose} social worker"),
        ("personal_adviser", f"{whose} personal adviser"),
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


def _checks(record: dict[str, Any], born: date, voice: w.Voice) -> list[dict[str, Any]]:
    """Each health check, newest first, with what was agreed said to the reader: a staff task
    written about the child is left out (`words.plan_action`)."""
    checks = []
    for a in reversed(record.get("assessments", [])):
        p = a["practitioner"]
        checks.append(
            {
                "title": (
                    f"{voice.Whose} first health check (IHA)"
                    if a["type"] == "IHA"
                    else f"{voice.Whose} health check (RHA)"
                ),
                "date": w.long_date(a["date"]),
                "when": w.when_you_were(born, a["date"], voice),
                "who": f"{p['name']}, {p['role']}",
                "your_words": a.get("young_person_views"),
                "agreed": [
                    {"action": said, "done": x["status"] == "done"}
                    for x in a.get("health_plan", [])
                    if x["status"] != "cancelled"
                    and (said := w.plan_action(x, record["child"], voice)) is not None
                ],
            }
        )
    return checks


def _vaccinations(
    view: CurrentView, record: dict[str, Any], born: date, voice: w.Voice = w.TO_YOUNG_PERSON
) -> dict[str, Any]:
    """What the young person has had, and what is still due, worded for them.

    An uncertain or incomplete history is a catch-up plan from when they came to the UK or
    into care (``passport.rules``): each vaccine once, with how many doses and how far apart.
    Such a history is never called up to date, even when nothing is due."""
    had = [
        {
            "vaccine": i["vaccine"],
            "protects": w.vaccine_words(i["vaccine"]),
            "date": w.long_date(i["date"]),
            "when": w.when_you_were(born, i["date"], voice),
            "source": w.SOURCE_WORDS.get(i["source"], "a record"),
        }
        for i in view.immunisations_given
    ]
    not_given = [
        {
            "vaccine": w.dose_name(i["vaccine"], i.get("dose")),
            "protects": w.vaccine_words(i["vaccine"]),
            "date": w.long_date(i["date"]),
            "why": w.not_given_words(i["status"], i.get("status_reason")),
        }
        for i in view.immunisations_not_given
    ]
    status = view.report.immunisations
    child = record["child"]
    came = w.care_start(child)
    due = [
        {
            "vaccine": course.vaccine,
            "protects": w.vaccine_words(course.vaccine, booster=course.booster),
            "when": w.course_words(course, since=came, voice=voice),
        }
        for course in status.courses()
    ]
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


CHECK_WORDS = {"dental": "dental check", "optical": "sight test"}


def _teeth_and_eyes(view: CurrentView) -> list[dict[str, Any]]:
    """The last dental check and sight test, and when the next is due, from the current view
    (overdue is what the rules say it is)."""
    return [
        {
            "what": CHECK_WORDS[c.kind],
            "last": w.long_date(c.last) if c.last else None,
            "next": w.long_date(c.next_due) if c.next_due else None,
            "overdue": c.overdue,
        }
        for c in view.checks
    ]


def _health(view: CurrentView) -> dict[str, Any]:
    """Allergies, conditions and medicines as the current view has them; a condition's notes
    only where this audience may read them."""
    return {
        "allergies": [
            {"what": a["substance"], "reaction": a.get("reaction"), "severity": a.get("severity")}
            for a in view.allergies_active
        ],
        "conditions": [
            {"name": c["name"], "status": c["status"], "notes": view.note(c)}
            for c in view.conditions_active
        ],
        # Illnesses they had: resolved ones (a ruled-out condition was never had).
        "past_conditions": [
            {
                "name": c["name"],
                "since": w.long_date(c.get("onset")),
                "until": w.long_date(c.get("resolved_on")),
            }
            for c in view.conditions_past
            if c["status"] == "resolved"
        ],
        "medicines": [
            {"name": m["name"], "dose": m.get("dose"), "reason": m.get("reason")}
            for m in view.medicines_current
        ],
    }


def current_health(record: dict[str, Any], as_of: date | None = None) -> dict[str, Any]:
    """The allergies, conditions and medicines that hold now, as every document shows them
    (the record page's summary uses the same, so they never disagree). Staff read every
    note."""
    return _health(current_view(record, STAFF, as_of or date.today()))


def _hospital(view: CurrentView, since: date | None = None) -> list[dict[str, Any]]:
    """Time in hospital, newest first; from `since` on when given (the carer's last year).
    Notes only where this audience may read them."""
    out = []
    for h in view.hospital_episodes:
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
                # Only the young person's documents show a note, and only one for them.
                "notes": view.note(h) if view.audience == YOUNG_PERSON else None,
            }
        )
    return out


def _advice(view: CurrentView) -> list[dict[str, Any]]:
    """Health advice given, newest first, in the young person's words; notes only for them."""
    return [
        {
            "topic": w.ADVICE_WORDS[a["topic"]],
            "date": w.long_date(a["date"]),
            "by": a.get("by"),
            "notes": view.note(a),
        }
        for a in view.health_advice
    ]


def _family(
    entries: Sequence[Mapping[str, Any]],
    carer: bool = False,
    audience: str = CARER,
    voice: w.Voice = w.TO_YOUNG_PERSON,
) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        who = w.RELATIVE_WORDS[e["relative"]]
        if carer:
            who = who.replace("your ", "the child's ")
        elif not voice.to_child:
            who = who.replace("your ", f"{voice.possessive} ")
        out.append(
            {
                "who": who[0].upper() + who[1:],
                "condition": e["condition"],
                "notes": visible_note(e, audience),
                "is_allergy": e["category"] == "allergy",
            }
        )
    return out


def _next_steps(
    view: CurrentView, voice: w.Voice, carer_plan: Sequence[Mapping[str, Any]] = ()
) -> list[str]:
    """What happens next, from the current view: what is overdue and who is acting on it, the
    next health check, vaccines due, the reader's own open plan actions, and who else has
    something to do. Empty only when nothing is left to do."""
    steps = []
    due = view.report.next_rha_due
    if due and due < view.as_of:
        steps.append(w.overdue_words("RHA_OVERDUE", due, voice) or "")
    for item in view.overdue:
        if item.code in ("RHA_OVERDUE", "HEALTH_PLAN_ACTION_OVERDUE"):
            continue
        said = w.overdue_words(item.code, item.due, voice)
        if said:
            steps.append(said)
    if due and due >= view.as_of:
        steps.append(f"{voice.Possessive} next health check is due by {w.long_date(due)}.")
    if view.vaccines_due:
        count = len(view.vaccines_due)
        steps.append(
            f"{voice.Subject} {voice.has} {count} vaccination{'s' if count != 1 else ''} "
            f"to have: {', '.join(view.vaccines_due)}. {voice.Possessive} GP can give "
            f"{'them' if count != 1 else 'it'}."
        )
    shown = {"young_person"}
    for action in [*view.open_plan, *carer_plan]:
        shown.add(action["owner"])
        by = f", by {w.long_date(action['due'])}" if action.get("due") else ""
        late = "" if not action.get("due") or action["due"] >= view.as_of.isoformat() else ": late"
        steps.append(
            f"{action['action'].strip().rstrip('.')} ({voice.owner(action['owner'])}{by}{late})."
        )
    others = w.others_acting([o for o in view.others_acting if o not in shown], voice)
    if others:
        steps.append(others)
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
        # Always spoken to the young person, whatever their age.
        doc.sections["voice"] = w.voice_for(record["child"], as_of, to_child=True)
        return doc
    child = record["child"]
    born = date.fromisoformat(child["date_of_birth"])
    if kind == "carer-sheet":
        view = current_view(record, CARER, as_of, leaver_summary_issued_on=leaver_summary_issued_on)
        doc.sections = _carer_sheet(record, born, view)
        return doc
    view = current_view(
        record, YOUNG_PERSON, as_of, leaver_summary_issued_on=leaver_summary_issued_on
    )
    # The care-leaver summary always speaks to the young person; the passport speaks to the
    # people looking after a child under 12.
    voice = w.voice_for(child, as_of, to_child=kind != "passport" or None)
    carer_plan = [] if voice.to_child else current_view(record, CARER, as_of).open_plan
    doc.sections = {
        "voice": voice,
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
        "contacts": _contacts(record, voice),
        "people": _people(record, voice),
        "checks": _checks(record, born, voice),
        "teeth_and_eyes": _teeth_and_eyes(view),
        "vaccinations": _vaccinations(view, record, born, voice),
        "health": _health(view),
        "mental_health": [
            {
                "service": m["service"],
                "from": w.long_date(m.get("first_seen_on") or m.get("referred_on")),
                "until": w.long_date(m.get("discharged_on")),
                "notes": view.note(m),
            }
            for m in record.get("mental_health", [])
        ],
        "hospital": _hospital(view),
        "advice": _advice(view),
        "family": _family(view.family_history, audience=YOUNG_PERSON, voice=voice),
        "own": leaver.own_part(view),
        "next": _next_steps(view, voice, carer_plan),
        "glossary": w.glossary(voice),
    }
    return doc


def _nhs(number: str | None) -> str | None:
    return f"{number[:3]} {number[3:6]} {number[6:]}" if number else None


UPCOMING_WORDS = {
    "review": "Health check (review health assessment)",
    "dental": "Dental check",
    "optical": "Sight test",
}


def _upcoming_words(item: Upcoming) -> dict[str, Any]:
    """One thing coming up, as the carer reads it: what, and when."""
    if item.kind == "vaccine":
        what = f"Vaccine: {item.what}"
    else:
        what = item.what or UPCOMING_WORDS[item.kind]
    if item.booked:
        when = f"Booked for {w.long_date(item.booked_for)}" if item.booked_for else "Booked"
    elif item.due is None:
        when = "Due now" if item.due_now else "No date set"
    elif item.due_now:
        when = (
            f"Due now (from {w.long_date(item.due)})"
            if item.kind == "vaccine"
            else (f"Due now (was due by {w.long_date(item.due)})")
        )
    elif item.kind == "vaccine":
        when = f"Due from {w.long_date(item.due)}"
    else:
        when = f"Due by {w.long_date(item.due)}"
    return {"kind": item.kind, "what": what, "when": when, "due_now": item.due_now}


def _carer_sheet(record: dict[str, Any], born: date, view: CurrentView) -> dict[str, Any]:
    """The carer's sheet, from the current view for the carer (`records.current`): what is
    current, due, overdue and who acts are its, never worked out again here."""
    as_of = view.as_of
    child = record["child"]
    placement = current_placement(record, as_of)
    contacts = record.get("contacts", {})
    report = view.report
    told = overdue_for_carer(view, child)
    a_year_ago = as_of - timedelta(days=365)
    family = _family(view.family_history, carer=True)
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
        "allergies": [
            {"what": a["substance"], "reaction": a.get("reaction"), "severity": a.get("severity")}
            for a in view.allergies_active
        ],
        "family_allergies": [f for f in family if f["is_allergy"]],
        "family_health": [f for f in family if not f["is_allergy"]],
        "medicines": [
            {"name": m["name"], "dose": m.get("dose"), "reason": m.get("reason")}
            for m in view.medicines_current
        ],
        "conditions": [
            {"name": c["name"], "status": c["status"], "notes": c.get("notes")}
            for c in view.conditions_active
        ],
        "teeth_and_eyes": [
            {
                "what": CHECK_WORDS[c.kind],
                "last": w.long_date(c.last) if c.last else None,
                "next": w.long_date(c.next_due) if c.next_due else None,
                "overdue": c.overdue,
            }
            for c in view.checks
        ],
        "hospital": _hospital(view, since=a_year_ago),
        "carer_actions": [
            {"action": x["action"], "due": w.long_date(x.get("due"))}
            for x in view.open_plan
            if x["owner"] == "carer"
        ],
        # Everything overdue or due, each with who is arranging it (`documents.telling`).
        "overdue": [t.text for t in told],
        "anything_overdue": bool(view.overdue),
        "nothing_to_do": nothing_for_carer(view, told),
        "next_check": (
            w.long_date(report.next_rha_due)
            if report.next_rha_due and report.next_rha_due >= as_of
            else None
        ),
        "vaccinations_due": view.vaccines_due,
        # What is coming up, with dates, from the current view (never worked out here).
        "upcoming": [_upcoming_words(item) for item in view.upcoming],
        # Doses declined or contraindicated: not due, and the carer should know why (issue 14).
        "vaccinations_not_given": [
            f"{w.dose_name(i['vaccine'], i.get('dose'))}: "
            f"{w.not_given_words(i['status'], i.get('status_reason'))}"
            for i in view.immunisations_not_given
        ],
        # Format /2: who to call out of hours, on its own row under the day-time contacts.
        "out_of_hours": contacts.get("out_of_hours"),
        "out_of_hours_label": OUT_OF_HOURS,
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

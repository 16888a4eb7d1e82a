"""The care-leaver health summary, worked out from the one current view of the record
(`passport.records.current`) for the young person: what is current, past, due, overdue and
visible is decided there, never again here. No Flask, no HTML: plain data that
templates/documents/leaver-summary.html lays out.

Page 1 is "For your new GP": what a new doctor needs first. The rest follows: what is still to
do (said to the young person, never a staff task in the third person), tests, teeth and eyes,
hospital, their health history, vaccinations, their own words (the quotes they chose), how to
look after their health as an adult and how to get their full health record.

What the young person chose (format /2 `young_person_choices`) decides two things: whether
their birth details go in, and which of their own words do (by default the latest three).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from passport.documents import words as w
from passport.records.audience import YOUNG_PERSON
from passport.records.current import CurrentView, current_view

# The quotes a summary carries when the young person has not chosen: their latest three.
DEFAULT_QUOTES = 3

# Said (and ticked) only when true: no vaccine due, no result pending, nothing overdue and no
# action of their own open. Otherwise the list of what is still to do stands in its place.
NOTHING_LEFT = "Nothing is left to do from your health plan"

# Screening tests (format `screening[].test`) and their results, said to the young person.
SCREENING_WORDS = {
    "tb": "TB (tuberculosis)",
    "hepatitis_b": "Hepatitis B",
    "hepatitis_c": "Hepatitis C",
    "hiv": "HIV",
    "syphilis": "Syphilis",
    "parasites": "Parasites (tiny bugs that can live in the gut or blood)",
    "hearing": "Hearing",
    "vision": "Eyesight",
}
RESULT_WORDS = {
    "negative": "Clear: nothing was found",
    "positive": "Something was found. Your GP or nurse will talk to you about what it means",
    "indeterminate": "Not clear. The test may need to be done again",
    "declined": "You chose not to have this test",
    "pending": "Waiting for the result",
}

# What is overdue, said to the young person. A flag not listed is not shown to them: this
# very summary (LEAVER_SUMMARY_DUE), vaccines (said on page 1 and in the to-do list once) and
# their own plan actions (listed as actions).
OVERDUE_WORDS = {
    "IHA_MISSING": "Your first health check (IHA) has not happened yet.",
    "IHA_LATE": "Your first health check (IHA) was late.",
    "RHA_OVERDUE": "Your health check is overdue.",
    "DENTAL_CHECK_OVERDUE": "Your dental check is overdue.",
    "SIGHT_TEST_OVERDUE": "Your sight test is overdue.",
    "INFO_REQUEST_OUTSTANDING": "Your nurse is still waiting for some health records about you.",
    "UASC_SCREENING_INCOMPLETE": "Some health tests for people new to the UK are not done yet.",
    "ARRIVAL_SCREENING_INCOMPLETE": "Some health tests for people new to the UK are not done yet.",
    "GP_NOT_REGISTERED": "You are not signed up with a GP yet.",
}
# Late is over once it happened: the first health check was done, only late.
PAST_ONLY = frozenset({"IHA_LATE"})
WHO_ACTS_WORDS = {
    "nurse": "Your nurse is arranging it.",
    "carer": "You can book it yourself, or your personal adviser can help.",
    "gp": "Your GP can do this. Ask them.",
    "young_person": "This is for you to do.",
}


def _nhs(number: str | None) -> str | None:
    return f"{number[:3]} {number[3:6]} {number[6:]}" if number else None


def choices(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the young person chose for their summary (format /2 `young_person_choices`)."""
    return dict(record.get("young_person_choices") or {})


def quotes_available(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every assessment with the young person's own words, newest first."""
    said = [a for a in record.get("assessments") or [] if a.get("young_person_views")]
    return sorted(said, key=lambda a: a["date"], reverse=True)


def chosen_quote_ids(record: Mapping[str, Any]) -> list[str]:
    """The assessments whose words go in: as chosen, else the latest three."""
    chosen = choices(record).get("summary_quotes")
    if chosen is not None:
        return list(chosen)
    return [a["id"] for a in quotes_available(record)[:DEFAULT_QUOTES]]


def _first_page(record: Mapping[str, Any], view: CurrentView, born: date) -> dict[str, Any]:
    child = record["child"]
    gp = (record.get("contacts") or {}).get("gp")
    last = view.last_assessment
    status = view.report.immunisations
    return {
        "name": f"{child['given_name']} {child['family_name']}",
        "born": w.long_date(born),
        "born_estimated": child.get("date_of_birth_is_estimate", False),
        "nhs_number": _nhs(child.get("nhs_number")),
        "gp": gp,
        "allergies": [
            {"what": a["substance"], "reaction": a.get("reaction"), "severity": a.get("severity")}
            for a in view.allergies_active
        ],
        "medicines": [
            {"name": m["name"], "dose": m.get("dose"), "reason": m.get("reason")}
            for m in view.medicines_current
        ],
        "conditions": [
            {"name": c["name"], "suspected": c["status"] == "suspected"}
            for c in view.conditions_active
        ],
        "vaccines_due": [
            {"vaccine": course.vaccine, "when": w.course_words(course, since=w.care_start(child))}
            for course in status.courses()
        ],
        "vaccines_up_to_date": status.up_to_date,
        "family": [
            {
                "who": w.RELATIVE_WORDS[e["relative"]][:1].upper()
                + w.RELATIVE_WORDS[e["relative"]][1:],
                "condition": e["condition"],
            }
            for e in view.family_history
        ],
        "last_check": (
            {
                "what": "first health check (IHA)"
                if last["type"] == "IHA"
                else "health check (RHA)",
                "date": w.long_date(last["date"]),
                "who": f"{last['practitioner']['name']}, {last['practitioner']['role']}",
            }
            if last
            else None
        ),
    }


def _to_do(view: CurrentView) -> list[str]:
    """What is still to do, each said to the young person with who does it."""
    items = []
    vaccines = view.vaccines_due
    if vaccines:
        items.append(f"Vaccinations still due: {', '.join(vaccines)}. {WHO_ACTS_WORDS['gp']}")
    if view.screening_pending:
        tests = ", ".join(_test_name(s) for s in view.screening_pending)
        items.append(f"You are waiting for test results: {tests}. Your nurse or GP will tell you.")
    for item in view.overdue:
        if item.code in OVERDUE_WORDS and item.code not in PAST_ONLY:
            items.append(f"{OVERDUE_WORDS[item.code]} {WHO_ACTS_WORDS.get(item.who, '')}".strip())
    for action in view.open_plan:  # the young person's own actions only (current_view)
        due = w.long_date(action.get("due"))
        when = ""
        if due:
            late = date.fromisoformat(str(action["due"])) < view.as_of
            when = f" It was due by {due}." if late else f" Try to do it by {due}."
        items.append(f"{action['action']}.{when} This is for you to do.")
    return items


def _test_name(s: Mapping[str, Any]) -> str:
    return SCREENING_WORDS.get(s["test"]) or s.get("name") or "Another test"


def _screening(view: CurrentView) -> list[dict[str, Any]]:
    rows = []
    for s in [*view.screening_pending, *view.screening_done]:
        rows.append(
            {
                "test": _test_name(s),
                "date": w.long_date(s.get("date")),
                "result": RESULT_WORDS[s["result"]],
                "pending": s["result"] == "pending",
            }
        )
    return rows


def _birth(record: Mapping[str, Any], chosen: bool | None) -> dict[str, Any]:
    """Birth details go in only when the young person chose so; the nurse's notes never do."""
    birth = record.get("birth_history") or {}
    lines = []
    if birth.get("place_of_birth"):
        lines.append(f"You were born at {birth['place_of_birth']}.")
    if birth.get("gestation_weeks"):
        lines.append(
            f"You were born after {birth['gestation_weeks']} weeks of pregnancy "
            "(40 weeks is the usual length)."
        )
    if birth.get("birth_weight_kg"):
        lines.append(f"You weighed {birth['birth_weight_kg']} kg.")
    return {"choice": chosen, "lines": lines if chosen else []}


def _vaccines_had(view: CurrentView) -> list[dict[str, Any]]:
    """One row a vaccine: every date it was given and where each is recorded, oldest first."""
    rows: dict[str, dict[str, Any]] = {}
    for i in view.immunisations_given:
        row = rows.setdefault(i["vaccine"], {"vaccine": i["vaccine"], "dates": [], "sources": []})
        row["dates"].append(w.long_date(i["date"]))
        source = w.SOURCE_WORDS.get(i["source"], "a record")
        if source not in row["sources"]:
            row["sources"].append(source)
    return list(rows.values())


def _quotes(record: Mapping[str, Any], born: date) -> list[dict[str, Any]]:
    wanted = set(chosen_quote_ids(record))
    return [
        {
            "words": a["young_person_views"],
            "date": w.long_date(a["date"]),
            "when": w.when_you_were(born, a["date"]),
        }
        for a in quotes_available(record)
        if a["id"] in wanted
    ]


def own_part(view: CurrentView) -> dict[str, Any] | None:
    """What the young person wrote themselves (`current_view`'s own part), laid out as
    theirs (the passport and this summary both show it); None when they have added nothing."""
    own = view.own_part
    if not own:
        return None

    def appointment(a: Mapping[str, Any]) -> dict[str, Any]:
        at = f" at {a['time']}" if a.get("time") else ""
        return {"what": a["what"], "when": f"{w.long_date(a['date'])}{at}", "where": a.get("where")}

    return {
        "preferred_name": own.preferred_name,
        "pronouns": own.pronouns,
        "what_matters": own.what_matters,
        "to_come": [appointment(a) for a in own.appointments_to_come],
        "past": [appointment(a) for a in own.appointments_past],
        "notes": [{"text": n["text"], "on": w.long_date(n["written_on"])} for n in own.notes],
    }


def summary_sections(
    record: Mapping[str, Any], as_of: date, leaver_summary_issued_on: date | None = None
) -> dict[str, Any]:
    """Everything the care-leaver summary says, from the young person's current view."""
    view = current_view(
        record, YOUNG_PERSON, as_of, leaver_summary_issued_on=leaver_summary_issued_on
    )
    child = record["child"]
    born = date.fromisoformat(str(child["date_of_birth"]))
    contacts = record.get("contacts") or {}
    chosen = choices(record)
    to_do = _to_do(view)
    status = view.report.immunisations
    return {
        "gp_page": _first_page(record, view, born),
        "checklist": [
            ("You are signed up with a GP", "gp" in contacts),
            ("You are signed up with a dentist", "dentist" in contacts),
            ("You know your NHS number", bool(child.get("nhs_number"))),
            # Only when true: nothing due, pending or overdue, and no action of their own open.
            (NOTHING_LEFT, not to_do),
        ],
        "to_do": to_do,
        # Said beside the list, not in it: what others do is not left for them to do, so
        # "Nothing is left to do" keeps its meaning. Who acts, never the staff task itself.
        "others_acting": w.others_acting(
            view.others_acting, w.voice_for(dict(child), as_of, to_child=True)
        ),
        "nothing_left": NOTHING_LEFT,
        "own": own_part(view),
        "screening": _screening(view),
        "teeth_and_eyes": [
            {
                "what": "dental check" if c.kind == "dental" else "sight test",
                "last": w.long_date(c.last),
                "next": w.long_date(c.next_due),
                "overdue": c.overdue,
            }
            for c in view.checks
        ],
        "hospital": [
            {
                "what": w.HOSPITAL_WORDS[h["kind"]],
                "date": w.long_date(h["date"]),
                "until": w.long_date(h["discharged_on"])
                if h.get("discharged_on") and h["discharged_on"] != h["date"]
                else None,
                "where": h.get("where"),
                "why": h.get("why"),  # the reason; the notes are the nurse's and stay out
            }
            for h in view.hospital_episodes
        ],
        "birth": _birth(record, chosen.get("show_birth_details")),
        "past_conditions": [
            {
                "name": c["name"],
                "since": w.long_date(c.get("onset")),
                "until": w.long_date(c.get("resolved_on")),
            }
            for c in view.conditions_past
            if c["status"] == "resolved"
        ],
        "past_medicines": [
            {"name": m["name"], "until": w.long_date(m.get("stopped"))} for m in view.medicines_past
        ],
        "services": [
            {
                "service": m["service"],
                "from": w.long_date(m.get("first_seen_on") or m.get("referred_on")),
                "until": w.long_date(m.get("discharged_on")),
            }
            for m in record.get("mental_health") or []
        ],
        "checks_count": len(record.get("assessments") or []),
        "first_check": w.long_date(
            min((a["date"] for a in record.get("assessments") or []), default=None)
        ),
        "vaccines_had": _vaccines_had(view),
        "vaccines_not_given": [
            {
                "vaccine": w.dose_name(i["vaccine"], i.get("dose")),
                "date": w.long_date(i["date"]),
                "why": w.not_given_words(i["status"], i.get("status_reason")),
            }
            for i in view.immunisations_not_given
        ],
        "catch_up": (
            w.catch_up_intro(
                status.catch_up_from, bool(child.get("arrived_in_uk")), bool(view.vaccines_due)
            )
            if status.catch_up_from is not None
            else None
        ),
        "quotes": _quotes(record, born),
        "quotes_chosen": chosen.get("summary_quotes") is not None,
        "advice": [
            {
                "topic": w.ADVICE_WORDS[a["topic"]],
                "date": w.long_date(a["date"]),
                "by": a.get("by"),
            }
            for a in view.health_advice
        ],
        "gp": contacts.get("gp"),
        "adviser": contacts.get("personal_adviser"),
        "people": [
            (label, contacts[key])
            for key, label in (
                ("personal_adviser", "Your personal adviser"),
                ("lac_nurse", "Your nurse"),
                ("social_worker", "Your social worker"),
                ("dentist", "Your dentist"),
                ("optician", "Your optician"),
            )
            if key in contacts
        ],
        "authority": child.get("responsible_authority"),
        "glossary": w.GLOSSARY,
    }

"""What changed between two versions of a record, in plain words for the history page.

"Methylphenidate: stopped on 14 March 2023 - trial off medication agreed with the
paediatrician". Each version is a full copy of the record, so the history is worked out by
comparing a version with the one before it: entries of a list are matched by position where
they line up (`difflib` finds the runs that are the same), assessments by their `id`, and
each change is said as what the entry is and what happened to it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from passport.records.forms import LABELS, words
from passport.rules.dates import long_date

# The name of one entry of each list, and how to name a particular entry.
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "placements": ("Placement", ("type", "start")),
    "information_requests": ("Information request", ("to", "sent_on")),
    "immunisations": ("Immunisation", ("vaccine", "dose", "date")),
    "allergies": ("Allergy", ("substance",)),
    "conditions": ("Condition", ("name",)),
    "medications": ("Medicine", ("name",)),
    "mental_health": ("Mental health service", ("service",)),
    "screening": ("Screening test", ("name", "test", "date")),
    "family_history": ("Family health history", ("relative", "condition")),
    "hospital_episodes": ("Hospital episode", ("kind", "where", "date")),
    "health_advice": ("Health advice", ("topic", "date")),
    "health_plan": ("Plan action", ("action",)),
}
DATE_LISTS = {"dental_checks": "Dental check", "optical_checks": "Sight test"}

# A version that took an entry out as entered in error has a reason starting with this, so its
# history line can say so: "Entered in error: Penicillin allergy - recorded on the wrong child".
ENTERED_IN_ERROR = "Entered in error: "

FIELDS = {
    "dose": "dose",
    "started": "start date",
    "stopped": "stop date",
    "stop_reason": "why it stopped",
    "recorded_on": "date recorded",
    "onset": "date it started",
    "resolved_on": "date resolved",
    "sent_on": "date sent",
    "received_on": "date answered",
    "chased_on": "dates chased",
    "for_assessment": "assessment",
    "ods_code": "ODS code",
    "nhs_number": "NHS number",
    "date_of_birth": "date of birth",
    "date_of_birth_is_estimate": "date of birth is estimated",
    "given_name": "given name",
    "family_name": "family name",
    "preferred_name": "preferred name",
    "first_language": "first language",
    "interpreter_needed": "needs an interpreter",
    "legal_status": "legal status",
    "entered_care": "date entered care",
    "left_care": "date left care",
    "carer_ref": "carer",
    "host_authority": "host authority",
    "end": "end date",
    "start": "start date",
    "follow_up": "follow-up",
    "status_on": "status date",
    "status_by": "decided by",
    "status_reason": "why",
    "consent_to_share_with_young_person": "young person may see",
    "relevant_to_carer": "carer needs to know",
    "completed_on": "date done",
    "due": "due date",
    "first_seen_on": "date first seen",
    "referred_on": "date referred",
    "discharged_on": "date discharged",
    "immunisation_history_status": "immunisation history",
    "country_of_origin": "country of origin",
    "arrived_in_uk": "date arrived in the UK",
    "owner": "who will do it",
    "cancelled_on": "date cancelled",
    "cancelled_reason": "why cancelled",
    "booked_on": "date booked",
    "booked_for": "date booked for",
    "booked_by": "booked by",
    "withdrawn_on": "date withdrawn",
    "withdrawn_reason": "why withdrawn",
    "result_on": "date of the result",
    "consent_state": "relative's consent",
    "consent_on": "consent date",
    "consent_by": "consent recorded by",
    "practitioner registration_body": "practitioner's register",
    "practitioner registration_number": "practitioner's registration number",
}
# A dose not given (format /2), and a relative's consent (format /2), in words.
NOT_GIVEN = {"declined": "declined", "contraindicated": "not given (contraindicated)"}
CONSENT = {
    "asked": "relative asked for consent",
    "given": "relative's consent given",
    "refused": "relative's consent refused",
    "not_traced": "relative could not be traced",
    "not_asked": "relative not asked for consent",
}


def field_words(name: str) -> str:
    return FIELDS.get(name, name.replace("_", " "))


def value_words(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-":
            try:
                return long_date(date.fromisoformat(value))
            except ValueError:
                return value
        if value in LABELS:
            return LABELS[value]
        if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", value):
            return words(value).lower()
        return value
    if isinstance(value, list):
        return ", ".join(value_words(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_words(k)} {value_words(v)}" for k, v in value.items())
    return str(value)


def entry_name(section: str, item: dict[str, Any]) -> str:
    if section == "placements":
        return _placement_name(item)
    _, keys = SECTIONS.get(section, ("", ()))
    parts = [value_words(item[k]) for k in keys if item.get(k) not in (None, "")]
    if section == "immunisations" and item.get("dose"):
        parts = [
            f"{item['vaccine']} dose {item['dose']}",
            *([long_date(item["date"])] if item.get("date") else []),
        ]
    if section == "hospital_episodes" and item.get("kind") and item.get("date"):
        return _episode_name(item)
    if section == "health_advice" and item.get("topic") and item.get("date"):
        by = f" by {item['by']}" if item.get("by") else ""
        return f"{value_words(item['topic'])} on {long_date(item['date'])}{by}"
    return ", ".join(parts) or section


def _placement_name(item: dict[str, Any]) -> str:
    """`foster care with FC-0200, out of area, from 3 March 2026`."""
    said = value_words(item.get("type") or "placement")
    if item.get("carer_ref"):
        said += f" with {item['carer_ref']}"
    if item.get("area") == "out_of_area":
        said += (
            f", out of area ({item['host_authority']})"
            if item.get("host_authority")
            else (", out of area")
        )
    if item.get("start"):
        said += f", from {long_date(item['start'])}"
    return said


def _episode_name(item: dict[str, Any]) -> str:
    """'operation on 2 June 2025 at Example General Hospital - appendix removed'."""
    kind = value_words(item["kind"])
    kind = kind if kind.startswith("A&E") else kind.lower()
    where = f" at {item['where']}" if item.get("where") else ""
    why = f" - {item['why']}" if item.get("why") else ""
    return f"{kind} on {long_date(item['date'])}{where}{why}"


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, default=str)


def describe(
    before: dict[str, Any] | None, after: dict[str, Any], reason: str | None = None
) -> list[str]:
    """The lines that say what `after` changed from `before` (None: the first version).
    `reason` is why `after` was saved: an entry it took out as entered in error is said so."""
    if before is None:
        return []
    in_error = (
        reason[len(ENTERED_IN_ERROR) :] if reason and reason.startswith(ENTERED_IN_ERROR) else None
    )
    return list(_record(before, after, in_error))


def error_name(section: str, item: dict[str, Any]) -> str:
    """An entry taken out as entered in error: "Penicillin allergy", "Ritalin (medicine)"."""
    if section == "allergies":
        return f"{item.get('substance', '')} allergy"
    return f"{entry_name(section, item)} ({SECTIONS[section][0].lower()})"


def _record(
    before: dict[str, Any], after: dict[str, Any], in_error: str | None = None
) -> Iterator[str]:
    yield from _child(before.get("child", {}), after.get("child", {}))
    for field in ("immunisation_history_status",):
        yield from _fields("", {field: before.get(field)}, {field: after.get(field)})
    old_contacts, new_contacts = before.get("contacts") or {}, after.get("contacts") or {}
    for kind in dict.fromkeys([*old_contacts, *new_contacts]):
        name = words(kind)
        if kind not in old_contacts:
            yield f"{name} added: {new_contacts[kind].get('name', '')}"
        elif kind not in new_contacts:
            yield f"{name} removed: {old_contacts[kind].get('name', '')}"
        else:
            yield from _fields(f"{name}: ", old_contacts[kind], new_contacts[kind])
    for section in SECTIONS:
        if section != "health_plan":
            yield from _list(section, before.get(section) or [], after.get(section) or [], in_error)
    yield from _assessments(before.get("assessments") or [], after.get("assessments") or [])
    for section, name in DATE_LISTS.items():
        old, new = set(before.get(section) or []), set(after.get(section) or [])
        yield from (f"{name} added: {long_date(d)}" for d in sorted(new - old))
        yield from (f"{name} removed: {long_date(d)}" for d in sorted(old - new))
    if (before.get("birth_history") or {}) != (after.get("birth_history") or {}):
        yield from _fields(
            "Birth history: ", before.get("birth_history") or {}, after.get("birth_history") or {}
        )
    yield from _young_person_choices(
        before.get("young_person_choices") or {}, after.get("young_person_choices") or {}
    )
    child = after.get("child") or before.get("child") or {}
    yield from _young_person_own(
        child.get("preferred_name") or child.get("given_name") or "The young person",
        before.get("young_person_own") or {},
        after.get("young_person_own") or {},
    )


# The young person's own part (/2 `young_person_own`), said as what they did.
OWN_FIELDS = {
    "preferred_name": "the name they like to be called",
    "pronouns": "their pronouns",
    "what_matters": "what matters to them",
}


def _own_note(note: dict[str, Any]) -> str:
    return f"\u201c{note['text']}\u201d"


def _own_appointment(appointment: dict[str, Any]) -> str:
    at = f" at {appointment['time']}" if appointment.get("time") else ""
    where = f", {appointment['where']}" if appointment.get("where") else ""
    return f"{appointment['what']} on {value_words(appointment['date'])}{at}{where}"


def _young_person_own(name: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    """What the young person added, changed or removed of their own, in words: "Daniel added
    a note of their own: ...". Entries are matched by their id."""
    for field, said in OWN_FIELDS.items():
        was, now = old.get(field), new.get(field)
        if was == now:
            continue
        if not was:
            yield f"{name} added {said}: {now}"
        elif not now:
            yield f"{name} removed {said} (was {was})"
        else:
            yield f"{name} changed {said} from {was} to {now}"
    for section, one, show in (
        ("notes", "a note", _own_note),
        ("appointments", "an appointment", _own_appointment),
    ):
        before = {item["id"]: item for item in old.get(section) or []}
        after = {item["id"]: item for item in new.get(section) or []}
        for key, item in after.items():
            if key not in before:
                yield f"{name} added {one} of their own: {show(item)}"
            elif before[key] != item:
                yield f"{name} changed {one} of their own to {show(item)}"
        for key, item in before.items():
            if key not in after:
                yield f"{name} removed {one} of their own: {show(item)}"


def _young_person_choices(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    """What the young person chose for their care-leaver summary (/2), in words."""
    if old.get("show_birth_details") != new.get("show_birth_details"):
        shown = new.get("show_birth_details")
        yield (
            "Summary choice: birth details not chosen yet"
            if shown is None
            else f"Summary choice: birth details {'shown' if shown else 'left out'}"
        )
    if old.get("summary_quotes") != new.get("summary_quotes"):
        quotes = new.get("summary_quotes")
        if quotes is None:
            yield "Summary choice: own words back to the latest three"
        else:
            chosen = ", ".join(quotes) or "none"
            yield f"Summary choice: own words from {chosen}"


def _child(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    """The child's details; an estimated date of birth is said in words, not as yes or no."""
    flag = "date_of_birth_is_estimate"
    if bool(old.get(flag)) != bool(new.get(flag)):
        yield (
            "Date of birth marked as estimated"
            if new.get(flag)
            else "Date of birth no longer marked as estimated"
        )
    yield from _fields("", {**old, flag: None}, {**new, flag: None})


def _fields(prefix: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    for name in dict.fromkeys([*old, *new]):
        was, now = old.get(name), new.get(name)
        if was == now:
            continue
        label = field_words(name)
        label = label if prefix else label[:1].upper() + label[1:]
        if was in (None, "", []):
            yield f"{prefix}{label} added: {value_words(now)}"
        elif now in (None, "", []):
            yield f"{prefix}{label} removed (was {value_words(was)})"
        else:
            yield f"{prefix}{label} changed from {value_words(was)} to {value_words(now)}"


def _list(
    section: str, old: list[Any], new: list[Any], in_error: str | None = None
) -> Iterator[str]:
    matcher = difflib.SequenceMatcher(a=[_key(i) for i in old], b=[_key(i) for i in new])
    # Placements that start in this version, by start date: the other end of a move.
    starts = {p.get("start"): p for p in new if section == "placements" and p not in old}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for was, now in zip(old[i1:i2], new[j1:j2], strict=True):
                yield from _entry_changed(section, was, now)
            continue
        paired = 0
        if op == "replace" and section == "placements":
            # A move ends one placement and adds the next: the ended one is a change.
            paired = min(i2 - i1, j2 - j1)
            for was, now in zip(old[i1 : i1 + paired], new[j1 : j1 + paired], strict=True):
                yield from _placement_changed(was, now, starts)
        for was in old[i1 + paired : i2]:
            if in_error is not None:
                why = f" - {in_error}" if in_error else ""
                yield f"Entered in error: {error_name(section, was)}{why}"
            else:
                yield f"{SECTIONS[section][0]} removed: {entry_name(section, was)}"
        for now in new[j1 + paired : j2]:
            if section == "immunisations" and now.get("status") in NOT_GIVEN:
                yield _not_given(now)
            else:
                yield f"{SECTIONS[section][0]} added: {entry_name(section, now)}"


def _not_given(item: dict[str, Any]) -> str:
    """``MMR dose 2: declined on 3 May 2026 - parent's wish, decided by Dr A Example``."""
    name = f"{item['vaccine']} dose {item['dose']}" if item.get("dose") else item["vaccine"]
    why = f" - {item['status_reason']}" if item.get("status_reason") else ""
    by = f", decided by {item['status_by']}" if item.get("status_by") else ""
    return f"{name}: {NOT_GIVEN[item['status']]} on {long_date(item['date'])}{why}{by}"


def _consent(item: dict[str, Any]) -> str:
    """``Birth mother, asthma: relative's consent refused on 1 February 2026, by Sam Patel``."""
    on = f" on {long_date(item['consent_on'])}" if item.get("consent_on") else ""
    by = f", by {item['consent_by']}" if item.get("consent_by") else ""
    state = CONSENT.get(item.get("consent_state") or "", "relative's consent not recorded")
    name = entry_name("family_history", item)
    return f"{name[:1].upper()}{name[1:]}: {state}{on}{by}"


def _placement_changed(
    was: dict[str, Any], now: dict[str, Any], new_starts: dict[Any, dict[str, Any]]
) -> Iterator[str]:
    """`Placement ended on 3 March 2026 - moved to a new carer`, then any other change."""
    if now.get("end") and not was.get("end"):
        moved = ""
        following = new_starts.get(now["end"])
        if following is not None:
            same = following.get("carer_ref") and following.get("carer_ref") == was.get("carer_ref")
            moved = " - moved to a new placement" if same else " - moved to a new carer"
        carer = f" with {was['carer_ref']}" if was.get("carer_ref") else ""
        yield f"Placement{carer} ended on {long_date(now['end'])}{moved}"
        was = {**was, "end": now["end"]}
    yield from _fields(f"Placement ({entry_name('placements', was)}): ", was, now)


def _entry_changed(section: str, was: dict[str, Any], now: dict[str, Any]) -> Iterator[str]:
    name = entry_name(section, was)
    if section == "placements":
        yield from _placement_changed(was, now, {})
        return
    if section in ("hospital_episodes", "health_advice"):  # named in lower case: say which
        name = f"{SECTIONS[section][0]}, {name}"
    if section == "medications" and now.get("stopped") and not was.get("stopped"):
        why = f" - {now['stop_reason']}" if now.get("stop_reason") else ""
        yield f"{now['name']}: stopped on {long_date(now['stopped'])}{why}"
        was = {**was, "stopped": now["stopped"], "stop_reason": now.get("stop_reason")}
    elif section == "allergies" and now.get("status") != was.get("status"):
        state = {"resolved": "resolved", "refuted": "ruled out", "active": "active again"}
        on = f" on {long_date(now['status_on'])}" if now.get("status_on") else ""
        by = f" by {now['status_by']}" if now.get("status_by") else ""
        why = f" - {now['status_reason']}" if now.get("status_reason") else ""
        yield f"{now['substance']}: {state.get(now.get('status') or 'active')}{on}{by}{why}"
        keep = ("status", "status_on", "status_by", "status_reason")
        was = {**was, **{k: now.get(k) for k in keep}}
    elif section == "health_plan" and now.get("status") != was.get("status"):
        yield _plan_status(now)
        marks = ("status", "completed_on", "status_by", "cancelled_on", "cancelled_reason")
        was = {**was, **{k: now.get(k) for k in marks}}
    elif section == "health_plan" and any(now.get(k) != was.get(k) for k in BOOKING):
        yield _booking(now)
        was = {**was, **{k: now.get(k) for k in BOOKING}}
    elif section == "information_requests" and now.get("withdrawn_on") != was.get("withdrawn_on"):
        if now.get("withdrawn_on"):
            why = f" - {now['withdrawn_reason']}" if now.get("withdrawn_reason") else ""
            yield f"{SECTIONS[section][0]} to {name}: withdrawn on " + (
                f"{long_date(now['withdrawn_on'])}{why}"
            )
        else:
            yield f"{SECTIONS[section][0]} to {name}: no longer withdrawn"
        was = {**was, **{k: now.get(k) for k in ("withdrawn_on", "withdrawn_reason")}}
    elif section == "immunisations" and now.get("status") != was.get("status"):
        if now.get("status") in NOT_GIVEN:
            yield _not_given(now)
        else:
            yield f"{entry_name(section, now)}: given"
        keep = ("status", "status_by", "status_reason", "date")
        was = {**was, **{k: now.get(k) for k in keep}}
    elif section == "family_history" and (
        now.get("consent_state") != was.get("consent_state")
        or now.get("consent_on") != was.get("consent_on")
    ):
        yield _consent(now)
        keep = ("consent_state", "consent_on", "consent_by", "consent_to_share_with_young_person")
        was = {**was, **{k: now.get(k) for k in keep}}
    yield from _fields(f"{name}: ", was, now)


def _plan_status(action: dict[str, Any]) -> str:
    """ "Dental check-up: done on 12 May 2026 by the carer", "...: cancelled on ... - why"."""
    status = action.get("status")
    if status == "done":
        on = f" on {long_date(action['completed_on'])}" if action.get("completed_on") else ""
        by = f" by {action['status_by']}" if action.get("status_by") else ""
        return f"{action['action']}: done{on}{by}"
    if status == "cancelled":
        on = f" on {long_date(action['cancelled_on'])}" if action.get("cancelled_on") else ""
        by = f" by {action['status_by']}" if action.get("status_by") else ""
        why = f" - {action['cancelled_reason']}" if action.get("cancelled_reason") else ""
        return f"{action['action']}: cancelled{on}{by}{why}"
    if action.get("booked_on"):
        return f"{action['action']}: not done after all, booked again{_booked_for(action)}"
    return f"{action['action']}: not done, open again"


# A plan action's booking (format /2): when it was booked, for which day, by whom.
BOOKING = ("booked_on", "booked_for", "booked_by")


def _booked_for(action: dict[str, Any]) -> str:
    return f" for {long_date(action['booked_for'])}" if action.get("booked_for") else ""


def _booking(action: dict[str, Any]) -> str:
    """ "Dental check-up: booked on 29 November 2026 by Jo Carer, for 7 December 2026"."""
    if not action.get("booked_on"):
        return f"{action['action']}: no longer booked"
    by = f" by {action['booked_by']}" if action.get("booked_by") else ""
    when = f", for {long_date(action['booked_for'])}" if action.get("booked_for") else ""
    return f"{action['action']}: booked on {long_date(action['booked_on'])}{by}{when}"


def _assessments(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Iterator[str]:
    kinds = {"IHA": "Initial health assessment", "RHA": "Review health assessment"}

    def name(a: dict[str, Any]) -> str:
        return f"{kinds.get(a['type'], 'Assessment')} of {long_date(a['date'])}"

    old_by_id = {a["id"]: a for a in old}
    new_ids = {a["id"] for a in new}
    for a in new:
        was = old_by_id.get(a["id"])
        if was is None:
            yield f"{name(a)} added"
        elif was != a:
            rest_was = {k: v for k, v in was.items() if k != "health_plan"}
            rest_now = {k: v for k, v in a.items() if k != "health_plan"}
            yield from _fields(f"{name(a)}: ", _flat(rest_was), _flat(rest_now))
            for line in _list("health_plan", was.get("health_plan", []), a.get("health_plan", [])):
                yield f"{name(a)}: {line[0].lower()}{line[1:]}"
    for a in old:
        if a["id"] not in new_ids:
            yield f"{name(a)} removed"


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out |= _flat(value, f"{prefix}{key} ")
        else:
            out[f"{prefix}{key}"] = value
    return out

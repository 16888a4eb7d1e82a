"""The format's rules that JSON Schema cannot express: dates not in the future nor before
birth, things in order (a stop after its start), ids unique and references that resolve.
`RecordSchema` runs them on every load; each breach is a (path, message) pair."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

Path = tuple[str | int, ...]


Dated = tuple[Path, date, str]

# Sections whose items carry event dates at these fields, and nothing more to say about them.
SINGLE_DATES: dict[str, tuple[str, ...]] = {
    "immunisations": ("date",),
    "allergies": ("recorded_on", "status_on"),
    "conditions": ("onset", "resolved_on"),
    "medications": ("started", "stopped"),
    "mental_health": ("referred_on", "first_seen_on", "discharged_on"),
    "screening": ("date", "result_on"),
    "family_history": ("recorded_on", "consent_on"),
    "hospital_episodes": ("date", "discharged_on"),
    "health_advice": ("date",),
}


def _items(data: dict[str, Any], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, item in enumerate(data.get(name) or []):
        if isinstance(item, dict):
            yield index, item


def _dates_in(
    prefix: Path, obj: dict[str, Any], *names: str, kind: str = "event"
) -> Iterator[Dated]:
    for name in names:
        if isinstance(obj.get(name), date):
            yield prefix + (name,), obj[name], kind


def _assessment_dates(prefix: Path, assessment: dict[str, Any]) -> Iterator[Dated]:
    yield from _dates_in(prefix, assessment, "date")
    for sub, names in (("consent", ("recorded_on",)), ("sdq", ("date",))):
        if isinstance(assessment.get(sub), dict):
            yield from _dates_in(prefix + (sub,), assessment[sub], *names)
    for j, action in enumerate(assessment.get("health_plan") or []):
        if isinstance(action, dict):
            action_path = prefix + ("health_plan", j)
            # An action may be due, or booked for, a day still to come.
            yield from _dates_in(action_path, action, "due", "booked_for", kind="plan")
            yield from _dates_in(action_path, action, "completed_on", "cancelled_on", "booked_on")


def _request_dates(prefix: Path, request: dict[str, Any]) -> Iterator[Dated]:
    yield from _dates_in(prefix, request, "sent_on", "received_on", "withdrawn_on")
    for j, chased in enumerate(request.get("chased_on") or []):
        if isinstance(chased, date):
            yield prefix + ("chased_on", j), chased, "event"


def _dated(data: dict[str, Any]) -> Iterator[Dated]:
    """Every date in a loaded record, with its path and whether it is an event or a plan."""
    yield from _dates_in(
        ("child",),
        data.get("child") or {},
        "date_of_birth",
        "entered_care",
        "left_care",
        "arrived_in_uk",
    )
    for i, placement in _items(data, "placements"):
        yield from _dates_in(("placements", i), placement, "start")
        # A placement may have a planned end date.
        yield from _dates_in(("placements", i), placement, "end", kind="plan")
    for kind, contact in (data.get("contacts") or {}).items():
        if isinstance(contact, dict):
            yield from _dates_in(("contacts", kind), contact, "registered_on")
    for i, assessment in _items(data, "assessments"):
        yield from _assessment_dates(("assessments", i), assessment)
    for i, request in _items(data, "information_requests"):
        yield from _request_dates(("information_requests", i), request)
    for section, date_names in SINGLE_DATES.items():
        for i, item in _items(data, section):
            yield from _dates_in((section, i), item, *date_names)
    for section in ("dental_checks", "optical_checks"):
        for i, value in enumerate(data.get(section) or []):
            if isinstance(value, date):
                yield (section, i), value, "event"
    yield from _own_dates(data)


def _own_dates(data: dict[str, Any]) -> Iterator[Dated]:
    """The young person's own notes were written by today; an appointment may be to come."""
    own = data.get("young_person_own")
    if not isinstance(own, dict):
        return
    for i, note in _items(own, "notes"):
        yield from _dates_in(("young_person_own", "notes", i), note, "written_on")
    for i, appointment in _items(own, "appointments"):
        path: Path = ("young_person_own", "appointments", i)
        yield from _dates_in(path, appointment, "date", kind="plan")


def _order(
    obj: dict[str, Any], prefix: Path, earlier: str, later: str, words: str
) -> Iterator[tuple[Path, str]]:
    first, second = obj.get(earlier), obj.get(later)
    if isinstance(first, date) and isinstance(second, date) and second < first:
        yield prefix + (later,), f"must be on or after {earlier} ({first.isoformat()}){words}"


# (section, earlier field, later field): the later date may not come before the earlier.
ORDERED: tuple[tuple[str, str, str], ...] = (
    ("placements", "start", "end"),
    ("conditions", "onset", "resolved_on"),
    ("medications", "started", "stopped"),
    ("mental_health", "referred_on", "discharged_on"),
    ("information_requests", "sent_on", "received_on"),
    ("information_requests", "sent_on", "withdrawn_on"),
    ("screening", "date", "result_on"),
    ("hospital_episodes", "date", "discharged_on"),
)


def _date_breaches(
    data: dict[str, Any], today: date, born: date | None
) -> Iterator[tuple[Path, str]]:
    for path, value, kind in _dated(data):
        if kind == "event" and value > today:
            yield path, f"must not be in the future ({value.isoformat()} is after today)"
        elif born and value < born and path != ("child", "date_of_birth"):
            yield path, f"must not be before the date of birth ({born.isoformat()})"


def _order_breaches(data: dict[str, Any], child: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    yield from _order(child, ("child",), "date_of_birth", "entered_care", "")
    yield from _order(child, ("child",), "entered_care", "left_care", "")
    for section, earlier, later in ORDERED:
        for i, item in _items(data, section):
            yield from _order(item, (section, i), earlier, later, "")


def _reference_breaches(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    seen: dict[str, int] = {}
    for i, assessment in _items(data, "assessments"):
        if not isinstance(assessment.get("id"), str):
            continue
        first = seen.setdefault(assessment["id"], i)
        if first != i:
            yield (
                ("assessments", i, "id"),
                f'"{assessment["id"]}" is already the id of assessments[{first}]',
            )
    for i, request in _items(data, "information_requests"):
        wanted = request.get("for_assessment")
        if isinstance(wanted, str) and wanted not in seen:
            yield (
                ("information_requests", i, "for_assessment"),
                f'names no assessment in this record ("{wanted}")',
            )
    choices = data.get("young_person_choices")
    quotes = choices.get("summary_quotes") if isinstance(choices, dict) else None
    chosen: set[str] = set()
    for j, wanted in enumerate(quotes if isinstance(quotes, list) else []):
        if not isinstance(wanted, str):
            continue
        path: Path = ("young_person_choices", "summary_quotes", j)
        if wanted not in seen:
            yield path, f'names no assessment in this record ("{wanted}")'
        elif wanted in chosen:
            yield path, f'"{wanted}" is chosen twice'
        chosen.add(wanted)


def _own_id_breaches(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """The young person's own notes and appointments each have an id of their own."""
    own = data.get("young_person_own")
    if not isinstance(own, dict):
        return
    for section in ("notes", "appointments"):
        seen: dict[str, int] = {}
        for i, item in _items(own, section):
            if not isinstance(item.get("id"), str):
                continue
            first = seen.setdefault(item["id"], i)
            if first != i:
                yield (
                    ("young_person_own", section, i, "id"),
                    f'"{item["id"]}" is already the id of young_person_own.{section}[{first}]',
                )


def _consent_breaches(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """A family-history entry's consent state (/2) and its /1 yes or no must agree: the young
    person may see it only when the relative gave consent."""
    for i, entry in _items(data, "family_history"):
        state = entry.get("consent_state")
        shared = entry.get("consent_to_share_with_young_person")
        if not isinstance(state, str) or not isinstance(shared, bool):
            continue
        if shared and state != "given":
            yield (
                ("family_history", i, "consent_state"),
                f'is "{state}" but consent_to_share_with_young_person is true: the young '
                "person may see an entry only when the relative gave consent",
            )
        elif not shared and state == "given":
            yield (
                ("family_history", i, "consent_state"),
                'is "given" but consent_to_share_with_young_person is false: say one thing',
            )


def record_rule_breaches(data: dict[str, Any], today: date) -> Iterator[tuple[Path, str]]:
    """The format's rules that JSON Schema cannot express, as (path, message) pairs."""
    given = data.get("child")
    child: dict[str, Any] = given if isinstance(given, dict) else {}
    born = child.get("date_of_birth")
    yield from _date_breaches(data, today, born if isinstance(born, date) else None)
    yield from _order_breaches(data, child)
    yield from _reference_breaches(data)
    yield from _consent_breaches(data)
    yield from _own_id_breaches(data)

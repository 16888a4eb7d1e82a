"""The format's rules that JSON Schema cannot express: dates not in the future nor before
birth, things in order (a stop after its start), ids unique and references that resolve.
`RecordSchema` runs them on every load; each breach is a (path, message) pair."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

Path = tuple[str | int, ...]


def _dated(data: dict[str, Any]) -> Iterator[tuple[Path, date, str]]:
    """Every date in a loaded record, with its path and whether it is an event or a plan."""

    def items(name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        for index, item in enumerate(data.get(name) or []):
            if isinstance(item, dict):
                yield index, item

    def dates_in(prefix: Path, obj: dict[str, Any], *names: str) -> Iterator[tuple[Path, date]]:
        for name in names:
            if isinstance(obj.get(name), date):
                yield prefix + (name,), obj[name]

    child = data.get("child") or {}
    for path, value in dates_in(("child",), child, "date_of_birth", "entered_care", "left_care"):
        yield path, value, "event"
    for i, placement in items("placements"):
        yield from ((p, v, "event") for p, v in dates_in(("placements", i), placement, "start"))
        # A placement may have a planned end date.
        yield from ((p, v, "plan") for p, v in dates_in(("placements", i), placement, "end"))
    for kind, contact in (data.get("contacts") or {}).items():
        if isinstance(contact, dict):
            for p, v in dates_in(("contacts", kind), contact, "registered_on"):
                yield p, v, "event"
    for i, assessment in items("assessments"):
        prefix: Path = ("assessments", i)
        yield from ((p, v, "event") for p, v in dates_in(prefix, assessment, "date"))
        for sub in ("consent", "sdq"):
            if isinstance(assessment.get(sub), dict):
                names = ("recorded_on",) if sub == "consent" else ("date",)
                for p, v in dates_in(prefix + (sub,), assessment[sub], *names):
                    yield p, v, "event"
        for j, action in enumerate(assessment.get("health_plan") or []):
            if isinstance(action, dict):
                action_path = prefix + ("health_plan", j)
                yield from ((p, v, "plan") for p, v in dates_in(action_path, action, "due"))
                for p, v in dates_in(action_path, action, "completed_on"):
                    yield p, v, "event"
    for i, request in items("information_requests"):
        for p, v in dates_in(("information_requests", i), request, "sent_on", "received_on"):
            yield p, v, "event"
        for j, chased in enumerate(request.get("chased_on") or []):
            if isinstance(chased, date):
                yield ("information_requests", i, "chased_on", j), chased, "event"
    single_dates: dict[str, tuple[str, ...]] = {
        "immunisations": ("date",),
        "allergies": ("recorded_on",),
        "conditions": ("onset", "resolved_on"),
        "medications": ("started", "stopped"),
        "mental_health": ("referred_on", "first_seen_on", "discharged_on"),
        "screening": ("date",),
        "family_history": ("recorded_on",),
    }
    for section, date_names in single_dates.items():
        for i, item in items(section):
            for p, v in dates_in((section, i), item, *date_names):
                yield p, v, "event"
    for section in ("dental_checks", "optical_checks"):
        for i, value in enumerate(data.get(section) or []):
            if isinstance(value, date):
                yield (section, i), value, "event"


def _order(
    obj: dict[str, Any], prefix: Path, earlier: str, later: str, words: str
) -> Iterator[tuple[Path, str]]:
    first, second = obj.get(earlier), obj.get(later)
    if isinstance(first, date) and isinstance(second, date) and second < first:
        yield prefix + (later,), f"must be on or after {earlier} ({first.isoformat()}){words}"


def record_rule_breaches(data: dict[str, Any], today: date) -> Iterator[tuple[Path, str]]:
    """The format's rules that JSON Schema cannot express, as (path, message) pairs."""
    given = data.get("child")
    child: dict[str, Any] = given if isinstance(given, dict) else {}
    born = child.get("date_of_birth")
    born = born if isinstance(born, date) else None

    for path, value, kind in _dated(data):
        if kind == "event" and value > today:
            yield path, f"must not be in the future ({value.isoformat()} is after today)"
        elif born and value < born and path != ("child", "date_of_birth"):
            yield path, f"must not be before the date of birth ({born.isoformat()})"

    yield from _order(child, ("child",), "date_of_birth", "entered_care", "")
    yield from _order(child, ("child",), "entered_care", "left_care", "")
    for i, placement in enumerate(data.get("placements") or []):
        if isinstance(placement, dict):
            yield from _order(placement, ("placements", i), "start", "end", "")
    for i, condition in enumerate(data.get("conditions") or []):
        if isinstance(condition, dict):
            yield from _order(condition, ("conditions", i), "onset", "resolved_on", "")
    for i, medication in enumerate(data.get("medications") or []):
        if isinstance(medication, dict):
            yield from _order(medication, ("medications", i), "started", "stopped", "")
    for i, episode in enumerate(data.get("mental_health") or []):
        if isinstance(episode, dict):
            yield from _order(episode, ("mental_health", i), "referred_on", "discharged_on", "")
    for i, request in enumerate(data.get("information_requests") or []):
        if isinstance(request, dict):
            yield from _order(request, ("information_requests", i), "sent_on", "received_on", "")

    seen: dict[str, int] = {}
    for i, assessment in enumerate(data.get("assessments") or []):
        if not isinstance(assessment, dict) or not isinstance(assessment.get("id"), str):
            continue
        first = seen.setdefault(assessment["id"], i)
        if first != i:
            yield (
                ("assessments", i, "id"),
                f'"{assessment["id"]}" is already the id of assessments[{first}]',
            )
    for i, request in enumerate(data.get("information_requests") or []):
        if isinstance(request, dict) and isinstance(request.get("for_assessment"), str):
            if request["for_assessment"] not in seen:
                yield (
                    ("information_requests", i, "for_assessment"),
                    f'names no assessment in this record ("{request["for_assessment"]}")',
                )

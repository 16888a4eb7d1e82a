"""Keeping a child's details, placements and contacts up to date (issue 14): change the
child's details, add, change, end or move a placement, add, change or remove a contact.

Each save is a new version through `editing.save_change`, with the reason the nurse gave when
it changes or ends something. The routes check the role and that the child is one of the
nurse's (`child_or_404`); anything else is a 404.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import abort, flash, request, url_for
from flask import redirect as redirect_to
from flask.typing import ResponseReturnValue
from wtforms.validators import Optional

from passport.records import changes, service
from passport.records import details_forms as df
from passport.records.editing import child_or_404, render_form, save_change
from passport.records.forms import words
from passport.records.placements import current_placement
from passport.rules.dates import long_date
from passport.web import context
from passport.web.auth import require_role

nurse_only = require_role("nurse", "admin")
ISO_DATE = re.compile(r"\b([0-9]{4}-[0-9]{2}-[0-9]{2})\b")


def _to_child(ref: str, anchor: str) -> ResponseReturnValue:
    return redirect_to(url_for("records.child", ref=ref, _anchor=anchor))


def _day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def _uk_dates(message: str) -> str:
    """`must not be in the future (2027-01-05 is after today)` in UK dates."""

    def uk(match: re.Match[str]) -> str:
        try:
            return long_date(match.group(1))
        except ValueError:
            return match.group(1)

    return ISO_DATE.sub(uk, message)


def path_words(path: str, record: dict[str, Any] | None = None) -> str:
    """`placements[3].end` as a person says it: `Placement 4: end date`, or with the record,
    the entry by name: `Condition Eczema: date it started`."""
    parts = re.findall(r"[A-Za-z_]+|\[\d+\]", path)
    if not parts:
        return "The record"
    section, rest = parts[0], parts[1:]
    name = changes.SECTIONS.get(section, (words(section),))[0]
    if section == "child":
        name = ""
    elif section == "contacts" and rest:
        name, rest = words(rest[0]), rest[1:]
    numbers = [p for p in rest if p.startswith("[")]
    if numbers:
        index = int(numbers[0][1:-1])
        items = (record or {}).get(section)
        item = items[index] if isinstance(items, list) and index < len(items) else None
        if isinstance(item, dict) and section in changes.SECTIONS:
            name = f"{name} {changes.entry_name(section, item)}"
        elif isinstance(item, str | date):
            name = f"{name} of {long_date(item)}"
        else:
            name = f"{name} {index + 1}"
    fields = [changes.field_words(p) for p in rest if not p.startswith("[")]
    said = ": ".join(x for x in (name, " ".join(fields)) if x)
    return said[:1].upper() + said[1:]


def _attach(form: Any, errors: list[service.FieldError], prefix: str) -> list[str]:
    """Each of the format's errors on its field (`child.nhs_number` on `nhs_number`), in plain
    words with UK dates; those that belong to no field of the form, said with no JSON path."""
    loose = []
    for error in errors:
        message = _uk_dates(error.message)
        name = error.path[len(prefix) :] if error.path.startswith(prefix) else None
        if name and name in form:
            field = form[name]
            field.errors = [*field.errors, f"{field.label.text} {message}"]
        else:
            loose.append(f"{path_words(error.path)} {message}")
    return loose


def _refuse(field: Any, message: str) -> None:
    field.errors = [*field.errors, message]


def _check_day(field: Any, day: date | None, born: date, today: date) -> None:
    """Refuse a date in the future or before birth: something that has happened."""
    what = field.label.text[:1].lower() + field.label.text[1:]
    if day is None:
        return
    if day > today:
        _refuse(field, f"The {what} must not be in the future: today is {long_date(today)}")
    elif day < born:
        _refuse(field, f"The {what} must not be before the date of birth, {long_date(born)}")


def _not_before(field: Any, day: date | None, start: date, words_for_start: str) -> None:
    what = field.label.text[:1].lower() + field.label.text[1:]
    if day is not None and day < start:
        _refuse(field, f"The {what} must be on or after {words_for_start}, {long_date(start)}")


def _dates_in(value: Any, path: str = "") -> list[tuple[str, date]]:
    """Every date of a record written as the format writes it, with its path."""
    found: list[tuple[str, date]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _dates_in(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _dates_in(item, f"{path}[{index}]")
    elif isinstance(value, date):
        found.append((path, value))
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            found.append((path, date.fromisoformat(value)))
        except ValueError:
            pass
    return found


def _saved(
    ref: str, form: Any, change: Any, what: str, reason: str | None, prefix: str
) -> tuple[bool, bool, list[str]]:
    """(done, conflict, loose errors) of saving `change` as a new version."""
    asks_why = "change_reason" in form and not any(
        isinstance(v, Optional) for v in form.change_reason.validators
    )
    if asks_why and not reason:  # only spaces typed
        _refuse(form.change_reason, "Enter why you are making this change")
        return False, False, []
    errors, conflict = save_change(ref, form.version.data, change, what, reason=reason)
    if conflict or errors:
        return False, conflict, _attach(form, errors, prefix)
    return True, False, []


def _reason(form: Any) -> str | None:
    return df.clean(form.change_reason.data) if "change_reason" in form else None


# --- the child's details --------------------------------------------------------------------


@nurse_only
def change_details(ref: str) -> ResponseReturnValue:
    form = df.ChildDetailsForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    if request.method == "GET":
        form.version.data = str(version)
        form.fill(record["child"])
    conflict = False
    loose: list[str] = []
    if request.method == "POST":
        # The checks below run even when a required field is missing, so every problem
        # is shown at once.
        form.validate_on_submit()
        digits = form.nhs_number_digits()
        born = form.date_of_birth.data
        today = context.today()
        if born is None:
            pass
        elif born > today:
            _refuse(form.date_of_birth, "The date of birth must not be in the future")
        else:
            others = [
                (path, day)
                for path, day in _dates_in(record)
                if path != "child.date_of_birth" and day < born
            ]
            if others:
                path, day = min(others, key=lambda found: found[1])
                _refuse(
                    form.date_of_birth,
                    f"The date of birth must be on or before {long_date(day)}, the earliest "
                    f"date in the record ({path_words(path, record)})",
                )
        if digits is not None and not form.errors:

            def change(document: dict[str, Any]) -> None:
                form.apply(document["child"], digits)

            done, conflict, loose = _saved(
                ref, form, change, "child details", _reason(form), "child."
            )
            if done:
                flash("Details changed")
                return _to_child(ref, "details")
    return render_form("records/details_child.html", ref, form, conflict, loose)


# --- placements -------------------------------------------------------------------------------


def _placement_or_404(record: dict[str, Any], index: int) -> dict[str, Any]:
    placements = record.get("placements") or []
    if index >= len(placements):
        abort(404)
    placement: dict[str, Any] = placements[index]
    return placement


def _born(record: dict[str, Any]) -> date:
    born = _day(record["child"]["date_of_birth"])
    assert born is not None  # the format requires it
    return born


@nurse_only
def new_placement(ref: str) -> ResponseReturnValue:
    form = df.NewPlacementForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    if request.method == "GET":
        form.version.data = str(version)
    conflict = False
    loose: list[str] = []
    if request.method == "POST":
        form.validate_on_submit()
        start = form.start.data
        _check_day(form.start, start, _born(record), context.today())
        if start is not None and not form.errors:
            # In order of start date; a placement starting the same day goes after.
            starts = [_day(p["start"]) for p in record.get("placements") or []]
            index = len([day for day in starts if day is not None and day <= start])

            def add(document: dict[str, Any]) -> None:
                item = {"start": start.isoformat()}
                form.apply(item)
                document.setdefault("placements", []).insert(index, item)

            done, conflict, loose = _saved(
                ref, form, add, "placement", None, f"placements[{index}]."
            )
            if done:
                flash("Placement added")
                return _to_child(ref, "placements")
    return render_form(
        "records/details_placement.html", ref, form, conflict, loose, title="Add a placement"
    )


@nurse_only
def change_placement(ref: str, index: int) -> ResponseReturnValue:
    form = df.ChangePlacementForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    placement = _placement_or_404(record, index)
    if request.method == "GET":
        form.version.data = str(version)
        form.fill(placement)
        form.start.data = _day(placement["start"])
        form.end.data = _day(placement.get("end"))
    conflict = False
    loose: list[str] = []
    if request.method == "POST":
        form.validate_on_submit()
        start, end = form.start.data, form.end.data
        _check_day(form.start, start, _born(record), context.today())
        # An end date may be planned: in the future, but never before the start.
        if start is not None:
            _not_before(form.end, end, start, "the start date")
        if start is not None and not form.errors:

            def change(document: dict[str, Any]) -> None:
                target = document["placements"][index]
                target["start"] = start.isoformat()
                df._set(target, "end", end.isoformat() if end else None)
                form.apply(target)

            done, conflict, loose = _saved(
                ref, form, change, "placement", _reason(form), f"placements[{index}]."
            )
            if done:
                flash("Placement changed")
                return _to_child(ref, "placements")
    return render_form(
        "records/details_placement.html",
        ref,
        form,
        conflict,
        loose,
        title="Change a placement",
        placement=placement,
    )


@nurse_only
def end_placement(ref: str, index: int) -> ResponseReturnValue:
    form = df.EndPlacementForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    placement = _placement_or_404(record, index)
    ended = _day(placement.get("end"))
    if ended is not None and ended <= context.today():
        abort(404)  # ended already: change it instead
    if request.method == "GET":
        form.version.data = str(version)
    conflict = False
    loose: list[str] = []
    if request.method == "POST":
        form.validate_on_submit()
        end = form.end.data
        start = _day(placement["start"])
        assert start is not None  # the format requires it
        _check_day(form.end, end, _born(record), context.today())
        _not_before(form.end, end, start, "the start date")
        if end is not None and not form.errors:

            def change(document: dict[str, Any]) -> None:
                document["placements"][index]["end"] = end.isoformat()

            done, conflict, loose = _saved(
                ref, form, change, "placement", _reason(form), f"placements[{index}]."
            )
            if done:
                flash("Placement ended")
                return _to_child(ref, "placements")
    return render_form(
        "records/details_end_placement.html", ref, form, conflict, loose, placement=placement
    )


@nurse_only
def move_placement(ref: str) -> ResponseReturnValue:
    """A move: the current placement ends on the day of the move and the new one starts the
    same day (on that day the child is in both, as `placements.current_placements` reads it)."""
    form = df.MovePlacementForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    today = context.today()
    current = current_placement(record, today)
    if current is None:
        abort(404)
    index = next(i for i, p in enumerate(record["placements"]) if p is current)
    if request.method == "GET":
        form.version.data = str(version)
    conflict = False
    loose: list[str] = []
    if request.method == "POST":
        form.validate_on_submit()
        moved_on = form.moved_on.data
        start = _day(current["start"])
        assert start is not None  # the format requires it
        _check_day(form.moved_on, moved_on, _born(record), today)
        _not_before(form.moved_on, moved_on, start, "the start of the current placement")
        if moved_on is not None and not form.errors:

            def move(document: dict[str, Any]) -> None:
                placements = document["placements"]
                placements[index]["end"] = moved_on.isoformat()
                item = {"start": moved_on.isoformat()}
                form.apply(item)
                placements.insert(index + 1, item)

            done, conflict, loose = _saved(
                ref, form, move, "placement", _reason(form), f"placements[{index + 1}]."
            )
            if done:
                flash("Move recorded")
                return _to_child(ref, "placements")
    return render_form(
        "records/details_placement.html",
        ref,
        form,
        conflict,
        loose,
        title="Record a move to a new placement",
        placement=current,
    )


# --- contacts ---------------------------------------------------------------------------------


def _lower(label: str) -> str:
    """`Social worker` as `social worker`, but `GP practice` and `LAC nurse` as they are."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _contact_kind(kind: str) -> str:
    if kind not in df.CONTACT_KINDS:
        abort(404)
    return df.CONTACT_KINDS[kind]


@nurse_only
def edit_contact(ref: str, kind: str) -> ResponseReturnValue:
    """Add a contact, or change the one the record has (then with a reason)."""
    label = _contact_kind(kind)
    form = df.PracticeForm() if kind in df.PRACTICES else df.PersonForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    existing = (record.get("contacts") or {}).get(kind)
    if existing is None:
        form.change_reason.validators = [Optional()]
    if request.method == "GET":
        form.version.data = str(version)
        if existing:
            form.fill(existing)
    conflict = False
    loose: list[str] = []
    if request.method == "POST":
        form.validate_on_submit()
        if isinstance(form, df.PracticeForm):
            code = (form.ods_code.data or "").strip().upper()
            form.ods_code.data = code
            if kind == "gp" and code and not df.GP_ODS.match(code):
                _refuse(form.ods_code, "The ODS code must be a letter then 5 digits, like Y99021")
            _check_day(form.registered_on, form.registered_on.data, _born(record), context.today())
        if not form.errors:
            item = form.item()

            def change(document: dict[str, Any]) -> None:
                document.setdefault("contacts", {})[kind] = item

            reason = _reason(form) if existing else None
            done, conflict, loose = _saved(
                ref, form, change, "contact", reason, f"contacts.{kind}."
            )
            if done:
                flash(f"{label} {'changed' if existing else 'added'}")
                return _to_child(ref, "contacts")
    title = f"Change the {_lower(label)}" if existing else df.ADD_TITLES[kind]
    return render_form(
        "records/details_contact.html",
        ref,
        form,
        conflict,
        loose,
        title=title,
        adding=existing is None,
        kind=kind,
    )


@nurse_only
def remove_contact(ref: str, kind: str) -> ResponseReturnValue:
    label = _contact_kind(kind)
    form = df.RemoveContactForm()
    with context.db().transaction() as session:
        version, record = child_or_404(session, ref)
    existing = (record.get("contacts") or {}).get(kind)
    if existing is None:
        abort(404)
    if request.method == "GET":
        form.version.data = str(version)
    conflict = False
    loose: list[str] = []
    if form.validate_on_submit():

        def change(document: dict[str, Any]) -> None:
            contacts = document.get("contacts") or {}
            contacts.pop(kind, None)
            if contacts:
                document["contacts"] = contacts
            else:
                document.pop("contacts", None)

        done, conflict, loose = _saved(ref, form, change, "contact", _reason(form), "contacts.")
        if done:
            flash(f"{label} removed")
            return _to_child(ref, "contacts")
    return render_form(
        "records/details_remove_contact.html",
        ref,
        form,
        conflict,
        loose,
        label=label,
        contact=existing,
    )


ROUTES = (
    ("/children/<ref>/details", change_details, ["GET", "POST"]),
    ("/children/<ref>/placements/new", new_placement, ["GET", "POST"]),
    ("/children/<ref>/placements/move", move_placement, ["GET", "POST"]),
    ("/children/<ref>/placements/<int:index>/change", change_placement, ["GET", "POST"]),
    ("/children/<ref>/placements/<int:index>/end", end_placement, ["GET", "POST"]),
    ("/children/<ref>/contacts/<kind>", edit_contact, ["GET", "POST"]),
    ("/children/<ref>/contacts/<kind>/remove", remove_contact, ["GET", "POST"]),
)

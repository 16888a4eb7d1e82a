"""The care leaver's own part of their passport (issue 16): notes, appointments, what matters
to them, the name they like and their pronouns, written by them. They are kept in their own
record (format /2 `young_person_own`), each save a new version made by their account, so they
travel in the export and show in the history. They never change what the nurse recorded. A
care leaver writes only in their own record: the signed-in leaver's, never one named in the
request; nurses and carers get the 404 of a page that is not theirs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from passport.config import Config
from passport.homes.leaver import leaver_only, own_record
from passport.records import editing
from passport.records.audience import YOUNG_PERSON
from passport.records.current import current_view
from passport.records.exchange import as_exchange_json
from passport.records.schemas import OWN_NOTE_MOST
from passport.rules.dates import add_months, long_date
from passport.web import context
from passport.web.fields import ConfirmForm, DatePartsField

AHEAD_MONTHS = 24  # an appointment more than two years ahead is most likely a typing slip
SECTION = "young_person_own"


class OwnForm(FlaskForm):
    """Every form here says which version it started from, so a second save cannot
    overwrite."""

    based_on = HiddenField()
    conflict = False  # set when a save met another's: the page is answered 409


class AboutForm(OwnForm):
    preferred_name = StringField(
        "What do you like to be called?",
        validators=[
            Optional(),
            Length(max=200, message="What you like to be called must be 200 characters or fewer"),
        ],
    )
    pronouns = StringField(
        "Your pronouns",
        validators=[
            Optional(),
            Length(max=40, message="Your pronouns must be 40 characters or fewer"),
        ],
    )
    what_matters = TextAreaField(
        "What matters to you",
        validators=[
            Optional(),
            Length(max=4000, message="What matters to you must be 4000 characters or fewer"),
        ],
    )


class NoteForm(OwnForm):
    text = TextAreaField(
        "Your note",
        validators=[
            InputRequired("Enter your note"),
            Length(
                max=OWN_NOTE_MOST,
                message=f"Your note must be {OWN_NOTE_MOST} characters or fewer",
            ),
        ],
    )

    def validate_text(self, field: Any) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter your note")


TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


class AppointmentForm(OwnForm):
    what = StringField(
        "What is the appointment?",
        validators=[
            InputRequired("Enter what the appointment is"),
            Length(max=200, message="What the appointment is must be 200 characters or fewer"),
        ],
    )
    day = DatePartsField(
        "Date of the appointment",
        validators=[InputRequired("Enter the date of the appointment")],
    )
    time = StringField("Time (if you know it)", validators=[Optional()])
    where = StringField(
        "Where is it? (if you know)",
        validators=[
            Optional(),
            Length(max=200, message="Where it is must be 200 characters or fewer"),
        ],
    )

    def __init__(self, *args: Any, born: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.born = born

    def validate_what(self, field: Any) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter what the appointment is")

    def validate_day(self, field: Any) -> None:
        if field.data is None:
            return
        latest = add_months(context.today(), AHEAD_MONTHS)
        if field.data > latest:
            raise ValidationError(
                f"The date of the appointment must be within 2 years, on or before "
                f"{long_date(latest)}"
            )
        if self.born and field.data < self.born:
            raise ValidationError(
                f"The date of the appointment must be after your date of birth "
                f"({long_date(self.born)})"
            )

    def validate_time(self, field: Any) -> None:
        if (field.data or "").strip() and not TIME.match(field.data.strip()):
            raise ValidationError("Enter the time like 9:30 or 14:30")

    def hhmm(self) -> str | None:
        found = TIME.match((self.time.data or "").strip())
        return f"{int(found.group(1)):02d}:{found.group(2)}" if found else None


def _own(document: dict[str, Any]) -> dict[str, Any]:
    own: dict[str, Any] = document.setdefault(SECTION, {})
    return own


def _tidy(document: dict[str, Any]) -> None:
    """Nothing left of their own: the section goes, as if never written."""
    own = document.get(SECTION)
    if own is not None:
        for key in [k for k, v in own.items() if v in (None, "", [])]:
            del own[key]
        if not own:
            del document[SECTION]


def _save(form: OwnForm, change: Callable[[dict[str, Any]], None], what: str) -> bool:
    """Save `change` as a new version by the leaver's account; False (with the form's errors
    set and nothing saved) when it could not be."""

    def changed(document: dict[str, Any]) -> None:
        change(document)
        _tidy(document)

    errors, conflict = editing.save_change(
        g.user.child_ref or "", form.based_on.data or "", changed, what
    )
    if conflict:
        form.conflict = True  # answered 409, as a nurse's form is after a conflict
        form.based_on.errors = [
            "Your change is not saved yet. Your record changed while you were writing. "
            "What you typed is still here: check it and save again."
        ]
        form.based_on.data = str(editing.current_version(g.user.child_ref or ""))
        return False
    if errors:
        # The form checks what the format checks; anything else is said against the form.
        form.based_on.errors = [f"This could not be saved: {e.message}" for e in errors]
        return False
    return True


def _entries(record: dict[str, Any], section: str) -> list[dict[str, Any]]:
    return list((record.get(SECTION) or {}).get(section) or [])


def _find(record: dict[str, Any], section: str, entry_id: str) -> dict[str, Any]:
    for entry in _entries(record, section):
        if entry["id"] == entry_id:
            return entry
    abort(404)


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _form_page(template: str, form: OwnForm, **extra: Any) -> tuple[str, int]:
    """The form again, keeping what was typed: 409 after a save that met another, 400 after
    refused input, 200 when first shown."""
    if form.conflict:
        status = 409
    else:
        status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, **extra), status


@leaver_only
def own_page():
    with context.db().transaction() as session:
        version, record = own_record(session)
        context.audit(session, "view", "own part", record["child"]["ref"], version)
    view = current_view(as_exchange_json(record), YOUNG_PERSON, context.today())
    return render_template("homes/leaver_own.html", record=record, own=view.own_part)


@leaver_only
def about():
    with context.db().transaction() as session:
        version, record = own_record(session)
    form = AboutForm()
    if not form.is_submitted():
        own = record.get(SECTION) or {}
        form.preferred_name.data = own.get("preferred_name")
        form.pronouns.data = own.get("pronouns")
        form.what_matters.data = own.get("what_matters")
        form.based_on.data = str(version)
    elif form.validate():

        def change(document: dict[str, Any]) -> None:
            own = _own(document)
            for field in (form.preferred_name, form.pronouns, form.what_matters):
                own[field.name] = (field.data or "").strip() or None

        if _save(form, change, "own part: about me"):
            flash("Saved. Your passport now shows what you told us.")
            return redirect(url_for("leaver_own.own_page"))
    return _form_page("homes/leaver_own_about.html", form)


@leaver_only
def note(note_id: str | None = None):
    with context.db().transaction() as session:
        version, record = own_record(session)
    existing = _find(record, "notes", note_id) if note_id else None
    form = NoteForm()
    if not form.is_submitted():
        form.text.data = existing["text"] if existing else None
        form.based_on.data = str(version)
    elif form.validate():
        text = (form.text.data or "").strip()

        def change(document: dict[str, Any]) -> None:
            notes = _own(document).setdefault("notes", [])
            if existing is None:
                notes.append(
                    {"id": _new_id("note"), "text": text, "written_on": context.today().isoformat()}
                )
                return
            for item in notes:
                if item["id"] == note_id:
                    item["text"] = text
                    return
            abort(404)  # removed since the form was opened: the version check catches it first

        if _save(form, change, "own part: note"):
            flash("Your note is saved." if existing is None else "Your note is changed.")
            return redirect(url_for("leaver_own.own_page", _anchor="notes"))
    return _form_page("homes/leaver_own_note.html", form, existing=existing)


def _born(record: dict[str, Any]) -> date | None:
    born = record["child"].get("date_of_birth")
    return born if isinstance(born, date) else None


@leaver_only
def appointment(appointment_id: str | None = None):
    with context.db().transaction() as session:
        version, record = own_record(session)
    existing = _find(record, "appointments", appointment_id) if appointment_id else None
    form = AppointmentForm(born=_born(record))
    if not form.is_submitted():
        if existing:
            form.what.data = existing["what"]
            form.day.data = existing["date"]
            form.time.data = existing.get("time")
            form.where.data = existing.get("where")
        form.based_on.data = str(version)
    elif form.validate():
        item = {
            "id": existing["id"] if existing else _new_id("appointment"),
            "what": (form.what.data or "").strip(),
            "date": form.day.data.isoformat() if form.day.data else "",
            "time": form.hhmm(),
            "where": (form.where.data or "").strip() or None,
        }
        item = {k: v for k, v in item.items() if v is not None}

        def change(document: dict[str, Any]) -> None:
            appointments = _own(document).setdefault("appointments", [])
            if existing is None:
                appointments.append(item)
                return
            for i, old in enumerate(appointments):
                if old["id"] == appointment_id:
                    appointments[i] = item
                    return
            abort(404)

        if _save(form, change, "own part: appointment"):
            flash(
                "Your appointment is saved." if existing is None else "Your appointment is changed."
            )
            return redirect(url_for("leaver_own.own_page", _anchor="appointments"))
    return _form_page("homes/leaver_own_appointment.html", form, existing=existing)


REMOVE_WORDS = {"notes": "note", "appointments": "appointment"}


@leaver_only
def remove(section: str, entry_id: str):
    if section not in REMOVE_WORDS:
        abort(404)
    with context.db().transaction() as session:
        version, record = own_record(session)
    entry = _find(record, section, entry_id)
    form = ConfirmForm()
    based_on = request.form.get("based_on") or str(version)
    if form.validate_on_submit():
        holder = OwnForm(formdata=None, based_on=based_on)

        def change(document: dict[str, Any]) -> None:
            own = _own(document)
            own[section] = [e for e in own.get(section) or [] if e["id"] != entry_id]

        if _save(holder, change, f"own part: remove {REMOVE_WORDS[section]}"):
            flash(f"Your {REMOVE_WORDS[section]} is removed.")
            return redirect(url_for("leaver_own.own_page", _anchor=section))
        return render_template(
            "homes/leaver_own_remove.html",
            entry=entry,
            section=section,
            what=REMOVE_WORDS[section],
            based_on=holder.based_on.data,
            problem=holder.based_on.errors[0],
        ), 409
    if request.method == "POST":
        abort(400)
    return render_template(
        "homes/leaver_own_remove.html",
        entry=entry,
        section=section,
        what=REMOVE_WORDS[section],
        based_on=str(version),
        problem=None,
    )


ROUTES = (
    ("", own_page, ["GET"]),
    ("/about", about, ["GET", "POST"]),
    ("/notes/new", note, ["GET", "POST"]),
    ("/notes/<note_id>", note, ["GET", "POST"]),
    ("/appointments/new", appointment, ["GET", "POST"]),
    ("/appointments/<appointment_id>", appointment, ["GET", "POST"]),
    ("/<section>/<entry_id>/remove", remove, ["GET", "POST"]),
)


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("leaver_own", __name__, url_prefix="/me/own")
    for rule, view, methods in ROUTES:
        bp.add_url_rule(rule, view_func=view, methods=methods)
    return bp

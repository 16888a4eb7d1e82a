"""The foster carer's pages: the children placed with them today (through the grants of
ADR 0007), each one's placement health sheet, and the plan actions they own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms.validators import Optional

from passport import access
from passport.config import Config
from passport.documents import service as documents
from passport.documents.content import build as build_document
from passport.documents.render import render_html
from passport.records import service as records
from passport.records import workflow
from passport.records.bulk import current_records
from passport.records.exchange import as_exchange_json
from passport.records.workflow import PlanPlace
from passport.rules.dates import long_date
from passport.web import context
from passport.web.auth import require_role, visible_record
from passport.web.fields import ConfirmForm, DatePartsField

carer_only = require_role("carer")
# How many times a carer's "mark done" reads the record again when another save came first.
SAVE_TRIES = 3


def placed_child(session: Any, ref: str) -> tuple[int, dict[str, Any]]:
    return visible_record(session, ref, context.today())


def _list_entry(record: dict[str, Any], today: Any) -> dict[str, Any]:
    """One child on the carer's list: name, age, and badges for allergies and overdue care,
    from the same sheet content (and so the same current view) the child's page uses."""
    sheet = build_document("carer-sheet", as_exchange_json(record), today).sections
    return {
        "record": record,
        "age": sheet["about"]["age"],
        "allergies": bool(sheet["allergies"]),
        "overdue": sheet["anything_overdue"],
    }


@carer_only
def home():
    today = context.today()
    with context.db().transaction() as session:
        children = [
            _list_entry(record, today)
            for _, record in current_records(session, access.visible_versions(g.user, today))
        ]
    return render_template("homes/carer_home.html", children=children, today=today)


@carer_only
def child(ref: str):
    today = context.today()
    with context.db().transaction() as session:
        version, record = placed_child(session, ref)
        actions = workflow.owned_actions(record, "carer")
        # The marks "done" this carer made today and may still undo.
        undoable = {
            (a["assessment_id"], a["index"])
            for a in actions
            if a["status"] == "done"
            and workflow.undoable_mark(
                session, a, _place(session, ref, version, a["assessment_id"], a["index"])
            )
        }
        context.audit(session, "view", "placement sheet", ref, version)
    doc = build_document("carer-sheet", as_exchange_json(record), today)
    return render_template(
        "homes/carer_child.html",
        record=record,
        doc=doc,
        s=doc.sections,
        actions=actions,
        undoable=undoable,
    )


@carer_only
def sheet(ref: str):
    with context.db().transaction() as session:
        version, record = placed_child(session, ref)
        context.audit(session, "view", "carer-sheet HTML", ref, version)
    return render_html(build_document("carer-sheet", as_exchange_json(record), context.today()))


@carer_only
def sheet_pdf(ref: str):
    with context.db().transaction() as session:
        placed_child(session, ref)
        pdf = documents.pdf_for(session, ref, "carer-sheet", context.today())
        context.audit(session, "download", "carer-sheet PDF", ref, pdf.version)
    return Response(
        pdf.data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{ref}-placement-health-sheet.pdf"'},
    )


def _place(session: Any, ref: str, version: int, assessment_id: str, index: int) -> PlanPlace:
    return PlanPlace(
        ref=ref,
        version=version,
        assessment_id=assessment_id,
        index=index,
        owner="carer",
        actor=g.user.email,
        name=g.user.name,
        today=context.today(),
    )


Change = Callable[[Any, dict[str, Any], PlanPlace], tuple[str, int | None]]


def _change(ref: str, assessment_id: str, index: int, change: Change) -> tuple[str, int | None]:
    """One change to one of the carer's plan actions, as a new version of the record."""
    with context.db().transaction() as session:
        version, record = placed_child(session, ref)
        place = _place(session, ref, version, assessment_id, index)
        try:
            action, saved = change(session, record, place)
        except workflow.NoSuchAction:
            abort(404)
        if saved is not None:
            context.audit(session, "edit", "health plan action", ref, saved)
    return action, saved


def _with_retries(
    ref: str, assessment_id: str, index: int, change: Change
) -> tuple[str, int | None] | None:
    """Another save may land between reading the record and saving it (a nurse's edit, the
    carer's other tab): read again and retry; None if it keeps happening (said to the carer).
    ActionRefused is said to the carer too, and nothing is saved."""
    for _ in range(SAVE_TRIES):
        try:
            return _change(ref, assessment_id, index, change)
        except (records.EditConflict, records.RecordExists):
            continue  # RecordExists: on SQLite the other save took the version number first
        except workflow.ActionRefused as refused:
            flash(str(refused), "warning")
            return None
    flash(
        "Someone else was saving this child's record at the same moment, so nothing was "
        "changed. Try again.",
        "warning",
    )
    return None


def _back(ref: str) -> Any:
    return redirect(url_for("carer.child", ref=ref, _anchor="actions"))


def _press(
    ref: str,
    assessment_id: str,
    index: int,
    change: Change,
    saved_words: str,
    unchanged_words: str | None,
) -> Any:
    """A button on one of the carer's actions (done, undo, remove a booking): the change with
    retries, then what happened said back ("Marked as done: ..."). `unchanged_words` for a
    press that changed nothing (a second click); None says `saved_words` either way."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = _with_retries(ref, assessment_id, index, change)
    if done is not None:
        action, saved = done
        words = saved_words if saved or unchanged_words is None else unchanged_words
        flash(f"{words}: {action}")
    return _back(ref)


@carer_only
def mark_done(ref: str, assessment_id: str, index: int):
    return _press(ref, assessment_id, index, workflow.complete_action, "Marked as done", None)


@carer_only
def undo_done(ref: str, assessment_id: str, index: int):
    return _press(
        ref, assessment_id, index, workflow.undo_done,
        "Not done after all", "It was not marked as done",
    )  # fmt: skip


class BookedForm(FlaskForm):
    """An action booked: the day of the appointment, if the carer knows it."""

    booked_for = DatePartsField("Date of the appointment", validators=[Optional()])


def _own_action(record: dict[str, Any], assessment_id: str, index: int) -> dict[str, Any]:
    for action in workflow.owned_actions(record, "carer"):
        if action["assessment_id"] == assessment_id and action["index"] == index:
            return action
    abort(404)


@carer_only
def booked(ref: str, assessment_id: str, index: int):
    """Say an action is booked, with the appointment's date if known (a page of its own, so a
    date typed wrong comes back with a message and nothing lost)."""
    form = BookedForm()
    today = context.today()
    with context.db().transaction() as session:
        _, record = placed_child(session, ref)
    action = _own_action(record, assessment_id, index)
    if request.method == "GET" and action.get("booked_for"):
        form.booked_for.data = action["booked_for"]
    if form.validate_on_submit():
        day = form.booked_for.data
        if day is not None and day < today:
            form.booked_for.errors = [
                f"The date of the appointment must be today ({long_date(today)}) or later"
            ]
        else:

            def book(session: Any, record: dict[str, Any], place: PlanPlace):
                return workflow.book_action(session, record, place, day)

            done = _with_retries(ref, assessment_id, index, book)
            if done is not None:
                when = f" for {long_date(day)}" if day else ""
                flash(f"Booked{when}: {done[0]}")
            return _back(ref)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "homes/carer_booked.html", record=record, action=action, form=form
    ), status


@carer_only
def unbook(ref: str, assessment_id: str, index: int):
    """The appointment was cancelled, or it was marked booked by mistake: not booked now."""
    return _press(
        ref, assessment_id, index, workflow.unbook_action, "Not booked now", "It was not booked"
    )


ROUTES = (
    ("", home, ["GET"]),
    ("/<ref>", child, ["GET"]),
    ("/<ref>/sheet", sheet, ["GET"]),
    ("/<ref>/sheet.pdf", sheet_pdf, ["GET"]),
    ("/<ref>/actions/<assessment_id>/<int:index>/done", mark_done, ["POST"]),
    ("/<ref>/actions/<assessment_id>/<int:index>/undo", undo_done, ["POST"]),
    ("/<ref>/actions/<assessment_id>/<int:index>/booked", booked, ["GET", "POST"]),
    ("/<ref>/actions/<assessment_id>/<int:index>/unbook", unbook, ["POST"]),
)


def make_blueprint(config: Config) -> Blueprint:
    bp = Blueprint("carer", __name__, url_prefix="/placements")
    for rule, view, methods in ROUTES:
        bp.add_url_rule(rule, view_func=view, methods=methods)
    return bp
